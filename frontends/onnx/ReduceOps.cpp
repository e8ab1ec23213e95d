//===- ReduceOps.cpp - ONNX ReduceMean/Max/Min/Sum/SumSquare --------------===//
//
// The reductions that CNN exports hold are global pools written another way:
// dynamo exports adaptive average pooling to 1x1, and squeeze-excite blocks
// written as x.mean((2, 3), keepdim=True), as ReduceMean over the spatial
// axes of an NCHW tensor. They lower onto the global pooling ops (and their
// fast kernels) rather than onto a reduction op of their own:
//   ReduceMean -> cnn.global_avg_pool
//   ReduceMax  -> cnn.global_max_pool
//   ReduceSum  -> cnn.global_avg_pool, then cnn.mul by H*W
//   ReduceMin  -> cnn.mul by -1, cnn.global_max_pool, cnn.mul by -1
//   ReduceSumSquare -> cnn.mul x by x, then as ReduceSum
// followed by a cnn.reshape when the result shape is not NxCx1x1
// (keepdims = 0). Axes of size 1 may be reduced too, whatever the rank:
// reducing only such axes is a reshape. Any other reduction over contiguous
// axes of a tensor of any rank views the input as [1, outer, reduced, inner]
// with a cnn.reshape and pools that: globally when the reduced axes are the
// last ones (all axes, the channels of [N, T, C], ...), else with a
// [reduced, 1] window (cnn.avg_pool2d / cnn.max_pool2d). Reductions over
// axes that are not contiguous are errors naming the axes.
//
// Axes are an attribute up to ReduceSum-11 and ReduceMean/Max-13, an
// optional constant input from ReduceSum-13 and ReduceMean/Max-18, which
// also bring noop_with_empty_axes. No axes means all of them.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;

/// The opset from which `op` takes its axes as an input.
static int64_t axesInputSince(StringRef op) {
  return op == "ReduceSum" ? 13 : 18;
}

/// The axes to reduce, as written (attribute or constant input); empty when
/// none are given.
static FailureOr<SmallVector<int64_t>> reduceAxes(OnnxNode &n) {
  if (n.opset < axesInputSince(n.opType()))
    return n.intsAttr("axes");
  if (!n.hasInput(1))
    return SmallVector<int64_t>();
  auto c = n.requireConstant(1, "axes");
  if (failed(c))
    return failure();
  if ((*c)->isFloat())
    return n.emitError() << n.opType()
                         << " input 'axes' must hold integers, got "
                         << dataTypeName((*c)->dataType);
  if ((*c)->shape.size() > 1)
    return n.emitError() << n.opType()
                         << " input 'axes' must be 1-D, got shape "
                         << shapeString((*c)->shape);
  return SmallVector<int64_t>((*c)->ints.begin(), (*c)->ints.end());
}

static Value reshape(OnnxNode &n, Value v, ArrayRef<int64_t> shape) {
  if (cast<RankedTensorType>(v.getType()).getShape() == shape)
    return v;
  auto type = RankedTensorType::get(shape, n.builder.getF32Type());
  return cnn::ReshapeOp::create(n.builder, n.loc, type, v,
                                n.builder.getDenseI64ArrayAttr(shape));
}

/// `v` times the constant `factor`.
static FailureOr<Value> scale(OnnxNode &n, Value v, float factor) {
  auto c = n.importer.materializeHost(HostTensor::fromFloats({1}, {factor}),
                                      n.loc, "factor");
  if (failed(c))
    return failure();
  return cnn::MulOp::create(n.builder, n.loc, v.getType(), v, *c).getResult();
}

LogicalResult mlir::cnnc::onnx_import::importReduce(OnnxNode &n) {
  StringRef op = n.opType();
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto axes = reduceAxes(n);
  auto keepdims = n.intAttr("keepdims", 1);
  auto noop = n.intAttr("noop_with_empty_axes", 0);
  if (failed(axes) || failed(keepdims) || failed(noop))
    return failure();
  if (*keepdims != 0 && *keepdims != 1)
    return n.unsupportedAttr("keepdims", Twine(*keepdims), "expected 0 or 1");
  if (*noop != 0 && *noop != 1)
    return n.unsupportedAttr("noop_with_empty_axes", Twine(*noop),
                             "expected 0 or 1");

  ArrayRef<int64_t> in = cast<RankedTensorType>(x->getType()).getShape();
  int64_t rank = in.size();
  // ReduceSumSquare sums x * x (and returns it when there is nothing to
  // reduce, as onnxruntime does).
  Value src = *x;
  if (op == "ReduceSumSquare")
    src = cnn::MulOp::create(n.builder, n.loc, src.getType(), src, src);
  if (axes->empty() && *noop) {
    n.setOutput(0, src);
    return success();
  }
  SmallVector<bool> reduced(rank, axes->empty());
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, rank, "axis");
    if (failed(axis))
      return failure();
    if (reduced[*axis])
      return n.emitError() << op << " axis " << a << " appears twice";
    reduced[*axis] = true;
  }
  SmallVector<int64_t> outShape;
  for (int64_t i = 0; i < rank; ++i)
    if (!reduced[i] || *keepdims)
      outShape.push_back(reduced[i] ? 1 : in[i]);

  // cnn.reshape does not lower to rank 0 yet.
  if (outShape.empty())
    return n.emitError() << op
                         << " with keepdims = 0 over every axis (a scalar "
                            "result) is not supported";

  // Reducing axes of size 1 changes no value.
  bool onlyUnitAxes = true;
  for (int64_t i = 0; i < rank; ++i)
    onlyUnitAxes &= !reduced[i] || in[i] == 1;
  if (onlyUnitAxes) {
    n.setOutput(0, reshape(n, src, outShape));
    return success();
  }

  // A global pool: NCHW, H and W reduced (or of size 1), N and C kept (or of
  // size 1). Otherwise the reduced axes (size-1 axes aside) must be
  // contiguous: the input is viewed as [1, outer, reduced, inner] and pooled
  // by a [reduced, 1] window (globally when inner is 1).
  bool global = rank == 4;
  for (int64_t i = 0; global && i < rank; ++i)
    global = i < 2 ? !reduced[i] || in[i] == 1 : reduced[i] || in[i] == 1;
  int64_t first = -1, last = -1;
  for (int64_t i = 0; i < rank; ++i)
    if (reduced[i] && in[i] != 1) {
      if (first < 0)
        first = i;
      last = i;
    }
  bool contiguous = true;
  int64_t outer = 1, count = 1, inner = 1;
  for (int64_t i = 0; i < rank; ++i) {
    if (i >= first && i <= last && !reduced[i] && in[i] != 1)
      contiguous = false;
    (i < first ? outer : i > last ? inner : count) *= in[i];
  }
  if (!global && !contiguous) {
    SmallVector<int64_t> list;
    for (int64_t i = 0; i < rank; ++i)
      if (reduced[i])
        list.push_back(i);
    return n.emitError() << op << " over axes " << shapeString(list)
                         << " of a tensor of shape " << shapeString(in)
                         << " is not supported (cnnc reduces axes that are "
                            "contiguous, axes of size 1 aside)";
  }
  Value input = src;
  if (!global) {
    int64_t view[] = {1, outer, count, inner};
    input = reshape(n, input, view);
  }
  // ReduceMin is -max(-x).
  bool isMin = op == "ReduceMin";
  if (isMin) {
    auto neg = scale(n, input, -1.0f);
    if (failed(neg))
      return failure();
    input = *neg;
  }

  bool isMax = op == "ReduceMax" || isMin;
  Value v;
  if (global || inner == 1) {
    auto type = cnn::inferGlobalPoolType(n.loc, input.getType());
    if (failed(type))
      return failure();
    v = isMax ? cnn::GlobalMaxPoolOp::create(n.builder, n.loc, *type, input)
                    .getResult()
              : cnn::GlobalAvgPoolOp::create(n.builder, n.loc, *type, input)
                    .getResult();
  } else {
    OpBuilder &b = n.builder;
    int64_t kernel[] = {count, 1}, ones[] = {1, 1}, pads[] = {0, 0, 0, 0};
    auto type = cnn::inferPool2DType(n.loc, input.getType(), kernel, ones, pads,
                                     ones, /*ceilMode=*/false);
    if (failed(type))
      return failure();
    if (isMax)
      v = cnn::MaxPool2DOp::create(
          b, n.loc, *type, input, b.getDenseI64ArrayAttr(kernel),
          b.getDenseI64ArrayAttr(ones), b.getDenseI64ArrayAttr(pads),
          b.getDenseI64ArrayAttr(ones), b.getBoolAttr(false));
    else
      v = cnn::AvgPool2DOp::create(
          b, n.loc, *type, input, b.getDenseI64ArrayAttr(kernel),
          b.getDenseI64ArrayAttr(ones), b.getDenseI64ArrayAttr(pads),
          b.getBoolAttr(false), b.getBoolAttr(false));
  }
  // Sums are the mean times the number of elements reduced (exact in f32 up
  // to 2^24).
  if (isMin || op == "ReduceSum" || op == "ReduceSumSquare") {
    auto scaled = scale(n, v, isMin ? -1.0f : float(count));
    if (failed(scaled))
      return failure();
    v = *scaled;
  }
  n.setOutput(0, reshape(n, v, outShape));
  return success();
}
