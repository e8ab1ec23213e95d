//===- NNOps.cpp - ONNX layers: conv, pooling, norms, dense, softmax ------===//
//
// Each handler resolves the ONNX attributes (defaults, auto_pad, opset
// differences), checks the layer with the shape rule from CNNShapes.h (which
// reports at the node's location) and only then builds the cnn op with the
// result type it got.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

/// Conv and the pools handle NCHW inputs only.
static LogicalResult checkSpatialRank(OnnxNode &n, ArrayRef<int64_t> shape) {
  if (shape.size() == 4)
    return success();
  if (shape.size() >= 3)
    return n.emitError() << n.opType() << " with " << shape.size() - 2
                         << " spatial dimension"
                         << (shape.size() == 3 ? "" : "s") << " (input shape "
                         << shapeString(shape)
                         << ") is not supported; cnnc supports 2-D only";
  return n.emitError() << n.opType()
                       << " input must have rank 4 (NCHW), got shape "
                       << shapeString(shape);
}

namespace {
/// Sliding-window attributes with auto_pad resolved to explicit pads
/// [top, left, bottom, right].
struct Window {
  SmallVector<int64_t> strides, pads, dilations;
};
} // namespace

static LogicalResult checkPair(OnnxNode &n, StringRef name,
                               ArrayRef<int64_t> v) {
  if (v.size() == 2 && llvm::all_of(v, [](int64_t x) { return x > 0; }))
    return success();
  return n.emitError() << n.opType() << " attribute '" << name
                       << "' must hold 2 positive values for a 2-D window, "
                          "got "
                       << shapeString(v);
}

static FailureOr<Window> windowAttrs(OnnxNode &n, ArrayRef<int64_t> inShape,
                                     ArrayRef<int64_t> kernel) {
  Window w;
  auto strides = n.intsAttr("strides", {1, 1});
  auto dilations = n.intsAttr("dilations", {1, 1});
  auto autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (failed(strides) || failed(dilations) || failed(autoPad) ||
      failed(checkPair(n, "strides", *strides)) ||
      failed(checkPair(n, "dilations", *dilations)))
    return failure();
  w.strides = *strides;
  w.dilations = *dilations;

  if (*autoPad == "NOTSET" || autoPad->empty()) {
    auto pads = n.intsAttr("pads", {0, 0, 0, 0});
    if (failed(pads))
      return failure();
    if (pads->size() != 4)
      return n.emitError() << n.opType()
                           << " attribute 'pads' must hold 4 values [top, "
                              "left, bottom, right] for a 2-D window, got "
                           << shapeString(*pads);
    w.pads = *pads;
    return w;
  }
  if (*autoPad != "VALID" && *autoPad != "SAME_UPPER" &&
      *autoPad != "SAME_LOWER") {
    (void)n.unsupportedAttr("auto_pad", "'" + *autoPad + "'",
                            "expected NOTSET, SAME_UPPER, SAME_LOWER or VALID");
    return failure();
  }
  auto explicitPads = n.intsAttr("pads");
  if (failed(explicitPads))
    return failure();
  if (llvm::any_of(*explicitPads, [](int64_t p) { return p != 0; }))
    return n.emitError() << n.opType()
                         << " attributes 'pads' and 'auto_pad' = '" << *autoPad
                         << "' cannot be used together";
  w.pads.assign(4, 0);
  if (*autoPad == "VALID")
    return w;
  // SAME_*: the output has ceil(in / stride) elements; the odd pad goes at
  // the end (SAME_UPPER) or at the beginning (SAME_LOWER).
  for (int i = 0; i < 2; ++i) {
    int64_t in = inShape[2 + i], s = w.strides[i];
    int64_t span = (kernel[i] - 1) * w.dilations[i] + 1;
    int64_t out = (in + s - 1) / s;
    int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
    int64_t small = total / 2, big = total - small;
    w.pads[i] = *autoPad == "SAME_UPPER" ? small : big;
    w.pads[i + 2] = *autoPad == "SAME_UPPER" ? big : small;
  }
  return w;
}

LogicalResult mlir::cnnc::onnx_import::importConv(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto w = n.tensor(1);
  if (failed(w))
    return failure();
  auto bias = n.optionalTensor(2);
  if (failed(bias))
    return failure();
  ArrayRef<int64_t> xShape = shapeOf(*x), wShape = shapeOf(*w);
  if (failed(checkSpatialRank(n, xShape)))
    return failure();
  if (wShape.size() != 4)
    return n.emitError() << "Conv weight must have rank 4 (OIHW), got shape "
                         << shapeString(wShape);
  SmallVector<int64_t> kernel(wShape.drop_front(2));
  if (n.hasAttr("kernel_shape")) {
    auto ks = n.intsAttr("kernel_shape");
    if (failed(ks))
      return failure();
    if (ArrayRef<int64_t>(*ks) != ArrayRef<int64_t>(kernel))
      return n.emitError() << "Conv attribute 'kernel_shape' = "
                           << shapeString(*ks)
                           << " does not match the weight's kernel "
                           << shapeString(kernel) << " (weight shape "
                           << shapeString(wShape) << ")";
  }
  auto group = n.intAttr("group", 1);
  auto win = windowAttrs(n, xShape, kernel);
  if (failed(group) || failed(win))
    return failure();

  Type biasType = *bias ? bias->getType() : Type();
  auto type =
      cnn::inferConv2DType(n.loc, x->getType(), w->getType(), biasType,
                           win->strides, win->pads, win->dilations, *group);
  if (failed(type))
    return failure();
  OpBuilder &b = n.builder;
  auto op = cnn::Conv2DOp::create(
      b, n.loc, *type, *x, *w, *bias, b.getDenseI64ArrayAttr(win->strides),
      b.getDenseI64ArrayAttr(win->pads), b.getDenseI64ArrayAttr(win->dilations),
      b.getI64IntegerAttr(*group));
  n.setOutput(0, op.getResult());
  return success();
}

/// kernel_shape of a pool: required, two positive values.
static FailureOr<SmallVector<int64_t>> poolKernel(OnnxNode &n) {
  if (!n.hasAttr("kernel_shape"))
    return n.emitError() << n.opType()
                         << " attribute 'kernel_shape' is required";
  auto kernel = n.intsAttr("kernel_shape");
  if (failed(kernel) || failed(checkPair(n, "kernel_shape", *kernel)))
    return failure();
  return kernel;
}

LogicalResult mlir::cnnc::onnx_import::importMaxPool(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x) || failed(checkSpatialRank(n, shapeOf(*x))))
    return failure();
  auto kernel = poolKernel(n);
  if (failed(kernel))
    return failure();
  auto storageOrder = n.intAttr("storage_order", 0);
  auto ceilMode = n.intAttr("ceil_mode", 0);
  if (failed(storageOrder) || failed(ceilMode))
    return failure();
  // storage_order only changes the Indices output, which cnnc does not
  // compute; a model that asks for column-major indices wants them.
  if (*storageOrder != 0)
    return n.unsupportedAttr("storage_order", Twine(*storageOrder),
                             "only 0 (row-major) is");
  auto win = windowAttrs(n, shapeOf(*x), *kernel);
  if (failed(win))
    return failure();
  auto type = cnn::inferPool2DType(n.loc, x->getType(), *kernel, win->strides,
                                   win->pads, win->dilations, *ceilMode != 0);
  if (failed(type))
    return failure();
  OpBuilder &b = n.builder;
  auto op = cnn::MaxPool2DOp::create(
      b, n.loc, *type, *x, b.getDenseI64ArrayAttr(*kernel),
      b.getDenseI64ArrayAttr(win->strides), b.getDenseI64ArrayAttr(win->pads),
      b.getDenseI64ArrayAttr(win->dilations), b.getBoolAttr(*ceilMode != 0));
  n.setOutput(0, op.getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importAveragePool(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x) || failed(checkSpatialRank(n, shapeOf(*x))))
    return failure();
  auto kernel = poolKernel(n);
  if (failed(kernel))
    return failure();
  auto ceilMode = n.intAttr("ceil_mode", 0);
  auto countIncludePad = n.intAttr("count_include_pad", 0);
  if (failed(ceilMode) || failed(countIncludePad))
    return failure();
  auto win = windowAttrs(n, shapeOf(*x), *kernel);
  if (failed(win))
    return failure();
  // Opset 19 added dilations; cnn.avg_pool2d has none.
  if (llvm::any_of(win->dilations, [](int64_t d) { return d != 1; }))
    return n.unsupportedAttr("dilations", shapeString(win->dilations),
                             "cnn.avg_pool2d has no dilation");
  auto type = cnn::inferPool2DType(n.loc, x->getType(), *kernel, win->strides,
                                   win->pads, win->dilations, *ceilMode != 0);
  if (failed(type))
    return failure();
  OpBuilder &b = n.builder;
  auto op = cnn::AvgPool2DOp::create(
      b, n.loc, *type, *x, b.getDenseI64ArrayAttr(*kernel),
      b.getDenseI64ArrayAttr(win->strides), b.getDenseI64ArrayAttr(win->pads),
      b.getBoolAttr(*ceilMode != 0), b.getBoolAttr(*countIncludePad != 0));
  n.setOutput(0, op.getResult());
  return success();
}

template <typename OpTy> static LogicalResult importGlobalPool(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x) || failed(checkSpatialRank(n, shapeOf(*x))))
    return failure();
  auto type = cnn::inferGlobalPoolType(n.loc, x->getType());
  if (failed(type))
    return failure();
  n.setOutput(0, OpTy::create(n.builder, n.loc, *type, *x).getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importGlobalAveragePool(OnnxNode &n) {
  return importGlobalPool<cnn::GlobalAvgPoolOp>(n);
}

LogicalResult mlir::cnnc::onnx_import::importGlobalMaxPool(OnnxNode &n) {
  return importGlobalPool<cnn::GlobalMaxPoolOp>(n);
}

LogicalResult mlir::cnnc::onnx_import::importLRN(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  if (!n.hasAttr("size"))
    return n.emitError() << "LRN attribute 'size' is required";
  auto size = n.intAttr("size", 0);
  auto alpha = n.floatAttr("alpha", 1e-4f);
  auto beta = n.floatAttr("beta", 0.75f);
  auto bias = n.floatAttr("bias", 1.0f);
  if (failed(size) || failed(alpha) || failed(beta) || failed(bias))
    return failure();
  auto type = cnn::inferLRNType(n.loc, x->getType(), *size);
  if (failed(type))
    return failure();
  OpBuilder &b = n.builder;
  auto op =
      cnn::LRNOp::create(b, n.loc, *type, *x, b.getI64IntegerAttr(*size),
                         b.getF32FloatAttr(*alpha), b.getF32FloatAttr(*beta),
                         b.getF32FloatAttr(*bias));
  n.setOutput(0, op.getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importBatchNormalization(OnnxNode &n) {
  // Inference only: the statistics outputs are checked by the caller (used
  // outputs that were not defined are errors).
  if (n.opset < 9) {
    auto spatial = n.intAttr("spatial", 1);
    if (failed(spatial))
      return failure();
    if (*spatial != 1)
      return n.unsupportedAttr("spatial", Twine(*spatial),
                               "only per-channel statistics, 1, are");
  }
  if (n.opset >= 14) {
    auto training = n.intAttr("training_mode", 0);
    if (failed(training))
      return failure();
    if (*training != 0)
      return n.unsupportedAttr("training_mode", Twine(*training),
                               "cnnc imports inference graphs");
  }
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(epsilon))
    return failure();
  SmallVector<Value, 5> v;
  for (unsigned i = 0; i < 5; ++i) {
    auto t = n.tensor(i);
    if (failed(t))
      return failure();
    v.push_back(*t);
  }
  Type params[] = {v[1].getType(), v[2].getType(), v[3].getType(),
                   v[4].getType()};
  auto type = cnn::inferBatchNormType(n.loc, v[0].getType(), params);
  if (failed(type))
    return failure();
  auto op =
      cnn::BatchNormOp::create(n.builder, n.loc, *type, v[0], v[1], v[2], v[3],
                               v[4], n.builder.getF32FloatAttr(*epsilon));
  n.setOutput(0, op.getResult());
  return success();
}

static LogicalResult buildDense(OnnxNode &n, Value a, Value b, Value c,
                                bool transA, bool transB, float alpha,
                                float beta) {
  auto type = cnn::inferDenseType(n.loc, a.getType(), b.getType(),
                                  c ? c.getType() : Type(), transA, transB);
  if (failed(type))
    return failure();
  OpBuilder &builder = n.builder;
  auto op = cnn::DenseOp::create(
      builder, n.loc, *type, a, b, c, builder.getBoolAttr(transA),
      builder.getBoolAttr(transB), builder.getF32FloatAttr(alpha),
      builder.getF32FloatAttr(beta));
  n.setOutput(0, op.getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importGemm(OnnxNode &n) {
  auto a = n.tensor(0);
  auto b = failed(a) ? FailureOr<Value>(failure()) : n.tensor(1);
  auto c = failed(b) ? FailureOr<Value>(failure()) : n.optionalTensor(2);
  if (failed(c))
    return failure();
  auto transA = n.intAttr("transA", 0);
  auto transB = n.intAttr("transB", 0);
  auto alpha = n.floatAttr("alpha", 1.0f);
  auto beta = n.floatAttr("beta", 1.0f);
  if (failed(transA) || failed(transB) || failed(alpha) || failed(beta))
    return failure();
  // Before opset 7, `broadcast` = 0 demanded that C be exactly MxN; numpy
  // broadcasting accepts every such C with the same meaning.
  return buildDense(n, *a, *b, *c, *transA != 0, *transB != 0, *alpha, *beta);
}

LogicalResult mlir::cnnc::onnx_import::importMatMul(OnnxNode &n) {
  auto a = n.tensor(0);
  auto b = failed(a) ? FailureOr<Value>(failure()) : n.tensor(1);
  if (failed(b))
    return failure();
  ArrayRef<int64_t> as = shapeOf(*a), bs = shapeOf(*b);
  if (as.size() != 2 || bs.size() != 2)
    return n.emitError() << "MatMul with operand shapes " << shapeString(as)
                         << " and " << shapeString(bs)
                         << " is not supported (cnnc supports 2-D MatMul "
                            "only)";
  return buildDense(n, *a, *b, Value(), false, false, 1.0f, 1.0f);
}

LogicalResult mlir::cnnc::onnx_import::importSoftmax(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  int64_t rank = shape.size();
  auto axisAttr = n.intAttr("axis", n.opset >= 13 ? -1 : 1);
  if (failed(axisAttr))
    return failure();
  auto axis = n.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  OpBuilder &b = n.builder;
  // Opset 13 made Softmax act on one axis. Before, the input was coerced to
  // 2-D [d0*...*d(axis-1), d(axis)*...*d(n-1)] and normalized along dim 1,
  // which for the last axis is the same thing.
  if (n.opset >= 13 || *axis == rank - 1) {
    auto type = cnn::inferSoftmaxType(n.loc, x->getType(), *axis);
    if (failed(type))
      return failure();
    n.setOutput(0, cnn::SoftmaxOp::create(b, n.loc, *type, *x,
                                          b.getI64IntegerAttr(*axis))
                       .getResult());
    return success();
  }
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i)
    (i < *axis ? outer : inner) *= shape[i];
  int64_t flat[] = {outer, inner};
  auto flatType = cnn::inferReshapeType(n.loc, x->getType(), flat);
  if (failed(flatType))
    return failure();
  Value v = cnn::ReshapeOp::create(b, n.loc, *flatType, *x,
                                   b.getDenseI64ArrayAttr(flat));
  auto smType = cnn::inferSoftmaxType(n.loc, v.getType(), 1);
  if (failed(smType))
    return failure();
  v = cnn::SoftmaxOp::create(b, n.loc, *smType, v, b.getI64IntegerAttr(1));
  auto backType = cnn::inferReshapeType(n.loc, v.getType(), shape);
  if (failed(backType))
    return failure();
  v = cnn::ReshapeOp::create(b, n.loc, *backType, v,
                             b.getDenseI64ArrayAttr(shape));
  n.setOutput(0, v);
  return success();
}
