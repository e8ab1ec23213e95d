//===- Elementwise.cpp - lowering of elementwise, norm, dense, softmax ----===//
//
// Activations, broadcasting arithmetic and batch norm become all-parallel
// linalg.generic ops, which linalg's elementwise fusion can merge; dense and
// softmax become generic contractions and reductions.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::lowering;

namespace {

/// exp(y) for y in [-87, 89], in arithmetic that vectorizes: y = k ln 2 + r
/// with k = round(y / ln 2) and |r| <= ln 2 / 2, exp(r) by its degree-6
/// Taylor polynomial (relative error below 2e-7 there), 2^k built in the
/// exponent bits: a normal float from y = -87 on, +inf from about y = 88.4
/// (k = 128) on. k is rounded by adding 1.5 * 2^23, which leaves k in the
/// low mantissa bits: no float-to-int conversion, so a NaN input is a NaN
/// output, not poison.
Value expInRange(OpBuilder &b, Location l, Value y) {
  Type i32 = b.getI32Type();
  auto fma = [&](Value a, Value x, Value c) {
    return math::FmaOp::create(b, l, a, x, c).getResult();
  };
  const double shifter = 12582912.0; // 1.5 * 2^23
  Value z = fma(y, f32Const(b, l, 1.4426950408889634), f32Const(b, l, shifter));
  Value k = arith::SubFOp::create(b, l, z, f32Const(b, l, shifter));
  // ln 2 in two parts: k * ln2Hi is exact for |k| < 2^9.
  Value r = fma(k, f32Const(b, l, -0.693145751953125), y);
  r = fma(k, f32Const(b, l, -1.428606765330187e-06), r);
  Value p = f32Const(b, l, 1.0 / 720);
  for (double c : {1.0 / 120, 1.0 / 24, 1.0 / 6, 0.5, 1.0, 1.0})
    p = fma(p, r, f32Const(b, l, c));
  Value bits = arith::BitcastOp::create(b, l, i32, z);
  Value e = arith::ShLIOp::create(
      b, l, bits, arith::ConstantOp::create(b, l, b.getI32IntegerAttr(23)));
  e = arith::AddIOp::create(
      b, l, e, arith::ConstantOp::create(b, l, b.getI32IntegerAttr(127 << 23)));
  Value twoK = arith::BitcastOp::create(b, l, b.getF32Type(), e);
  return arith::MulFOp::create(b, l, p, twoK);
}

/// 1 / (1 + exp(-x)), with -x clamped to [-87, 89] first: above, exp is
/// +inf and sigmoid exactly 0 (so SiLU(-inf) = -inf * 0 is NaN, as in IEEE
/// arithmetic and onnxruntime); below, sigmoid is 1 to f32 precision. NaN
/// propagates. About half the operations of math.exp's general
/// approximation, whose overflow and underflow handling the clamp makes
/// unnecessary (EfficientNet-B0 spent a fifth of its time in SiLU; 7%
/// less in all).
Value sigmoid(OpBuilder &b, Location l, Value x) {
  Value neg = arith::NegFOp::create(b, l, x);
  neg = arith::MaximumFOp::create(b, l, neg, f32Const(b, l, -87.0));
  neg = arith::MinimumFOp::create(b, l, neg, f32Const(b, l, 89.0));
  Value e = expInRange(b, l, neg);
  Value den = arith::AddFOp::create(b, l, e, f32Const(b, l, 1.0));
  return arith::DivFOp::create(b, l, f32Const(b, l, 1.0), den);
}

Value clamp(OpBuilder &b, Location l, Value x, double lo, double hi) {
  Value v = x;
  if (!std::isinf(lo))
    v = arith::MaximumFOp::create(b, l, v, f32Const(b, l, lo));
  if (!std::isinf(hi))
    v = arith::MinimumFOp::create(b, l, v, f32Const(b, l, hi));
  return v;
}

/// An elementwise op over `inputs` (numpy broadcasting to the NCHW-semantics
/// `type`). In NHWC mode, when a 4-D result has an input with an NHWC source,
/// it iterates in NHWC: inputs with an NHWC source are read there, the
/// others (small broadcast operands, typically) through permuted maps.
Value layoutElementwise(OpBuilder &b, Location loc, RankedTensorType type,
                        ValueRange inputs, bool nhwc, BodyFn body) {
  bool useNHWC = nhwc && type.getRank() == 4 &&
                 llvm::any_of(inputs, [](Value v) { return nhwcSource(v); });
  if (!useNHWC)
    return elementwise(b, loc, type, inputs, body);
  MLIRContext *ctx = b.getContext();
  RankedTensorType resultType = nhwcType(type);
  SmallVector<Value> ins;
  SmallVector<AffineMap> maps;
  for (Value v : inputs) {
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    if (Value source = nhwcSource(v)) {
      ins.push_back(source);
      maps.push_back(broadcastMap(
          ctx, cast<RankedTensorType>(source.getType()).getShape(),
          resultType.getShape()));
    } else {
      ins.push_back(v);
      maps.push_back(broadcastMapInNHWC(ctx, shape, type.getShape()));
    }
  }
  return fromNHWC(b, loc, mappedElementwise(b, loc, resultType, ins, maps, body));
}

/// A unary cnn op, lowered through the activation it names.
template <typename OpTy>
struct UnaryLowering : OpConversionPattern<OpTy> {
  using ParamsFn = SmallVector<float> (*)(OpTy);
  UnaryLowering(MLIRContext *ctx, bool nhwc, StringRef kind,
                ParamsFn params = nullptr)
      : OpConversionPattern<OpTy>(ctx), nhwc(nhwc), kind(kind),
        params(params) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<float> p = params ? params(op) : SmallVector<float>();
    Value y = layoutElementwise(rw, op.getLoc(), type, adaptor.getInput(),
                                nhwc, [&](OpBuilder &b, Location l, ValueRange a) {
                                  return applyActivation(b, l, kind, p, a[0]);
                                });
    rw.replaceOp(op, y);
    return success();
  }
  bool nhwc;
  StringRef kind;
  ParamsFn params;
};

template <typename OpTy, typename ArithOp>
struct BinaryLowering : OpConversionPattern<OpTy> {
  BinaryLowering(MLIRContext *ctx, bool nhwc)
      : OpConversionPattern<OpTy>(ctx), nhwc(nhwc) {}
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getType());
    Value y = layoutElementwise(rw, op.getLoc(), type,
                                {adaptor.getLhs(), adaptor.getRhs()}, nhwc,
                                [](OpBuilder &b, Location l, ValueRange a) {
                                  return ArithOp::create(b, l, a[0], a[1])
                                      .getResult();
                                });
    rw.replaceOp(op, y);
    return success();
  }
  bool nhwc;
};

struct BatchNormLowering : OpConversionPattern<cnn::BatchNormOp> {
  BatchNormLowering(MLIRContext *ctx, bool nhwc)
      : OpConversionPattern(ctx), nhwc(nhwc) {}
  bool nhwc;
  LogicalResult
  matchAndRewrite(cnn::BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    auto type = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = rw.getContext();
    int64_t rank = type.getRank();
    Value input = adaptor.getInput();
    Value source = nhwc && rank == 4 ? nhwcSource(input) : Value();
    if (source) {
      input = source;
      type = nhwcType(type);
    }
    AffineMap ch = axisMap(ctx, rank, source ? 3 : 1);
    SmallVector<AffineMap> maps = {rw.getMultiDimIdentityMap(rank), ch, ch, ch,
                                   ch};
    double eps = op.getEpsilon().convertToDouble();
    Value y = mappedElementwise(
        rw, op.getLoc(), type,
        {input, adaptor.getScale(), adaptor.getBias(),
         adaptor.getMean(), adaptor.getVariance()},
        maps, [eps](OpBuilder &b, Location l, ValueRange a) {
          Value var = arith::AddFOp::create(b, l, a[4], f32Const(b, l, eps));
          Value inv = math::RsqrtOp::create(b, l, var);
          Value centered = arith::SubFOp::create(b, l, a[0], a[3]);
          Value scaled = arith::MulFOp::create(
              b, l, centered, arith::MulFOp::create(b, l, a[1], inv));
          return arith::AddFOp::create(b, l, scaled, a[2]).getResult();
        });
    rw.replaceOp(op, source ? fromNHWC(rw, op.getLoc(), y) : y);
    return success();
  }
};

struct DenseLowering : OpConversionPattern<cnn::DenseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(cnn::DenseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value bias = adaptor.getBias();
    // With alpha == 1 the bias (times beta) is the accumulator's initial
    // value; otherwise it is added in an epilogue.
    Value init;
    bool biasInInit = bias && alpha == 1.0;
    if (biasInInit)
      init = elementwise(rw, loc, type, bias,
                         [beta](OpBuilder &b, Location l, ValueRange a) {
                           if (beta == 1.0)
                             return a[0];
                           return arith::MulFOp::create(b, l, a[0],
                                                        f32Const(b, l, beta))
                               .getResult();
                         });
    else
      init = filledTensor(rw, loc, type, 0.0);
    // Constant weights are laid out [K, N] at compile time: a linalg.matmul
    // that codegen vectorizes along N.
    Value b = adaptor.getB();
    bool transposeB = op.getTransposeB();
    if (transposeB && !op.getTransposeA())
      if (auto values = cnn::getConstantFloats(b); succeeded(values)) {
        auto bType = cast<RankedTensorType>(b.getType());
        int64_t n = bType.getDimSize(0), k = bType.getDimSize(1);
        SmallVector<float> kn(values->size());
        for (int64_t i = 0; i < n; ++i)
          for (int64_t j = 0; j < k; ++j)
            kn[j * n + i] = (*values)[i * k + j];
        std::string name = cnn::weightName(loc, "kn");
        b = cnn::createWeightConstant(
            rw, loc, RankedTensorType::get({k, n}, bType.getElementType()),
            kn, name);
        transposeB = false;
      }
    Value y;
    if (!op.getTransposeA() && !transposeB) {
      y = linalg::MatmulOp::create(rw, loc, TypeRange{type},
                                   ValueRange{adaptor.getA(), b}, init)
              .getResult(0);
    } else {
      y = genericMatmul(rw, loc, type, adaptor.getA(), b, init,
                        op.getTransposeA(), transposeB);
    }
    if (!biasInInit && (alpha != 1.0 || bias)) {
      SmallVector<Value> ins = {y};
      if (bias)
        ins.push_back(bias);
      y = elementwise(rw, loc, type, ins,
                      [&](OpBuilder &b, Location l, ValueRange a) {
                        Value v = arith::MulFOp::create(b, l, a[0],
                                                        f32Const(b, l, alpha));
                        if (a.size() > 1)
                          v = arith::AddFOp::create(
                              b, l, v,
                              arith::MulFOp::create(b, l, a[1],
                                                    f32Const(b, l, beta)));
                        return v;
                      });
    }
    rw.replaceOp(op, y);
    return success();
  }

  /// C += op(A) op(B) as a generic, for transposed operands that are not
  /// compile-time constants.
  static Value genericMatmul(OpBuilder &rw, Location loc,
                             RankedTensorType type, Value a, Value b,
                             Value init, bool transposeA, bool transposeB) {
    MLIRContext *ctx = rw.getContext();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    // Iteration space (m, n, k).
    AffineMap aMap = transposeA ? AffineMap::get(3, 0, {d(2), d(0)}, ctx)
                                : AffineMap::get(3, 0, {d(0), d(2)}, ctx);
    AffineMap bMap = transposeB ? AffineMap::get(3, 0, {d(1), d(2)}, ctx)
                                : AffineMap::get(3, 0, {d(2), d(1)}, ctx);
    AffineMap cMap = AffineMap::get(3, 0, {d(0), d(1)}, ctx);
    SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                              utils::IteratorType::parallel,
                                              utils::IteratorType::reduction};
    return linalg::GenericOp::create(
               rw, loc, TypeRange{type}, ValueRange{a, b}, init,
               ArrayRef<AffineMap>{aMap, bMap, cMap}, iters,
               [](OpBuilder &nb, Location l, ValueRange args) {
                 Value p = arith::MulFOp::create(nb, l, args[0], args[1]);
                 linalg::YieldOp::create(
                     nb, l, arith::AddFOp::create(nb, l, args[2], p).getResult());
               })
        .getResult(0);
  }
};

/// Softmax as max-reduce, exp-sum-reduce, normalize; the reductions drop the
/// axis, and the elementwise steps read them through a projection.
struct SoftmaxLowering : OpConversionPattern<cnn::SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(cnn::SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank(), axis = op.getAxis();
    SmallVector<int64_t> redShape;
    SmallVector<AffineExpr> redExprs;
    SmallVector<utils::IteratorType> iters;
    for (int64_t i = 0; i < rank; ++i) {
      iters.push_back(i == axis ? utils::IteratorType::reduction
                                : utils::IteratorType::parallel);
      if (i == axis)
        continue;
      redShape.push_back(type.getDimSize(i));
      redExprs.push_back(getAffineDimExpr(i, ctx));
    }
    auto redType = RankedTensorType::get(redShape, rw.getF32Type());
    AffineMap id = rw.getMultiDimIdentityMap(rank);
    AffineMap proj = AffineMap::get(rank, 0, redExprs, ctx);
    auto reduce = [&](Value in, double initValue, bool isMax) {
      return linalg::GenericOp::create(
                 rw, loc, TypeRange{redType}, in,
                 filledTensor(rw, loc, redType, initValue),
                 ArrayRef<AffineMap>{id, proj}, iters,
                 [isMax](OpBuilder &b, Location l, ValueRange a) {
                   Value v =
                       isMax ? arith::MaximumFOp::create(b, l, a[0], a[1])
                                   .getResult()
                             : arith::AddFOp::create(b, l, a[0], a[1])
                                   .getResult();
                   linalg::YieldOp::create(b, l, v);
                 })
          .getResult(0);
    };
    Value x = adaptor.getInput();
    Value mx = reduce(x, -std::numeric_limits<double>::infinity(), true);
    Value e = mappedElementwise(rw, loc, type, {x, mx}, {id, proj},
                                [](OpBuilder &b, Location l, ValueRange a) {
                                  Value s = arith::SubFOp::create(b, l, a[0], a[1]);
                                  return math::ExpOp::create(b, l, s).getResult();
                                });
    Value sum = reduce(e, 0.0, false);
    Value y = mappedElementwise(rw, loc, type, {e, sum}, {id, proj},
                                [](OpBuilder &b, Location l, ValueRange a) {
                                  return arith::DivFOp::create(b, l, a[0], a[1])
                                      .getResult();
                                });
    rw.replaceOp(op, y);
    return success();
  }
};

} // namespace

Value lowering::applyActivation(OpBuilder &b, Location l, StringRef kind,
                                ArrayRef<float> p, Value x) {
  if (kind == "relu")
    return arith::MaximumFOp::create(b, l, x, f32Const(b, l, 0.0));
  if (kind == "sigmoid")
    return sigmoid(b, l, x);
  if (kind == "tanh")
    return math::TanhOp::create(b, l, x);
  if (kind == "silu")
    return arith::MulFOp::create(b, l, x, sigmoid(b, l, x));
  if (kind == "hard_swish") {
    Value t = arith::AddFOp::create(
        b, l, arith::MulFOp::create(b, l, x, f32Const(b, l, 1.0 / 6.0)),
        f32Const(b, l, 0.5));
    return arith::MulFOp::create(b, l, x, clamp(b, l, t, 0.0, 1.0));
  }
  if (kind == "clip")
    return clamp(b, l, x, p[0], p[1]);
  if (kind == "leaky_relu") {
    Value neg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, x,
                                      f32Const(b, l, 0.0));
    Value scaled = arith::MulFOp::create(b, l, x, f32Const(b, l, p[0]));
    return arith::SelectOp::create(b, l, neg, scaled, x);
  }
  assert(kind == "hard_sigmoid" && "verifier admits only known activations");
  Value t = arith::AddFOp::create(
      b, l, arith::MulFOp::create(b, l, x, f32Const(b, l, p[0])),
      f32Const(b, l, p[1]));
  return clamp(b, l, t, 0.0, 1.0);
}

void lowering::populateElementwiseLoweringPatterns(RewritePatternSet &patterns,
                                                   bool nhwc) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<UnaryLowering<cnn::ReluOp>>(ctx, nhwc, "relu");
  patterns.add<UnaryLowering<cnn::SigmoidOp>>(ctx, nhwc, "sigmoid");
  patterns.add<UnaryLowering<cnn::TanhOp>>(ctx, nhwc, "tanh");
  patterns.add<UnaryLowering<cnn::SiluOp>>(ctx, nhwc, "silu");
  patterns.add<UnaryLowering<cnn::HardSwishOp>>(ctx, nhwc, "hard_swish");
  patterns.add<UnaryLowering<cnn::ClipOp>>(ctx, nhwc, "clip", [](cnn::ClipOp op) {
    return SmallVector<float>{op.getMin().convertToFloat(),
                              op.getMax().convertToFloat()};
  });
  patterns.add<UnaryLowering<cnn::LeakyReluOp>>(
      ctx, nhwc, "leaky_relu", [](cnn::LeakyReluOp op) {
        return SmallVector<float>{op.getAlpha().convertToFloat()};
      });
  patterns.add<UnaryLowering<cnn::HardSigmoidOp>>(
      ctx, nhwc, "hard_sigmoid", [](cnn::HardSigmoidOp op) {
        return SmallVector<float>{op.getAlpha().convertToFloat(),
                                  op.getBeta().convertToFloat()};
      });
  patterns.add<BinaryLowering<cnn::AddOp, arith::AddFOp>,
               BinaryLowering<cnn::SubOp, arith::SubFOp>,
               BinaryLowering<cnn::MulOp, arith::MulFOp>,
               BinaryLowering<cnn::DivOp, arith::DivFOp>, BatchNormLowering>(
      ctx, nhwc);
  patterns.add<DenseLowering, SoftmaxLowering>(ctx);
}
