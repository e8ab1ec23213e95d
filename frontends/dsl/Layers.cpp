//===- Layers.cpp - the layer vocabulary of the network language ----------===//
//
// One function per layer: read the arguments, compute the weight shapes,
// check the layer with the cnn shape rules (which report both shapes when
// they disagree), fetch the weights, build the op. The table at the end
// gives each layer its parameters in positional order; docs/dsl.md lists
// the same vocabulary with defaults.
//
//===----------------------------------------------------------------------===//

#include "dsl/MLIRGenImpl.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::dsl;

namespace {
using Pair = std::pair<int64_t, int64_t>;
} // namespace

/// NCHW input of a spatial layer.
static FailureOr<Value> spatialInput(Generator &g, LayerCall &c) {
  auto x = g.tensorArg(c, 0);
  if (failed(x))
    return failure();
  if (shapeOf(*x).size() != 4) {
    g.error(g.argLoc(c, 0)) << c.spec->name
                            << " expects an NCHW tensor (rank 4), got "
                            << shapeStr(shapeOf(*x));
    return failure();
  }
  return x;
}

/// Padding [top, left, bottom, right] from `pad`: an integer, [h, w],
/// [top, left, bottom, right], same (output = ceil(input / stride), the odd
/// pad at the end, as ONNX SAME_UPPER) or valid (no padding).
static FailureOr<SmallVector<int64_t>> padsArg(Generator &g, LayerCall &c,
                                               unsigned i, Value x,
                                               Pair kernel, Pair stride,
                                               Pair dilation) {
  SmallVector<int64_t> pads(4, 0);
  if (!c.args[i])
    return pads;
  const Val &v = *c.args[i];
  auto bad = [&]() -> FailureOr<SmallVector<int64_t>> {
    g.error(g.argLoc(c, i))
        << c.spec->name << ": argument '" << c.spec->params[i]
        << "' must be same, valid, an integer, [h, w] or [top, left, bottom, "
           "right] (non-negative), got "
        << describe(v);
    return failure();
  };
  if (v.kind == Val::Str) {
    if (v.s == "valid")
      return pads;
    if (v.s != "same")
      return bad();
    ArrayRef<int64_t> in = shapeOf(x);
    int64_t k[2] = {kernel.first, kernel.second};
    int64_t s[2] = {stride.first, stride.second};
    int64_t d[2] = {dilation.first, dilation.second};
    for (int a = 0; a < 2; ++a) {
      // All operands are at most kMaxDim (< 2^31), so only the last two
      // products can pass 2^63; they are checked.
      int64_t size = in[2 + a];
      int64_t out = (size + s[a] - 1) / s[a];
      int64_t span, total;
      if (__builtin_mul_overflow(k[a] - 1, d[a], &span) ||
          __builtin_mul_overflow(out - 1, s[a], &total) ||
          __builtin_add_overflow(total, span + 1 - size, &total) ||
          total / 2 > kMaxDim) {
        g.error(g.argLoc(c, i))
            << c.spec->name << ": pad=same needs more than " << kMaxDim
            << " of padding (kernel [" << k[0] << ", " << k[1]
            << "], dilation [" << d[0] << ", " << d[1] << "])";
        return failure();
      }
      total = std::max<int64_t>(0, total);
      pads[a] = total / 2;
      pads[a + 2] = total - total / 2;
    }
    return pads;
  }
  if (v.kind == Val::Int) {
    pads.assign(4, v.i);
  } else if (v.kind == Val::List &&
             (v.list.size() == 2 || v.list.size() == 4) &&
             llvm::all_of(v.list,
                          [](const Val &e) { return e.kind == Val::Int; })) {
    if (v.list.size() == 2)
      pads = {v.list[0].i, v.list[1].i, v.list[0].i, v.list[1].i};
    else
      pads = {v.list[0].i, v.list[1].i, v.list[2].i, v.list[3].i};
  } else {
    return bad();
  }
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return bad();
  if (llvm::any_of(pads, [](int64_t p) { return p > kMaxDim; })) {
    g.error(g.argLoc(c, i)) << c.spec->name << ": argument '"
                            << c.spec->params[i]
                            << "' is larger than the limit of " << kMaxDim
                            << ", got " << describe(v);
    return failure();
  }
  return pads;
}

static DenseI64ArrayAttr i64s(OpBuilder &b, ArrayRef<int64_t> v) {
  return b.getDenseI64ArrayAttr(v);
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

static Val buildConv(Generator &g, LayerCall &c, Value x, int64_t channels,
                     Pair kernel, Pair stride, ArrayRef<int64_t> pads,
                     Pair dilation, int64_t groups, bool hasBias) {
  int64_t inCh = shapeOf(x)[1];
  if (groups <= 0 || inCh % groups != 0 || channels % groups != 0) {
    g.error(c.loc) << c.spec->name << ": groups = " << groups
                   << " must divide the input channels (" << inCh
                   << ", input " << shapeStr(shapeOf(x))
                   << ") and the output channels (" << channels << ")";
    return Val::poison();
  }
  OpBuilder &b = g.getBuilder();
  Type f32 = b.getF32Type();
  SmallVector<int64_t> wShape = {channels, inCh / groups, kernel.first,
                                 kernel.second};
  auto wType = RankedTensorType::get(wShape, f32);
  Type bType = hasBias ? RankedTensorType::get({channels}, f32) : Type();
  int64_t strides[] = {stride.first, stride.second};
  int64_t dilations[] = {dilation.first, dilation.second};
  auto type = cnn::inferConv2DType(c.loc, x.getType(), wType, bType, strides,
                                   pads, dilations, groups);
  if (failed(type))
    return g.failed();
  // The weight's size is checked before its fan-in (a factor of it) is
  // computed.
  if (failed(g.weightElements(c, "weight", wShape)))
    return Val::poison();
  int64_t fanIn = inCh / groups * kernel.first * kernel.second;
  auto w = g.weight(c, "weight", wShape, {WeightInit::HeNormal, fanIn});
  if (failed(w))
    return Val::poison();
  Value bias;
  if (hasBias) {
    auto bv = g.weight(c, "bias", {channels}, {WeightInit::FanUniform, fanIn});
    if (failed(bv))
      return Val::poison();
    bias = *bv;
  }
  auto op = cnn::Conv2DOp::create(b, c.loc, *type, x, *w, bias,
                                  i64s(b, strides), i64s(b, pads),
                                  i64s(b, dilations), b.getI64IntegerAttr(groups));
  return Val::ofTensor(op.getResult());
}

// conv(x, channels, kernel, stride=1, pad=0, dilation=1, groups=1, bias=true)
Val Generator::layerConv(LayerCall &c) {
  auto x = spatialInput(*this, c);
  auto channels = sizeArg(c, 1, 0);
  auto kernel = pairArg(c, 2, {1, 1});
  auto stride = pairArg(c, 3, {1, 1});
  auto dilation = pairArg(c, 5, {1, 1});
  auto groups = intArg(c, 6, 1);
  auto bias = boolArg(c, 7, true);
  if (::failed(x) || ::failed(channels) || ::failed(kernel) ||
      ::failed(stride) || ::failed(dilation) || ::failed(groups) ||
      ::failed(bias))
    return failed();
  auto pads = padsArg(*this, c, 4, *x, *kernel, *stride, *dilation);
  if (::failed(pads))
    return failed();
  return buildConv(*this, c, *x, *channels, *kernel, *stride, *pads,
                   *dilation, *groups, *bias);
}

// dwconv(x, kernel, stride=1, pad=0, dilation=1, bias=true): one filter per
// channel (groups = channels).
Val Generator::layerDwConv(LayerCall &c) {
  auto x = spatialInput(*this, c);
  auto kernel = pairArg(c, 1, {1, 1});
  auto stride = pairArg(c, 2, {1, 1});
  auto dilation = pairArg(c, 4, {1, 1});
  auto bias = boolArg(c, 5, true);
  if (::failed(x) || ::failed(kernel) || ::failed(stride) ||
      ::failed(dilation) || ::failed(bias))
    return failed();
  auto pads = padsArg(*this, c, 3, *x, *kernel, *stride, *dilation);
  if (::failed(pads))
    return failed();
  int64_t ch = shapeOf(*x)[1];
  return buildConv(*this, c, *x, ch, *kernel, *stride, *pads, *dilation, ch,
                   *bias);
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// maxpool(x, kernel, stride=kernel, pad=0, dilation=1, ceil=false)
Val Generator::layerMaxPool(LayerCall &c) {
  auto x = spatialInput(*this, c);
  auto kernel = pairArg(c, 1, {1, 1});
  if (::failed(x) || ::failed(kernel))
    return failed();
  auto stride = pairArg(c, 2, *kernel);
  auto dilation = pairArg(c, 4, {1, 1});
  auto ceil = boolArg(c, 5, false);
  if (::failed(stride) || ::failed(dilation) || ::failed(ceil))
    return failed();
  auto pads = padsArg(*this, c, 3, *x, *kernel, *stride, *dilation);
  if (::failed(pads))
    return failed();
  int64_t k[] = {kernel->first, kernel->second};
  int64_t s[] = {stride->first, stride->second};
  int64_t d[] = {dilation->first, dilation->second};
  auto type = cnn::inferPool2DType(c.loc, x->getType(), k, s, *pads, d, *ceil);
  if (::failed(type))
    return failed();
  OpBuilder &b = builder;
  return Val::ofTensor(cnn::MaxPool2DOp::create(b, c.loc, *type, *x, i64s(b, k),
                                                i64s(b, s), i64s(b, *pads),
                                                i64s(b, d), b.getBoolAttr(*ceil))
                           .getResult());
}

// avgpool(x, kernel, stride=kernel, pad=0, ceil=false, count_pad=false)
Val Generator::layerAvgPool(LayerCall &c) {
  auto x = spatialInput(*this, c);
  auto kernel = pairArg(c, 1, {1, 1});
  if (::failed(x) || ::failed(kernel))
    return failed();
  auto stride = pairArg(c, 2, *kernel);
  auto ceil = boolArg(c, 4, false);
  auto countPad = boolArg(c, 5, false);
  if (::failed(stride) || ::failed(ceil) || ::failed(countPad))
    return failed();
  auto pads = padsArg(*this, c, 3, *x, *kernel, *stride, {1, 1});
  if (::failed(pads))
    return failed();
  int64_t k[] = {kernel->first, kernel->second};
  int64_t s[] = {stride->first, stride->second};
  int64_t d[] = {1, 1};
  auto type = cnn::inferPool2DType(c.loc, x->getType(), k, s, *pads, d, *ceil);
  if (::failed(type))
    return failed();
  OpBuilder &b = builder;
  return Val::ofTensor(
      cnn::AvgPool2DOp::create(b, c.loc, *type, *x, i64s(b, k), i64s(b, s),
                               i64s(b, *pads), b.getBoolAttr(*ceil),
                               b.getBoolAttr(*countPad))
          .getResult());
}

template <typename OpTy>
static Val globalPool(Generator &g, LayerCall &c) {
  auto x = spatialInput(g, c);
  if (failed(x))
    return g.failed();
  auto type = cnn::inferGlobalPoolType(c.loc, x->getType());
  if (failed(type))
    return g.failed();
  return Val::ofTensor(
      OpTy::create(g.getBuilder(), c.loc, *type, *x).getResult());
}

Val Generator::layerGlobalAvgPool(LayerCall &c) {
  return globalPool<cnn::GlobalAvgPoolOp>(*this, c);
}
Val Generator::layerGlobalMaxPool(LayerCall &c) {
  return globalPool<cnn::GlobalMaxPoolOp>(*this, c);
}

//===----------------------------------------------------------------------===//
// Normalization and dense
//===----------------------------------------------------------------------===//

// bn(x, eps=1e-5): weights <name>.weight (scale), .bias, .running_mean,
// .running_var, as PyTorch names them.
Val Generator::layerBatchNorm(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto eps = floatArg(c, 1, 1e-5);
  if (::failed(x) || ::failed(eps))
    return failed();
  ArrayRef<int64_t> shape = shapeOf(*x);
  if (shape.size() < 2) {
    error(argLoc(c, 0)) << "bn expects a tensor with a channel axis (rank >= "
                           "2), got "
                        << shapeStr(shape);
    return Val::poison();
  }
  int64_t ch = shape[1];
  auto pType = RankedTensorType::get({ch}, builder.getF32Type());
  Type params[] = {pType, pType, pType, pType};
  auto type = cnn::inferBatchNormType(c.loc, x->getType(), params);
  if (::failed(type))
    return failed();
  static const std::pair<const char *, WeightInit::Kind> names[] = {
      {"weight", WeightInit::BNScale},
      {"bias", WeightInit::BNShift},
      {"running_mean", WeightInit::BNShift},
      {"running_var", WeightInit::BNVar}};
  SmallVector<Value, 4> v;
  for (auto [name, kind] : names) {
    auto w = weight(c, name, {ch}, {kind, 1});
    if (::failed(w))
      return Val::poison();
    v.push_back(*w);
  }
  auto op = cnn::BatchNormOp::create(builder, c.loc, *type, *x, v[0], v[1],
                                     v[2], v[3],
                                     builder.getF32FloatAttr((float)*eps));
  noteSeededBatchNorm(op, v[0]);
  return Val::ofTensor(op.getResult());
}

// dense(x, units, bias=true): x [N, K] times weight [K, units] (stored
// input-major, as ONNX Gemm without transB) plus bias [units].
Val Generator::layerDense(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto units = sizeArg(c, 1, 0);
  auto hasBias = boolArg(c, 2, true);
  if (::failed(x) || ::failed(units) || ::failed(hasBias))
    return failed();
  ArrayRef<int64_t> shape = shapeOf(*x);
  if (shape.size() != 2) {
    error(argLoc(c, 0)) << "dense expects a 2-D input [batch, features], got "
                        << shapeStr(shape) << "; flatten it first";
    return Val::poison();
  }
  Type f32 = builder.getF32Type();
  int64_t k = shape[1];
  auto wType = RankedTensorType::get({k, *units}, f32);
  Type bType = *hasBias ? RankedTensorType::get({*units}, f32) : Type();
  auto type = cnn::inferDenseType(c.loc, x->getType(), wType, bType, false,
                                  false);
  if (::failed(type))
    return failed();
  auto w = weight(c, "weight", {k, *units}, {WeightInit::HeNormal, k});
  if (::failed(w))
    return Val::poison();
  Value bias;
  if (*hasBias) {
    auto bv = weight(c, "bias", {*units}, {WeightInit::FanUniform, k});
    if (::failed(bv))
      return Val::poison();
    bias = *bv;
  }
  auto op = cnn::DenseOp::create(
      builder, c.loc, *type, *x, *w, bias, builder.getBoolAttr(false),
      builder.getBoolAttr(false), builder.getF32FloatAttr(1.0f),
      builder.getF32FloatAttr(1.0f));
  return Val::ofTensor(op.getResult());
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

template <typename OpTy>
static Val unary(Generator &g, LayerCall &c) {
  auto x = g.tensorArg(c, 0);
  if (failed(x))
    return g.failed();
  return Val::ofTensor(
      OpTy::create(g.getBuilder(), c.loc, x->getType(), *x).getResult());
}

Val Generator::layerRelu(LayerCall &c) { return unary<cnn::ReluOp>(*this, c); }
Val Generator::layerSigmoid(LayerCall &c) {
  return unary<cnn::SigmoidOp>(*this, c);
}
Val Generator::layerTanh(LayerCall &c) { return unary<cnn::TanhOp>(*this, c); }
Val Generator::layerSilu(LayerCall &c) { return unary<cnn::SiluOp>(*this, c); }
Val Generator::layerHardSwish(LayerCall &c) {
  return unary<cnn::HardSwishOp>(*this, c);
}

static Val clip(Generator &g, LayerCall &c, double lo, double hi) {
  auto x = g.tensorArg(c, 0);
  if (failed(x))
    return g.failed();
  OpBuilder &b = g.getBuilder();
  return Val::ofTensor(cnn::ClipOp::create(b, c.loc, x->getType(), *x,
                                           b.getF32FloatAttr((float)lo),
                                           b.getF32FloatAttr((float)hi))
                           .getResult());
}

Val Generator::layerRelu6(LayerCall &c) { return clip(*this, c, 0.0, 6.0); }

// clip(x, min, max)
Val Generator::layerClip(LayerCall &c) {
  auto lo = floatArg(c, 1, 0);
  auto hi = floatArg(c, 2, 0);
  if (::failed(lo) || ::failed(hi))
    return failed();
  if (*lo > *hi) {
    error(c.loc) << "clip: min " << *lo << " is larger than max " << *hi;
    return Val::poison();
  }
  return clip(*this, c, *lo, *hi);
}

// leaky_relu(x, alpha=0.01)
Val Generator::layerLeakyRelu(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto alpha = floatArg(c, 1, 0.01);
  if (::failed(x) || ::failed(alpha))
    return failed();
  return Val::ofTensor(cnn::LeakyReluOp::create(builder, c.loc, x->getType(),
                                                *x,
                                                builder.getF32FloatAttr(*alpha))
                           .getResult());
}

// hard_sigmoid(x, alpha=0.2, beta=0.5)
Val Generator::layerHardSigmoid(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto alpha = floatArg(c, 1, 0.2);
  auto beta = floatArg(c, 2, 0.5);
  if (::failed(x) || ::failed(alpha) || ::failed(beta))
    return failed();
  return Val::ofTensor(
      cnn::HardSigmoidOp::create(builder, c.loc, x->getType(), *x,
                                 builder.getF32FloatAttr(*alpha),
                                 builder.getF32FloatAttr(*beta))
          .getResult());
}

//===----------------------------------------------------------------------===//
// Shape and miscellaneous layers
//===----------------------------------------------------------------------===//

static FailureOr<int64_t> axisArg(Generator &g, LayerCall &c, unsigned i,
                                  int64_t dflt, int64_t rank, bool inclusive) {
  auto axis = g.intArg(c, i, dflt);
  if (failed(axis))
    return failure();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank - (inclusive ? 0 : 1)) {
    g.error(g.argLoc(c, i)) << c.spec->name << ": axis " << *axis
                            << " is out of range for rank " << rank;
    return failure();
  }
  return a;
}

// softmax(x, axis=1)
Val Generator::layerSoftmax(LayerCall &c) {
  auto x = tensorArg(c, 0);
  if (::failed(x))
    return failed();
  auto axis = axisArg(*this, c, 1, 1, shapeOf(*x).size(), false);
  if (::failed(axis))
    return failed();
  auto type = cnn::inferSoftmaxType(c.loc, x->getType(), *axis);
  if (::failed(type))
    return failed();
  return Val::ofTensor(cnn::SoftmaxOp::create(builder, c.loc, *type, *x,
                                              builder.getI64IntegerAttr(*axis))
                           .getResult());
}

// flatten(x, axis=1)
Val Generator::layerFlatten(LayerCall &c) {
  auto x = tensorArg(c, 0);
  if (::failed(x))
    return failed();
  auto axis = axisArg(*this, c, 1, 1, shapeOf(*x).size(), true);
  if (::failed(axis))
    return failed();
  auto type = cnn::inferFlattenType(c.loc, x->getType(), *axis);
  if (::failed(type))
    return failed();
  return Val::ofTensor(cnn::FlattenOp::create(builder, c.loc, *type, *x,
                                              builder.getI64IntegerAttr(*axis))
                           .getResult());
}

// reshape(x, shape): one dimension may be -1 (inferred).
Val Generator::layerReshape(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto shape = intListArg(c, 1);
  if (::failed(x) || ::failed(shape))
    return failed();
  // The shape rule multiplies the dimensions: bound them first.
  int64_t known = 1, unknown = -1;
  bool tooLarge = shape->size() > kMaxRank;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == -1 && unknown < 0)
      unknown = i;
    else if (d >= 0 && __builtin_mul_overflow(known, d, &known))
      tooLarge = true;
  }
  if (tooLarge || known > kMaxTensorElements) {
    auto diag = error(argLoc(c, 1)) << "reshape: shape " << shapeStr(*shape);
    if (shape->size() > kMaxRank)
      diag << " has " << shape->size() << " dimensions, more than the limit of "
           << kMaxRank;
    else
      diag << " has more than " << kMaxTensorElements
           << " elements, the limit of one tensor";
    return Val::poison();
  }
  int64_t n = cast<RankedTensorType>(x->getType()).getNumElements();
  if (unknown >= 0 && known > 0 && n % known == 0)
    (*shape)[unknown] = n / known;
  auto type = cnn::inferReshapeType(c.loc, x->getType(), *shape);
  if (::failed(type))
    return failed();
  return Val::ofTensor(cnn::ReshapeOp::create(builder, c.loc, *type, *x,
                                              i64s(builder, *shape))
                           .getResult());
}

// pad(x, pads, mode="constant", value=0): pads are [top, left, bottom,
// right] for a 4-D input, or all leading then all trailing pads (ONNX).
Val Generator::layerPad(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto pads = intListArg(c, 1);
  auto mode = stringArg(c, 2, "constant");
  auto value = floatArg(c, 3, 0.0);
  if (::failed(x) || ::failed(pads) || ::failed(mode) || ::failed(value))
    return failed();
  size_t rank = shapeOf(*x).size();
  SmallVector<int64_t> full = *pads;
  if (rank == 4 && pads->size() == 4)
    full = {0, 0, (*pads)[0], (*pads)[1], 0, 0, (*pads)[2], (*pads)[3]};
  auto type = cnn::inferPadType(c.loc, x->getType(), full, *mode);
  if (::failed(type))
    return failed();
  return Val::ofTensor(
      cnn::PadOp::create(builder, c.loc, *type, *x, i64s(builder, full),
                         builder.getStringAttr(*mode),
                         builder.getF32FloatAttr(*value))
          .getResult());
}

// dropout(x, p=0.5): the identity at inference.
Val Generator::layerDropout(LayerCall &c) {
  auto x = tensorArg(c, 0);
  auto p = floatArg(c, 1, 0.5);
  if (::failed(x) || ::failed(p))
    return failed();
  if (*p < 0 || *p >= 1) {
    error(argLoc(c, 1)) << "dropout: argument 'p' must be in [0, 1), got "
                        << *p;
    return Val::poison();
  }
  return Val::ofTensor(*x);
}

// lrn(x, size=5, alpha=1e-4, beta=0.75, bias=1.0)
Val Generator::layerLRN(LayerCall &c) {
  auto x = spatialInput(*this, c);
  auto size = sizeArg(c, 1, 5);
  auto alpha = floatArg(c, 2, 1e-4);
  auto beta = floatArg(c, 3, 0.75);
  auto bias = floatArg(c, 4, 1.0);
  if (::failed(x) || ::failed(size) || ::failed(alpha) || ::failed(beta) ||
      ::failed(bias))
    return failed();
  auto type = cnn::inferLRNType(c.loc, x->getType(), *size);
  if (::failed(type))
    return failed();
  return Val::ofTensor(
      cnn::LRNOp::create(builder, c.loc, *type, *x,
                         builder.getI64IntegerAttr(*size),
                         builder.getF32FloatAttr(*alpha),
                         builder.getF32FloatAttr(*beta),
                         builder.getF32FloatAttr(*bias))
          .getResult());
}

// concat(x1, x2, ..., axis=1)
Val Generator::layerConcat(LayerCall &c) {
  SmallVector<Value> inputs;
  SmallVector<Type> types;
  for (const Val &v : c.rest) {
    if (v.kind != Val::Tensor) {
      error(c.loc) << "concat: inputs must be tensors, got " << describe(v);
      return Val::poison();
    }
    inputs.push_back(v.t);
    types.push_back(v.t.getType());
  }
  auto axis = axisArg(*this, c, 0, 1, shapeOf(inputs[0]).size(), false);
  if (::failed(axis))
    return failed();
  auto type = cnn::inferConcatType(c.loc, types, *axis);
  if (::failed(type))
    return failed();
  return Val::ofTensor(cnn::ConcatOp::create(builder, c.loc, *type, inputs,
                                             builder.getI64IntegerAttr(*axis))
                           .getResult());
}

Val Generator::binary(Tok op, const Val &lhs, const Val &rhs, Location loc,
                      const std::string &explicitName) {
  const char *kind = op == Tok::Plus    ? "add"
                     : op == Tok::Minus ? "sub"
                     : op == Tok::Star  ? "mul"
                                        : "div";
  for (const Val *v : {&lhs, &rhs}) {
    double d = v->isNumber() ? v->number() : 0.0;
    if (std::isfinite(d) && std::fabs(d) > std::numeric_limits<float>::max()) {
      error(loc) << kind << ": " << describe(*v)
                 << " is beyond the range of f32, the tensor's element type";
      return Val::poison();
    }
  }
  auto operand = [&](const Val &v) -> Value {
    if (v.kind == Val::Tensor)
      return v.t;
    if (v.isNumber())
      return scalarConstant((float)v.number(), loc);
    return Value();
  };
  Value a = operand(lhs), b = operand(rhs);
  if (!a || !b) {
    error(loc) << "cannot " << kind << " " << describe(lhs) << " and "
               << describe(rhs);
    return Val::poison();
  }
  LayerCall c(loc);
  c.explicitName = explicitName;
  if (::failed(nameLayer(c, kind)))
    return Val::poison();
  auto type = cnn::inferBroadcastType(c.loc, a.getType(), b.getType());
  if (::failed(type))
    return failed();
  if (::failed(checkTensorType(*type, c.loc,
                               "the result of layer '" + c.name + "'")))
    return Val::poison();
  Value r;
  switch (op) {
  case Tok::Plus:
    noteResidual(a, b);
    r = cnn::AddOp::create(builder, c.loc, *type, a, b);
    break;
  case Tok::Minus:
    r = cnn::SubOp::create(builder, c.loc, *type, a, b);
    break;
  case Tok::Star:
    r = cnn::MulOp::create(builder, c.loc, *type, a, b);
    break;
  default:
    r = cnn::DivOp::create(builder, c.loc, *type, a, b);
    break;
  }
  return Val::ofTensor(r);
}

Val Generator::layerAdd(LayerCall &c) {
  return binary(Tok::Plus, *c.args[0], *c.args[1], c.loc, c.explicitName);
}
Val Generator::layerSub(LayerCall &c) {
  return binary(Tok::Minus, *c.args[0], *c.args[1], c.loc, c.explicitName);
}
Val Generator::layerMul(LayerCall &c) {
  return binary(Tok::Star, *c.args[0], *c.args[1], c.loc, c.explicitName);
}
Val Generator::layerDiv(LayerCall &c) {
  return binary(Tok::Slash, *c.args[0], *c.args[1], c.loc, c.explicitName);
}

// Shape queries: channels(x), height(x), width(x), shape(x).
static Val dimOf(Generator &g, LayerCall &c, int dim) {
  auto x = g.tensorArg(c, 0);
  if (failed(x))
    return g.failed();
  ArrayRef<int64_t> s = shapeOf(*x);
  if ((int)s.size() <= dim) {
    g.error(g.argLoc(c, 0)) << c.spec->name << " needs a tensor of rank > "
                            << dim << ", got " << shapeStr(s);
    return Val::poison();
  }
  return Val::ofInt(s[dim]);
}
Val Generator::layerChannels(LayerCall &c) { return dimOf(*this, c, 1); }
Val Generator::layerHeight(LayerCall &c) { return dimOf(*this, c, 2); }
Val Generator::layerWidth(LayerCall &c) { return dimOf(*this, c, 3); }
Val Generator::layerShape(LayerCall &c) {
  auto x = tensorArg(c, 0);
  if (::failed(x))
    return failed();
  std::vector<Val> dims;
  for (int64_t d : shapeOf(*x))
    dims.push_back(Val::ofInt(d));
  return Val::ofList(std::move(dims));
}

//===----------------------------------------------------------------------===//
// The table
//===----------------------------------------------------------------------===//

static const std::vector<LayerSpec> &layerTable() {
  using G = Generator;
  static const std::vector<LayerSpec> table = {
      {"conv",
       {"x", "channels", "kernel", "stride", "pad", "dilation", "groups",
        "bias"},
       3, "conv", &G::layerConv},
      {"dwconv", {"x", "kernel", "stride", "pad", "dilation", "bias"}, 2,
       "conv", &G::layerDwConv},
      {"maxpool", {"x", "kernel", "stride", "pad", "dilation", "ceil"}, 2,
       "maxpool", &G::layerMaxPool},
      {"avgpool", {"x", "kernel", "stride", "pad", "ceil", "count_pad"}, 2,
       "avgpool", &G::layerAvgPool},
      {"global_avgpool", {"x"}, 1, "avgpool", &G::layerGlobalAvgPool},
      {"global_maxpool", {"x"}, 1, "maxpool", &G::layerGlobalMaxPool},
      {"bn", {"x", "eps"}, 1, "bn", &G::layerBatchNorm},
      {"batch_norm", {"x", "eps"}, 1, "bn", &G::layerBatchNorm},
      {"dense", {"x", "units", "bias"}, 2, "fc", &G::layerDense},
      {"relu", {"x"}, 1, "relu", &G::layerRelu},
      {"relu6", {"x"}, 1, "relu6", &G::layerRelu6},
      {"sigmoid", {"x"}, 1, "sigmoid", &G::layerSigmoid},
      {"tanh", {"x"}, 1, "tanh", &G::layerTanh},
      {"silu", {"x"}, 1, "silu", &G::layerSilu},
      {"swish", {"x"}, 1, "silu", &G::layerSilu},
      {"hard_swish", {"x"}, 1, "hard_swish", &G::layerHardSwish},
      {"hard_sigmoid", {"x", "alpha", "beta"}, 1, "hard_sigmoid",
       &G::layerHardSigmoid},
      {"leaky_relu", {"x", "alpha"}, 1, "leaky_relu", &G::layerLeakyRelu},
      {"clip", {"x", "min", "max"}, 3, "clip", &G::layerClip},
      {"softmax", {"x", "axis"}, 1, "softmax", &G::layerSoftmax},
      {"flatten", {"x", "axis"}, 1, "flatten", &G::layerFlatten},
      {"reshape", {"x", "shape"}, 2, "reshape", &G::layerReshape},
      {"pad", {"x", "pads", "mode", "value"}, 2, "pad", &G::layerPad},
      {"dropout", {"x", "p"}, 1, nullptr, &G::layerDropout},
      {"lrn", {"x", "size", "alpha", "beta", "bias"}, 1, "lrn", &G::layerLRN},
      {"concat", {"axis"}, 0, "concat", &G::layerConcat, /*variadic=*/true},
      {"add", {"a", "b"}, 2, nullptr, &G::layerAdd},
      {"sub", {"a", "b"}, 2, nullptr, &G::layerSub},
      {"mul", {"a", "b"}, 2, nullptr, &G::layerMul},
      {"div", {"a", "b"}, 2, nullptr, &G::layerDiv},
      {"channels", {"x"}, 1, nullptr, &G::layerChannels},
      {"height", {"x"}, 1, nullptr, &G::layerHeight},
      {"width", {"x"}, 1, nullptr, &G::layerWidth},
      {"shape", {"x"}, 1, nullptr, &G::layerShape},
  };
  return table;
}

const LayerSpec *mlir::cnnc::dsl::lookupLayer(StringRef name) {
  for (const LayerSpec &s : layerTable())
    if (name == s.name)
      return &s;
  return nullptr;
}

std::vector<StringRef> mlir::cnnc::dsl::layerNames() {
  std::vector<StringRef> names;
  for (const LayerSpec &s : layerTable())
    names.push_back(s.name);
  return names;
}
