//===- ReduceOps.cpp - ONNX ReduceMean / ReduceMax / ReduceSum ------------===//
//
// The reductions that CNN exports hold are global pools written another way:
// dynamo exports adaptive average pooling to 1x1, and squeeze-excite blocks
// written as x.mean((2, 3), keepdim=True), as ReduceMean over the spatial
// axes of an NCHW tensor. They lower onto the global pooling ops (and their
// fast kernels) rather than onto a reduction op of their own:
//   ReduceMean -> cnn.global_avg_pool
//   ReduceMax  -> cnn.global_max_pool
//   ReduceSum  -> cnn.global_avg_pool, then cnn.mul by H*W
// followed by a cnn.reshape when the result shape is not NxCx1x1
// (keepdims = 0). Axes of size 1 may be reduced too, whatever the rank:
// reducing only such axes is a reshape. A reduction over the last axes of a
// tensor of any rank (all of them, the channels of [N, T, C], ...) views the
// input as [1, kept, reduced, 1] with a cnn.reshape and pools that. Any
// other reduction is an error naming the axes.
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
  if (axes->empty() && *noop) {
    n.setOutput(0, *x);
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
    n.setOutput(0, reshape(n, *x, outShape));
    return success();
  }

  // A global pool: NCHW, H and W reduced (or of size 1), N and C kept (or of
  // size 1). Otherwise, when the reduced axes are the last ones (axes of
  // size 1 aside), the input is viewed as [1, kept, reduced, 1] and pooled.
  bool global = rank == 4;
  for (int64_t i = 0; global && i < rank; ++i)
    global = i < 2 ? !reduced[i] || in[i] == 1 : reduced[i] || in[i] == 1;
  int64_t firstReduced = 0;
  while (!reduced[firstReduced] || in[firstReduced] == 1)
    ++firstReduced;
  bool trailing = true;
  int64_t kept = 1, count = 1;
  for (int64_t i = 0; i < rank; ++i) {
    (reduced[i] ? count : kept) *= in[i];
    if (i > firstReduced && !reduced[i] && in[i] != 1)
      trailing = false;
  }
  if (!global && !trailing) {
    SmallVector<int64_t> list;
    for (int64_t i = 0; i < rank; ++i)
      if (reduced[i])
        list.push_back(i);
    return n.emitError() << op << " over axes " << shapeString(list)
                         << " of a tensor of shape " << shapeString(in)
                         << " is not supported (cnnc reduces the spatial axes "
                            "2,3 of a 4-D input, or the last axes of a "
                            "tensor)";
  }
  Value input = *x;
  if (!global) {
    int64_t view[] = {1, kept, count, 1};
    input = reshape(n, input, view);
  }

  auto type = cnn::inferGlobalPoolType(n.loc, input.getType());
  if (failed(type))
    return failure();
  Value v;
  if (op == "ReduceMax") {
    v = cnn::GlobalMaxPoolOp::create(n.builder, n.loc, *type, input);
  } else {
    v = cnn::GlobalAvgPoolOp::create(n.builder, n.loc, *type, input);
    if (op == "ReduceSum") {
      // The mean times the number of elements reduced (exact in f32 up to
      // 2^24).
      float area = float(count);
      auto c = n.importer.materializeHost(
          HostTensor::fromFloats({1}, {area}), n.loc,
          n.proto.name().empty() ? "reduce_sum_area"
                                 : n.proto.name() + "_area");
      if (failed(c))
        return failure();
      auto mulType = cnn::inferBroadcastType(n.loc, v.getType(), c->getType());
      if (failed(mulType))
        return failure();
      v = cnn::MulOp::create(n.builder, n.loc, *mulType, v, *c);
    }
  }
  n.setOutput(0, reshape(n, v, outShape));
  return success();
}
