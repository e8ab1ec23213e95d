//===- ConvPool.cpp - lowering of convolutions, pooling and LRN -----------===//
//
// Convolutions and pools become linalg named ops behind an explicit
// tensor.pad, so that later tiling and vectorization see the upstream ops
// they know. In NHWC mode ungrouped and depthwise convolutions, pools, global
// pools and LRN compute in NHWC (see "Layout propagation" in
// LoweringUtils.h); grouped convolutions compute in NHWGC.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::lowering;

namespace {

/// The weights in HWCF order: folded at compile time when they are
/// constants, else a transpose at run time.
Value weightsHWCF(OpBuilder &b, Location loc, Value weight) {
  SmallVector<int64_t> perm = {2, 3, 1, 0};
  auto type = cast<RankedTensorType>(weight.getType());
  auto values = cnn::getConstantFloats(weight);
  if (failed(values))
    return permute(b, loc, weight, perm);
  int64_t f = type.getDimSize(0), c = type.getDimSize(1),
          kh = type.getDimSize(2), kw = type.getDimSize(3);
  SmallVector<float> hwcf(values->size());
  for (int64_t o = 0; o < f; ++o)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          hwcf[((y * kw + x) * c + i) * f + o] =
              (*values)[((o * c + i) * kh + y) * kw + x];
  std::string name = cnn::weightName(loc, "hwcf");
  return cnn::createWeightConstant(
      b, loc, RankedTensorType::get({kh, kw, c, f}, type.getElementType()),
      hwcf, name);
}

/// Grouped weights [F, C/G, KH, KW] in GFHWC order [G, F/G, KH, KW, C/G]:
/// folded at compile time when they are constants, else a transpose at run
/// time.
Value weightsGFHWC(OpBuilder &b, Location loc, Value weight, int64_t group) {
  auto type = cast<RankedTensorType>(weight.getType());
  int64_t f = type.getDimSize(0), c = type.getDimSize(1),
          kh = type.getDimSize(2), kw = type.getDimSize(3), fg = f / group;
  auto gfhwcType = RankedTensorType::get({group, fg, kh, kw, c},
                                         type.getElementType());
  auto values = cnn::getConstantFloats(weight);
  if (failed(values)) {
    auto expanded = tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get({group, fg, c, kh, kw}, type.getElementType()),
        weight, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}, {4}});
    return permute(b, loc, expanded, {0, 1, 3, 4, 2});
  }
  SmallVector<float> gfhwc(values->size());
  for (int64_t o = 0; o < f; ++o)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t y = 0; y < kh; ++y)
        for (int64_t x = 0; x < kw; ++x)
          gfhwc[((o * kh + y) * kw + x) * c + i] =
              (*values)[((o * c + i) * kh + y) * kw + x];
  return cnn::createWeightConstant(b, loc, gfhwcType, gfhwc,
                                   cnn::weightName(loc, "gfhwc"));
}

struct Conv2DLowering : OpConversionPattern<cnn::Conv2DOp> {
  Conv2DLowering(MLIRContext *ctx, bool nhwc)
      : OpConversionPattern(ctx), nhwc(nhwc) {}
  bool nhwc;
  LogicalResult
  matchAndRewrite(cnn::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    auto wType = cast<RankedTensorType>(adaptor.getWeight().getType());
    Value weight = adaptor.getWeight();
    auto strides = i64ElementsAttr(rw, op.getStrides());
    auto dilations = i64ElementsAttr(rw, op.getDilations());
    int64_t group = op.getGroup();
    int64_t c = inType.getDimSize(1), f = wType.getDimSize(0);

    bool isDepthwise = group == c && f == c && group > 1;
    if (nhwc && group > 1 && !isDepthwise) {
      // NHWGC input (a free reshape of NHWC) and GFHWC weights: CPU codegen
      // runs each group as an NHWC convolution, the groups in parallel.
      Value in = padSpatial(rw, loc, toNHWC(rw, loc, adaptor.getInput()),
                            op.getPads(), 0.0, /*hDim=*/1);
      auto inT = cast<RankedTensorType>(in.getType());
      SmallVector<ReassociationIndices> split = {{0}, {1}, {2}, {3, 4}};
      Value gIn = tensor::ExpandShapeOp::create(
          rw, loc,
          RankedTensorType::get({inT.getDimSize(0), inT.getDimSize(1),
                                 inT.getDimSize(2), group, c / group},
                                inT.getElementType()),
          in, split);
      RankedTensorType type = nhwcType(outType);
      auto gType = RankedTensorType::get(
          {type.getDimSize(0), type.getDimSize(1), type.getDimSize(2), group,
           f / group},
          type.getElementType());
      Value conv = linalg::Conv2DNhwgcGfhwcOp::create(
                       rw, loc, TypeRange{gType},
                       ValueRange{gIn, weightsGFHWC(rw, loc, weight, group)},
                       ValueRange{filledTensor(rw, loc, gType, 0.0)}, strides,
                       dilations)
                       .getResult(0);
      conv = tensor::CollapseShapeOp::create(rw, loc, type, conv, split);
      Value residual = adaptor.getResidual();
      if (residual)
        residual = toNHWC(rw, loc, residual);
      Value y = epilogue(rw, op, conv, adaptor.getBias(), residual,
                         /*channelDim=*/3);
      rw.replaceOp(op, fromNHWC(rw, loc, y));
      return success();
    }
    if (nhwc && (group == 1 || isDepthwise)) {
      // NHWC with HWCF (HWC for depthwise) weights transposed at compile
      // time: CPU codegen vectorizes along the output channels.
      Value in = padSpatial(rw, loc, toNHWC(rw, loc, adaptor.getInput()),
                            op.getPads(), 0.0, /*hDim=*/1);
      RankedTensorType type = nhwcType(outType);
      Value init = filledTensor(rw, loc, type, 0.0);
      Value conv;
      if (group == 1) {
        conv = linalg::Conv2DNhwcHwcfOp::create(
                   rw, loc, TypeRange{type},
                   ValueRange{in, weightsHWCF(rw, loc, weight)},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
      } else {
        // [C, 1, KH, KW] -> HWCF [KH, KW, 1, C] -> [KH, KW, C].
        Value hwcf = weightsHWCF(rw, loc, weight);
        auto hwcfType = cast<RankedTensorType>(hwcf.getType());
        Value hwc = tensor::CollapseShapeOp::create(
            rw, loc,
            RankedTensorType::get({hwcfType.getDimSize(0),
                                   hwcfType.getDimSize(1), f},
                                  wType.getElementType()),
            hwcf, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
        conv = linalg::DepthwiseConv2DNhwcHwcOp::create(
                   rw, loc, TypeRange{type}, ValueRange{in, hwc},
                   ValueRange{init}, strides, dilations)
                   .getResult(0);
      }
      Value residual = adaptor.getResidual();
      if (residual)
        residual = toNHWC(rw, loc, residual);
      Value y = epilogue(rw, op, conv, adaptor.getBias(), residual,
                         /*channelDim=*/3);
      rw.replaceOp(op, fromNHWC(rw, loc, y));
      return success();
    }

    Value input = padSpatial(rw, loc, adaptor.getInput(), op.getPads(), 0.0);
    Value init = filledTensor(rw, loc, outType, 0.0);
    Value conv;
    if (group == 1) {
      conv = linalg::Conv2DNchwFchwOp::create(
                 rw, loc, TypeRange{outType}, ValueRange{input, weight},
                 ValueRange{init}, strides, dilations)
                 .getResult(0);
    } else if (isDepthwise) {
      conv = depthwise(rw, loc, outType, input, weight, init, strides,
                       dilations);
    } else {
      conv = grouped(rw, loc, outType, input, weight, init, strides,
                     dilations, group);
    }
    rw.replaceOp(op, epilogue(rw, op, conv, adaptor.getBias(),
                              adaptor.getResidual(), /*channelDim=*/1));
    return success();
  }

  /// activation(conv + bias + residual), all in the layout of `conv`, whose
  /// channels are dim `channelDim`. The bias joins here rather than
  /// initializing the accumulator: a broadcast of a constant would be folded
  /// into a constant as large as the output.
  static Value epilogue(OpBuilder &b, cnn::Conv2DOp op, Value conv, Value bias,
                        Value residual, int64_t channelDim) {
    std::optional<StringRef> act = op.getActivation();
    if (!act && !residual && !bias)
      return conv;
    auto type = cast<RankedTensorType>(conv.getType());
    MLIRContext *ctx = b.getContext();
    SmallVector<Value> ins = {conv};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(4)};
    if (bias) {
      ins.push_back(bias);
      maps.push_back(axisMap(ctx, 4, channelDim));
    }
    if (residual) {
      ins.push_back(residual);
      maps.push_back(b.getMultiDimIdentityMap(4));
    }
    SmallVector<float> params;
    if (auto p = op.getActivationParams())
      params.assign(p->begin(), p->end());
    return mappedElementwise(
        b, op.getLoc(), type, ins, maps,
        [&](OpBuilder &nb, Location l, ValueRange a) {
          Value v = a[0];
          for (Value extra : a.drop_front())
            v = arith::AddFOp::create(nb, l, v, extra);
          return act ? applyActivation(nb, l, *act, params, v) : v;
        });
  }

  /// Depthwise: [C, 1, KH, KW] weights as [C, KH, KW].
  static Value depthwise(OpBuilder &rw, Location loc,
                         RankedTensorType outType, Value input, Value weight,
                         Value init, DenseIntElementsAttr strides,
                         DenseIntElementsAttr dilations) {
    auto wType = cast<RankedTensorType>(weight.getType());
    auto dwType = RankedTensorType::get({wType.getDimSize(0),
                                         wType.getDimSize(2),
                                         wType.getDimSize(3)},
                                        wType.getElementType());
    Value dw = tensor::CollapseShapeOp::create(
        rw, loc, dwType, weight,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
    return linalg::DepthwiseConv2DNchwChwOp::create(
               rw, loc, TypeRange{outType}, ValueRange{input, dw},
               ValueRange{init}, strides, dilations)
        .getResult(0);
  }

  /// General grouped convolution through the NGCHW/GFCHW named op.
  static Value grouped(OpBuilder &rw, Location loc, RankedTensorType outType,
                       Value input, Value weight, Value init,
                       DenseIntElementsAttr strides,
                       DenseIntElementsAttr dilations, int64_t group) {
    auto wType = cast<RankedTensorType>(weight.getType());
    int64_t f = wType.getDimSize(0);
    int64_t c = wType.getDimSize(1) * group;
    auto expand = [&](Value v, SmallVector<int64_t> shape,
                      SmallVector<ReassociationIndices> re) -> Value {
      auto t = RankedTensorType::get(shape, rw.getF32Type());
      return tensor::ExpandShapeOp::create(rw, loc, t, v, re);
    };
    auto pType = cast<RankedTensorType>(input.getType());
    SmallVector<ReassociationIndices> act = {{0}, {1, 2}, {3}, {4}};
    Value gIn = expand(input,
                       {pType.getDimSize(0), group, c / group,
                        pType.getDimSize(2), pType.getDimSize(3)},
                       act);
    Value gW = expand(weight,
                      {group, f / group, wType.getDimSize(1),
                       wType.getDimSize(2), wType.getDimSize(3)},
                      {{0, 1}, {2}, {3}, {4}});
    Value gInit = expand(init,
                         {outType.getDimSize(0), group, f / group,
                          outType.getDimSize(2), outType.getDimSize(3)},
                         act);
    Value conv = linalg::Conv2DNgchwGfchwOp::create(
                     rw, loc, TypeRange{gInit.getType()}, ValueRange{gIn, gW},
                     ValueRange{gInit}, strides, dilations)
                     .getResult(0);
    return tensor::CollapseShapeOp::create(rw, loc, outType, conv, act);
  }
};

/// Trailing pads that ceil mode needs on top of the explicit ones so that
/// every output window lies inside the padded tensor.
SmallVector<int64_t> ceilModePads(RankedTensorType in, RankedTensorType out,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations) {
  SmallVector<int64_t> all(pads);
  for (int i = 0; i < 2; ++i) {
    int64_t need = (out.getDimSize(2 + i) - 1) * strides[i] +
                   (kernel[i] - 1) * dilations[i] + 1;
    int64_t have = in.getDimSize(2 + i) + pads[i] + pads[i + 2];
    all[i + 2] += std::max<int64_t>(0, need - have);
  }
  return all;
}

/// Base of the patterns that compute in NHWC when their input already is
/// (a tagged permute) and the pass runs in NHWC mode.
template <typename OpTy>
struct LayoutAwarePattern : OpConversionPattern<OpTy> {
  LayoutAwarePattern(MLIRContext *ctx, bool nhwc)
      : OpConversionPattern<OpTy>(ctx), nhwc(nhwc) {}
  /// The NHWC source of `input` in NHWC mode, else null.
  Value nhwcInput(Value input) const {
    return nhwc ? nhwcSource(input) : Value();
  }
  bool nhwc;
};

struct MaxPool2DLowering : LayoutAwarePattern<cnn::MaxPool2DOp> {
  using LayoutAwarePattern::LayoutAwarePattern;
  LogicalResult
  matchAndRewrite(cnn::MaxPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    SmallVector<int64_t> pads =
        ceilModePads(inType, outType, op.getKernel(), op.getStrides(),
                     op.getPads(), op.getDilations());
    double lowest = -std::numeric_limits<double>::infinity();
    Value window = tensor::EmptyOp::create(rw, loc, op.getKernel(),
                                           rw.getF32Type());
    auto strides = i64ElementsAttr(rw, op.getStrides());
    auto dilations = i64ElementsAttr(rw, op.getDilations());
    if (Value source = nhwcInput(adaptor.getInput())) {
      Value input = padSpatial(rw, loc, source, pads, lowest, /*hDim=*/1);
      RankedTensorType type = nhwcType(outType);
      Value pool = linalg::PoolingNhwcMaxOp::create(
                       rw, loc, TypeRange{type}, ValueRange{input, window},
                       ValueRange{filledTensor(rw, loc, type, lowest)},
                       strides, dilations)
                       .getResult(0);
      rw.replaceOp(op, fromNHWC(rw, loc, pool));
      return success();
    }
    Value input = padSpatial(rw, loc, adaptor.getInput(), pads, lowest);
    Value pool = linalg::PoolingNchwMaxOp::create(
                     rw, loc, TypeRange{outType}, ValueRange{input, window},
                     ValueRange{filledTensor(rw, loc, outType, lowest)},
                     strides, dilations)
                     .getResult(0);
    rw.replaceOp(op, pool);
    return success();
  }
};

struct AvgPool2DLowering : LayoutAwarePattern<cnn::AvgPool2DOp> {
  using LayoutAwarePattern::LayoutAwarePattern;
  LogicalResult
  matchAndRewrite(cnn::AvgPool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    auto outType = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    ArrayRef<int64_t> kernel = op.getKernel(), strides = op.getStrides(),
                      pads = op.getPads();
    int64_t ones[] = {1, 1};
    SmallVector<int64_t> allPads =
        ceilModePads(inType, outType, kernel, strides, pads, ones);
    Value window = tensor::EmptyOp::create(rw, loc, kernel, rw.getF32Type());
    Value source = nhwcInput(adaptor.getInput());
    unsigned hDim = source ? 1 : 2;
    RankedTensorType type = source ? nhwcType(outType) : outType;
    Value input = padSpatial(rw, loc, source ? source : adaptor.getInput(),
                             allPads, 0.0, hDim);
    Value init = filledTensor(rw, loc, type, 0.0);
    Value sum;
    if (source)
      sum = linalg::PoolingNhwcSumOp::create(
                rw, loc, TypeRange{type}, ValueRange{input, window},
                ValueRange{init}, i64ElementsAttr(rw, strides),
                i64ElementsAttr(rw, ones))
                .getResult(0);
    else
      sum = linalg::PoolingNchwSumOp::create(
                rw, loc, TypeRange{type}, ValueRange{input, window},
                ValueRange{init}, i64ElementsAttr(rw, strides),
                i64ElementsAttr(rw, ones))
                .getResult(0);

    // Divisor per output position: window cells inside the input (and, with
    // count_include_pad, inside the explicit pads, never the ceil-mode ones).
    int64_t oh = outType.getDimSize(2), ow = outType.getDimSize(3);
    auto count = [&](int64_t o, int dim) -> int64_t {
      int64_t size = inType.getDimSize(2 + dim);
      int64_t start = o * strides[dim] - pads[dim];
      int64_t end = std::min(start + kernel[dim], size + pads[dim + 2]);
      if (op.getCountIncludePad())
        return end - start;
      return std::min(end, size) - std::max<int64_t>(start, 0);
    };
    SmallVector<float> divisor;
    divisor.reserve(oh * ow);
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        divisor.push_back(float(std::max<int64_t>(1, count(i, 0) * count(j, 1))));
    auto divType = RankedTensorType::get({oh, ow}, rw.getF32Type());
    Value div = arith::ConstantOp::create(
        rw, loc, DenseElementsAttr::get(divType, ArrayRef<float>(divisor)));
    AffineMap divMap = AffineMap::get(
        4, 0, {getAffineDimExpr(hDim, ctx), getAffineDimExpr(hDim + 1, ctx)},
        ctx);
    Value avg = mappedElementwise(
        rw, loc, type, {sum, div}, {rw.getMultiDimIdentityMap(4), divMap},
        [](OpBuilder &b, Location l, ValueRange a) {
          return arith::DivFOp::create(b, l, a[0], a[1]).getResult();
        });
    rw.replaceOp(op, source ? fromNHWC(rw, loc, avg) : avg);
    return success();
  }
};

/// Global pools reduce H and W into NxC, then expand to NxCx1x1 (the same
/// bytes in NCHW and NHWC).
template <typename OpTy, bool isMax>
struct GlobalPoolLowering : LayoutAwarePattern<OpTy> {
  using LayoutAwarePattern<OpTy>::LayoutAwarePattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto outType = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    MLIRContext *ctx = rw.getContext();
    auto redType = RankedTensorType::get(
        {inType.getDimSize(0), inType.getDimSize(1)}, rw.getF32Type());
    double initValue = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
    Value init = filledTensor(rw, loc, redType, initValue);
    Value input = this->nhwcInput(adaptor.getInput());
    unsigned cDim = input ? 3 : 1;
    if (!input)
      input = adaptor.getInput();
    AffineMap inMap = rw.getMultiDimIdentityMap(4);
    AffineMap outMap = AffineMap::get(
        4, 0, {getAffineDimExpr(0, ctx), getAffineDimExpr(cDim, ctx)}, ctx);
    SmallVector<utils::IteratorType> iters(4, utils::IteratorType::reduction);
    iters[0] = iters[cDim] = utils::IteratorType::parallel;
    Value red =
        linalg::GenericOp::create(
            rw, loc, TypeRange{redType}, input, init,
            ArrayRef<AffineMap>{inMap, outMap}, iters,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value v =
                  isMax ? arith::MaximumFOp::create(b, l, args[0], args[1])
                              .getResult()
                        : arith::AddFOp::create(b, l, args[0], args[1])
                              .getResult();
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    if (!isMax) {
      double n = double(inType.getDimSize(2) * inType.getDimSize(3));
      red = elementwise(rw, loc, redType, red,
                        [n](OpBuilder &b, Location l, ValueRange a) {
                          return arith::DivFOp::create(b, l, a[0],
                                                       f32Const(b, l, n))
                              .getResult();
                        });
    }
    rw.replaceOp(op, reshapeTensor(rw, loc, red, outType));
    return success();
  }
};

struct LRNLowering : LayoutAwarePattern<cnn::LRNOp> {
  using LayoutAwarePattern::LayoutAwarePattern;
  LogicalResult
  matchAndRewrite(cnn::LRNOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rw.getContext();
    Value x = nhwcInput(adaptor.getInput());
    bool inNHWC = bool(x);
    if (!x)
      x = adaptor.getInput();
    auto type = cast<RankedTensorType>(x.getType());
    unsigned cDim = inNHWC ? 3 : 1;
    int64_t size = op.getSize();
    Value sq = elementwise(rw, loc, type, x,
                           [](OpBuilder &b, Location l, ValueRange a) {
                             return arith::MulFOp::create(b, l, a[0], a[0])
                                 .getResult();
                           });
    // Zero-pad the channels so that every window of `size` channels exists:
    // channel c sums squares over [c - floor((size-1)/2), c + ceil((size-1)/2)].
    int64_t lo = (size - 1) / 2, hi = size - 1 - lo;
    SmallVector<int64_t> padShape(type.getShape());
    padShape[cDim] += lo + hi;
    auto zero = rw.getIndexAttr(0);
    SmallVector<OpFoldResult> low(4, zero), high(4, zero);
    low[cDim] = rw.getIndexAttr(lo);
    high[cDim] = rw.getIndexAttr(hi);
    Value padded = tensor::PadOp::create(
        rw, loc, RankedTensorType::get(padShape, rw.getF32Type()), sq, low,
        high, f32Const(rw, loc, 0.0));
    Value window = tensor::EmptyOp::create(rw, loc, ArrayRef<int64_t>{size},
                                           rw.getF32Type());
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    SmallVector<AffineExpr> padExprs = {d(0), d(1), d(2), d(3)};
    padExprs[cDim] = d(cDim) + d(4);
    AffineMap padMap = AffineMap::get(5, 0, padExprs, ctx);
    AffineMap winMap = AffineMap::get(5, 0, {d(4)}, ctx);
    AffineMap outMap = AffineMap::get(5, 0, {d(0), d(1), d(2), d(3)}, ctx);
    SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value sum = linalg::GenericOp::create(
                    rw, loc, TypeRange{type}, ValueRange{padded, window},
                    filledTensor(rw, loc, type, 0.0),
                    ArrayRef<AffineMap>{padMap, winMap, outMap}, iters,
                    [&](OpBuilder &b, Location l, ValueRange args) {
                      linalg::YieldOp::create(
                          b, l,
                          arith::AddFOp::create(b, l, args[2], args[0])
                              .getResult());
                    })
                    .getResult(0);
    double alpha = op.getAlpha().convertToDouble() / double(size);
    double beta = op.getBeta().convertToDouble();
    double bias = op.getBias().convertToDouble();
    Value y = elementwise(
        rw, loc, type, {x, sum}, [&](OpBuilder &b, Location l, ValueRange a) {
          Value scaled = arith::MulFOp::create(b, l, a[1], f32Const(b, l, alpha));
          Value base = arith::AddFOp::create(b, l, scaled, f32Const(b, l, bias));
          Value den = math::PowFOp::create(b, l, base, f32Const(b, l, beta));
          return arith::DivFOp::create(b, l, a[0], den).getResult();
        });
    rw.replaceOp(op, inNHWC ? fromNHWC(rw, loc, y) : y);
    return success();
  }
};

} // namespace

void lowering::populateConvPoolLoweringPatterns(RewritePatternSet &patterns,
                                                bool nhwc) {
  patterns.add<Conv2DLowering, MaxPool2DLowering, AvgPool2DLowering,
               GlobalPoolLowering<cnn::GlobalAvgPoolOp, false>,
               GlobalPoolLowering<cnn::GlobalMaxPoolOp, true>, LRNLowering>(
      patterns.getContext(), nhwc);
}
