//===- ShapeOps.cpp - ONNX shape ops, constants and pass-throughs ---------===//
//
// Reshaping ops on f32 tensors become cnn.reshape / flatten / concat / pad.
// The same ops on integer constants are shape arithmetic (torch.onnx emits
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains); all shapes are
// static, so they fold here on the host and never reach the IR.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;
using ::onnx::AttributeProto;
using ::onnx::TensorProto;

static SmallVector<int64_t> rowMajorStrides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = (int64_t)shape.size() - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// A host tensor with the elements of `src` picked by `index` (flat indices).
static HostTensor pick(const HostTensor &src, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> index) {
  if (src.isFloat()) {
    std::vector<float> v(index.size());
    for (size_t i = 0; i < index.size(); ++i)
      v[i] = src.floats[index[i]];
    return HostTensor::fromFloats(shape, std::move(v), src.dataType);
  }
  std::vector<int64_t> v(index.size());
  for (size_t i = 0; i < index.size(); ++i)
    v[i] = src.ints[index[i]];
  return HostTensor::fromInts(shape, std::move(v), src.dataType);
}

static bool isIntegerConstant(OnnxNode &n, unsigned i) {
  std::optional<int32_t> dt = n.constantDataType(i);
  return dt && isIntegerDataType(*dt);
}

/// The integer elements of a constant input (axes, shapes, pads).
static FailureOr<SmallVector<int64_t>> constantInts(OnnxNode &n, unsigned i,
                                                    StringRef role) {
  auto c = n.requireConstant(i, role);
  if (failed(c))
    return failure();
  if ((*c)->isFloat())
    return n.emitError() << n.opType() << " input '" << role
                         << "' must hold integers, got "
                         << dataTypeName((*c)->dataType);
  if ((*c)->shape.size() > 1)
    return n.emitError() << n.opType() << " input '" << role
                         << "' must be 1-D, got shape "
                         << shapeString((*c)->shape);
  return SmallVector<int64_t>((*c)->ints.begin(), (*c)->ints.end());
}

/// Output 0 is input 0 with shape `shape`: folded for integer constants, a
/// cnn.reshape otherwise.
static LogicalResult reshapeTo(OnnxNode &n, ArrayRef<int64_t> shape) {
  if (isIntegerConstant(n, 0)) {
    auto c = n.constant(0);
    if (failed(c))
      return failure();
    std::optional<int64_t> count = numElementsOf(shape);
    if (!count || *count != (*c)->numElements())
      return n.emitError() << n.opType() << " cannot reshape constant of shape "
                           << shapeString((*c)->shape) << " to "
                           << shapeString(shape);
    HostTensor t = **c;
    t.shape.assign(shape.begin(), shape.end());
    n.setOutput(0, std::move(t));
    return success();
  }
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto type = cnn::inferReshapeType(n.loc, x->getType(), shape);
  if (failed(type))
    return failure();
  n.setOutput(0, cnn::ReshapeOp::create(n.builder, n.loc, *type, *x,
                                        n.builder.getDenseI64ArrayAttr(shape))
                     .getResult());
  return success();
}

//===----------------------------------------------------------------------===//
// Pass-throughs and constants
//===----------------------------------------------------------------------===//

LogicalResult mlir::cnnc::onnx_import::importIdentity(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Identity is missing its input";
  n.forwardInput(0, 0);
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importDropout(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Dropout is missing its input";
  // Inference: Dropout is the identity. From opset 12, training_mode is an
  // input; a true one would make the output random.
  if (n.opset >= 12 && n.hasInput(2)) {
    auto training = n.requireConstant(2, "training_mode");
    if (failed(training))
      return failure();
    if ((*training)->numElements() != 1 || (*training)->getInt(0) != 0)
      return n.emitError() << "Dropout in training mode (input "
                              "'training_mode' is true) is not supported";
  }
  n.forwardInput(0, 0);
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importConstant(OnnxNode &n) {
  // The op table has checked the attribute names; exactly one must be given.
  if (n.proto.attribute_size() != 1)
    return n.emitError() << "Constant must have exactly one value attribute, "
                            "got "
                         << n.proto.attribute_size();
  for (int i = 0; i < n.proto.attribute_size(); ++i) {
    AttributeProto &a = *n.proto.mutable_attribute(i);
    StringRef name = a.name();
    if (name == "value") {
      TensorProto *t = a.mutable_t();
      if (failed(checkTensorData(*t, n.loc, "Constant 'value'")))
        return failure();
      n.setOutput(0, t);
      return success();
    }
    if (name == "value_float" || name == "value_floats") {
      auto v = name == "value_float"
                   ? FailureOr<SmallVector<float>>(SmallVector<float>{a.f()})
                   : n.floatsAttr(name);
      if (failed(v))
        return failure();
      SmallVector<int64_t> shape;
      if (name == "value_floats")
        shape.push_back(v->size());
      n.setOutput(0, HostTensor::fromFloats(
                         shape, std::vector<float>(v->begin(), v->end())));
      return success();
    }
    if (name == "value_int" || name == "value_ints") {
      auto v =
          name == "value_int"
              ? FailureOr<SmallVector<int64_t>>(SmallVector<int64_t>{a.i()})
              : n.intsAttr(name);
      if (failed(v))
        return failure();
      SmallVector<int64_t> shape;
      if (name == "value_ints")
        shape.push_back(v->size());
      n.setOutput(0, HostTensor::fromInts(
                         shape, std::vector<int64_t>(v->begin(), v->end())));
      return success();
    }
    if (name == "sparse_value" || name == "value_string" ||
        name == "value_strings")
      return n.emitError() << "Constant attribute '" << name
                           << "' is not supported";
  }
  return n.emitError() << "Constant has no value attribute";
}

LogicalResult mlir::cnnc::onnx_import::importConstantOfShape(OnnxNode &n) {
  auto shape = constantInts(n, 0, "input");
  if (failed(shape))
    return failure();
  std::optional<int64_t> count = numElementsOf(*shape);
  if (!count || *count > kMaxFoldedElements)
    return n.emitError() << "ConstantOfShape shape " << shapeString(*shape)
                         << " is invalid or too large to fold";
  HostTensor value = HostTensor::fromFloats({}, {0.0f});
  if (const AttributeProto *a = n.attr("value")) {
    if (failed(checkTensorData(a->t(), n.loc, "ConstantOfShape 'value'")))
      return failure();
    auto decoded = decodeTensor(a->t(), n.loc, "ConstantOfShape 'value'");
    if (failed(decoded))
      return failure();
    if (decoded->numElements() != 1)
      return n.emitError() << "ConstantOfShape attribute 'value' must hold "
                              "one element";
    value = std::move(*decoded);
  }
  if (value.isFloat())
    n.setOutput(0, HostTensor::fromFloats(
                       *shape, std::vector<float>(*count, value.floats[0]),
                       value.dataType));
  else
    n.setOutput(0, HostTensor::fromInts(
                       *shape, std::vector<int64_t>(*count, value.ints[0]),
                       value.dataType));
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importCast(OnnxNode &n) {
  if (!n.hasAttr("to"))
    return n.emitError() << "Cast attribute 'to' is required";
  auto to = n.intAttr("to", 0);
  if (failed(to))
    return failure();
  bool toInt = isIntegerDataType(*to), toFloat = isHostFloatDataType(*to);
  if (!n.isConstant(0)) {
    // A run-time tensor is f32; only a cast to f32 (a no-op) is supported.
    if (*to == TensorProto::FLOAT) {
      if (failed(n.tensor(0)))
        return failure();
      n.forwardInput(0, 0);
      return success();
    }
    return n.emitError() << "Cast of a run-time float32 tensor to "
                         << dataTypeName(*to) << " is not supported";
  }
  if (n.constantDataType(0) == *to) {
    n.forwardInput(0, 0);
    return success();
  }
  if (!toInt && !toFloat)
    return n.emitError() << "Cast to " << dataTypeName(*to)
                         << " is not supported";
  auto c = n.constant(0);
  if (failed(c))
    return failure();
  const HostTensor &src = **c;
  int64_t count = src.numElements();
  if (toFloat) {
    std::vector<float> v(count);
    for (int64_t i = 0; i < count; ++i)
      v[i] = (float)src.getDouble(i);
    n.setOutput(0, HostTensor::fromFloats(src.shape, std::move(v), *to));
    return success();
  }
  std::vector<int64_t> v(count);
  for (int64_t i = 0; i < count; ++i) {
    if (*to == TensorProto::BOOL)
      v[i] = src.getDouble(i) != 0;
    else
      v[i] = src.getInt(i);
  }
  n.setOutput(0, HostTensor::fromInts(src.shape, std::move(v), *to));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape arithmetic (constants only)
//===----------------------------------------------------------------------===//

LogicalResult mlir::cnnc::onnx_import::importShape(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Shape is missing its input";
  SmallVector<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size();
  auto start = n.intAttr("start", 0);
  auto end = n.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  // Opset 15 start/end: negative counts from the back, then clamp.
  auto clamp = [&](int64_t v) {
    if (v < 0)
      v += rank;
    return std::min(std::max<int64_t>(v, 0), rank);
  };
  int64_t s = clamp(*start), e = std::max(clamp(*end), s);
  std::vector<int64_t> dims(shape.begin() + s, shape.begin() + e);
  int64_t len = dims.size();
  n.setOutput(0, HostTensor::fromInts({len}, std::move(dims)));
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importGather(OnnxNode &n) {
  auto data = n.requireConstant(0, "data");
  if (failed(data))
    return failure();
  auto indices = n.requireConstant(1, "indices");
  if (failed(indices))
    return failure();
  const HostTensor &d = **data, &ix = **indices;
  if (ix.isFloat())
    return n.emitError() << "Gather input 'indices' must hold integers";
  int64_t rank = d.shape.size();
  auto axisAttr = n.intAttr("axis", 0);
  if (failed(axisAttr))
    return failure();
  auto axis = n.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();
  int64_t dim = d.shape[*axis];
  SmallVector<int64_t> shape(d.shape.begin(), d.shape.begin() + *axis);
  shape.append(ix.shape.begin(), ix.shape.end());
  shape.append(d.shape.begin() + *axis + 1, d.shape.end());
  int64_t outer =
      numElementsOf(ArrayRef<int64_t>(d.shape).take_front(*axis)).value_or(0);
  int64_t inner =
      numElementsOf(ArrayRef<int64_t>(d.shape).drop_front(*axis + 1))
          .value_or(0);
  std::optional<int64_t> total = numElementsOf(shape);
  if (!total || *total > kMaxFoldedElements)
    return n.emitError() << "Gather of constants would produce shape "
                         << shapeString(shape) << ", too large to fold ("
                         << kMaxFoldedElements << " elements at most)";
  SmallVector<int64_t> index;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t k : ix.ints) {
      if (k < -dim || k >= dim)
        return n.emitError()
               << "Gather index " << k << " is out of range for dimension "
               << *axis << " of size " << dim;
      if (k < 0)
        k += dim;
      for (int64_t i = 0; i < inner; ++i)
        index.push_back((o * dim + k) * inner + i);
    }
  }
  n.setOutput(0, pick(d, shape, index));
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importSlice(OnnxNode &n) {
  auto data = n.requireConstant(0, "data");
  if (failed(data))
    return failure();
  const HostTensor &d = **data;
  int64_t rank = d.shape.size();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    auto s = n.intsAttr("starts");
    auto e = n.intsAttr("ends");
    auto a = n.intsAttr("axes");
    if (failed(s) || failed(e) || failed(a))
      return failure();
    starts = *s;
    ends = *e;
    axes = *a;
  } else {
    auto s = constantInts(n, 1, "starts");
    auto e = failed(s) ? FailureOr<SmallVector<int64_t>>(failure())
                       : constantInts(n, 2, "ends");
    if (failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      auto a = constantInts(n, 3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (n.hasInput(4)) {
      auto st = constantInts(n, 4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return n.emitError() << "Slice starts, ends, axes and steps differ in "
                            "length";

  SmallVector<int64_t> begin(rank, 0), step(rank, 1), shape(d.shape);
  SmallVector<bool> seen(rank, false);
  for (size_t k = 0; k < starts.size(); ++k) {
    auto axis = n.normalizeAxis(axes[k], rank);
    if (failed(axis))
      return failure();
    if (seen[*axis])
      return n.emitError() << "Slice axis " << axes[k] << " appears twice";
    seen[*axis] = true;
    int64_t dim = d.shape[*axis], s = starts[k], e = ends[k], st = steps[k];
    if (st == 0)
      return n.emitError() << "Slice step must not be 0";
    // Steps beyond the dimension select one element; clamping keeps the
    // arithmetic below from overflowing (-INT64_MIN).
    st = std::clamp<int64_t>(st, -kMaxDimension, kMaxDimension);
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    int64_t count;
    if (st > 0) {
      s = std::clamp<int64_t>(s, 0, dim);
      e = std::clamp<int64_t>(e, 0, dim);
      count = e > s ? (e - s + st - 1) / st : 0;
    } else {
      s = std::clamp<int64_t>(s, 0, dim - 1);
      e = std::clamp<int64_t>(e, -1, dim - 1);
      count = s > e ? (s - e - st - 1) / -st : 0;
    }
    begin[*axis] = s;
    step[*axis] = st;
    shape[*axis] = count;
  }
  int64_t total = numElementsOf(shape).value_or(0);
  SmallVector<int64_t> srcStrides = rowMajorStrides(d.shape);
  SmallVector<int64_t> index, idx(rank, 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t src = 0;
    for (int64_t i = 0; i < rank; ++i)
      src += (begin[i] + idx[i] * step[i]) * srcStrides[i];
    index.push_back(src);
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++idx[i] < shape[i])
        break;
      idx[i] = 0;
    }
  }
  n.setOutput(0, pick(d, shape, index));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshaping (tensors or constants)
//===----------------------------------------------------------------------===//

/// Unsqueeze/Squeeze axes: an attribute before opset 13, an input from 13.
static FailureOr<SmallVector<int64_t>> squeezeAxes(OnnxNode &n) {
  if (n.opset < 13)
    return n.intsAttr("axes");
  if (!n.hasInput(1))
    return SmallVector<int64_t>();
  return constantInts(n, 1, "axes");
}

LogicalResult mlir::cnnc::onnx_import::importUnsqueeze(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Unsqueeze is missing its input";
  auto axes = squeezeAxes(n);
  if (failed(axes))
    return failure();
  if (axes->empty())
    return n.emitError() << "Unsqueeze needs axes";
  SmallVector<int64_t> in = n.inputShape(0);
  int64_t outRank = in.size() + axes->size();
  if (outRank > (int64_t)kMaxRank)
    return n.emitError() << "Unsqueeze to rank " << outRank
                         << " is not supported (rank " << kMaxRank
                         << " at most)";
  SmallVector<bool> inserted(outRank, false);
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, outRank);
    if (failed(axis))
      return failure();
    if (inserted[*axis])
      return n.emitError() << "Unsqueeze axis " << a << " appears twice";
    inserted[*axis] = true;
  }
  SmallVector<int64_t> shape;
  auto it = in.begin();
  for (int64_t i = 0; i < outRank; ++i)
    shape.push_back(inserted[i] ? 1 : *it++);
  return reshapeTo(n, shape);
}

LogicalResult mlir::cnnc::onnx_import::importSqueeze(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Squeeze is missing its input";
  auto axes = squeezeAxes(n);
  if (failed(axes))
    return failure();
  SmallVector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  SmallVector<bool> removed(rank, false);
  for (int64_t a : *axes) {
    auto axis = n.normalizeAxis(a, rank);
    if (failed(axis))
      return failure();
    if (in[*axis] != 1)
      return n.emitError() << "Squeeze axis " << a << " has size " << in[*axis]
                           << ", not 1";
    removed[*axis] = true;
  }
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i)
    if (!(axes->empty() ? in[i] == 1 : removed[i]))
      shape.push_back(in[i]);
  return reshapeTo(n, shape);
}

LogicalResult mlir::cnnc::onnx_import::importFlatten(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Flatten is missing its input";
  SmallVector<int64_t> in = n.inputShape(0);
  int64_t rank = in.size();
  auto axisAttr = n.intAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  // Flatten's axis ranges over [-rank, rank].
  int64_t axis = *axisAttr;
  if (axis < -rank || axis > rank)
    return n.emitError() << "Flatten axis " << axis
                         << " is out of range for rank " << rank;
  if (axis < 0)
    axis += rank;
  if (isIntegerConstant(n, 0)) {
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < rank; ++i)
      (i < axis ? outer : inner) *= in[i];
    int64_t shape[] = {outer, inner};
    return reshapeTo(n, shape);
  }
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto type = cnn::inferFlattenType(n.loc, x->getType(), axis);
  if (failed(type))
    return failure();
  n.setOutput(0, cnn::FlattenOp::create(n.builder, n.loc, *type, *x,
                                        n.builder.getI64IntegerAttr(axis))
                     .getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importReshape(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Reshape is missing its input";
  SmallVector<int64_t> target;
  if (n.opset < 5) {
    if (!n.hasAttr("shape"))
      return n.emitError() << "Reshape attribute 'shape' is required";
    auto s = n.intsAttr("shape");
    if (failed(s))
      return failure();
    target = *s;
  } else {
    auto s = constantInts(n, 1, "shape");
    if (failed(s))
      return failure();
    target = *s;
  }
  auto allowZero = n.opset >= 14 ? n.intAttr("allowzero", 0)
                                 : FailureOr<int64_t>(int64_t(0));
  if (failed(allowZero))
    return failure();

  if (target.size() > kMaxRank)
    return n.emitError() << "Reshape target has " << target.size()
                         << " dimensions; cnnc supports tensors of rank up to "
                         << kMaxRank;
  // 0 copies the input's dimension (unless allowzero), one -1 is inferred.
  SmallVector<int64_t> in = n.inputShape(0);
  SmallVector<int64_t> shape(target);
  int inferred = -1;
  for (size_t i = 0; i < target.size(); ++i) {
    if (target[i] == 0 && *allowZero == 0) {
      if (i >= in.size())
        return n.emitError()
               << "Reshape target " << shapeString(target)
               << " copies dimension " << i << " (0), which input shape "
               << shapeString(in) << " lacks";
      shape[i] = in[i];
    } else if (target[i] == -1) {
      if (inferred >= 0)
        return n.emitError() << "Reshape target " << shapeString(target)
                             << " has more than one -1";
      inferred = i;
    } else if (target[i] < 0) {
      return n.emitError() << "Reshape target " << shapeString(target)
                           << " has a negative dimension";
    } else if (target[i] > kMaxDimension) {
      return n.emitError() << "Reshape target " << shapeString(target)
                           << " has a dimension above the limit "
                           << kMaxDimension << " (2^31 - 1)";
    }
  }
  if (inferred >= 0) {
    SmallVector<int64_t> others(shape);
    others.erase(others.begin() + inferred);
    std::optional<int64_t> known = numElementsOf(others);
    int64_t total = numElementsOf(in).value_or(0);
    if (!known || *known <= 0 || total % *known != 0)
      return n.emitError() << "Reshape cannot infer the -1 of "
                           << shapeString(target) << " for input shape "
                           << shapeString(in);
    shape[inferred] = total / *known;
  }
  return reshapeTo(n, shape);
}

LogicalResult mlir::cnnc::onnx_import::importConcat(OnnxNode &n) {
  int numInputs = n.proto.input_size();
  if (numInputs == 0)
    return n.emitError() << "Concat needs at least one input";
  for (int i = 0; i < numInputs; ++i)
    if (!n.hasInput(i))
      return n.emitError() << "Concat input #" << i << " is empty";
  if (n.opset >= 4 && !n.hasAttr("axis"))
    return n.emitError() << "Concat attribute 'axis' is required";
  auto axisAttr = n.intAttr("axis", 1);
  if (failed(axisAttr))
    return failure();
  int64_t rank = n.inputShape(0).size();
  auto axis = n.normalizeAxis(*axisAttr, rank);
  if (failed(axis))
    return failure();

  bool allInts = true;
  for (int i = 0; i < numInputs; ++i)
    allInts &= isIntegerConstant(n, i);
  if (allInts) {
    // Shape arithmetic: concatenate on the host.
    SmallVector<const HostTensor *> parts;
    for (int i = 0; i < numInputs; ++i) {
      auto c = n.constant(i);
      if (failed(c))
        return failure();
      parts.push_back(*c);
    }
    SmallVector<int64_t> shape(parts[0]->shape);
    for (const HostTensor *p : llvm::ArrayRef(parts).drop_front()) {
      bool ok = (int64_t)p->shape.size() == rank;
      for (int64_t d = 0; ok && d < rank; ++d)
        ok = d == *axis || p->shape[d] == shape[d];
      if (!ok)
        return n.emitError() << "Concat of constants of shapes "
                             << shapeString(parts[0]->shape) << " and "
                             << shapeString(p->shape) << " differ outside "
                             << "axis " << *axis;
      shape[*axis] += p->shape[*axis];
    }
    int64_t outer =
        numElementsOf(ArrayRef<int64_t>(shape).take_front(*axis)).value_or(0);
    std::vector<int64_t> out;
    for (int64_t o = 0; o < outer; ++o)
      for (const HostTensor *p : parts) {
        int64_t chunk =
            numElementsOf(ArrayRef<int64_t>(p->shape).drop_front(*axis))
                .value_or(0);
        out.insert(out.end(), p->ints.begin() + o * chunk,
                   p->ints.begin() + (o + 1) * chunk);
      }
    n.setOutput(
        0, HostTensor::fromInts(shape, std::move(out), parts[0]->dataType));
    return success();
  }

  SmallVector<Value> values;
  for (int i = 0; i < numInputs; ++i) {
    auto v = n.tensor(i);
    if (failed(v))
      return failure();
    values.push_back(*v);
  }
  auto type = cnn::inferConcatType(n.loc, ValueRange(values).getTypes(), *axis);
  if (failed(type))
    return failure();
  n.setOutput(0, cnn::ConcatOp::create(n.builder, n.loc, *type, values,
                                       n.builder.getI64IntegerAttr(*axis))
                     .getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importPad(OnnxNode &n) {
  auto mode = n.stringAttr("mode", "constant");
  if (failed(mode))
    return failure();
  if (*mode != "constant" && *mode != "reflect" && *mode != "edge")
    return n.unsupportedAttr("mode", "'" + *mode + "'",
                             "expected constant, reflect or edge");
  SmallVector<int64_t> pads, axes;
  float value = 0.0f;
  bool hasAxes = false;
  if (n.opset < 11) {
    // Opset 1 called the attribute `paddings`.
    StringRef name = n.opset < 2 ? "paddings" : "pads";
    if (!n.hasAttr(name))
      return n.emitError() << "Pad attribute '" << name << "' is required";
    auto p = n.intsAttr(name);
    auto v = n.floatAttr("value", 0.0f);
    if (failed(p) || failed(v))
      return failure();
    pads = *p;
    value = *v;
  } else {
    auto p = constantInts(n, 1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (n.hasInput(2)) {
      auto c = n.requireConstant(2, "constant_value");
      if (failed(c))
        return failure();
      if ((*c)->numElements() > 1)
        return n.emitError() << "Pad input 'constant_value' must be a "
                                "scalar, got shape "
                             << shapeString((*c)->shape);
      if ((*c)->numElements() == 1)
        value = (float)(*c)->getDouble(0);
    }
    if (n.opset >= 18 && n.hasInput(3)) {
      auto a = constantInts(n, 3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
      hasAxes = true;
    }
  }
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  if (hasAxes) {
    // Pads for the listed axes only: spread them over all dimensions.
    if (pads.size() != 2 * axes.size())
      return n.emitError() << "Pad has " << pads.size() << " pads for "
                           << axes.size() << " axes; expected "
                           << 2 * axes.size();
    SmallVector<int64_t> full(2 * rank, 0);
    for (size_t k = 0; k < axes.size(); ++k) {
      auto axis = n.normalizeAxis(axes[k], rank);
      if (failed(axis))
        return failure();
      full[*axis] = pads[k];
      full[*axis + rank] = pads[k + axes.size()];
    }
    pads = full;
  }
  if (llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return n.emitError() << "Pad with negative pads " << shapeString(pads)
                         << " (cropping) is not supported";
  if (llvm::any_of(pads, [](int64_t p) { return p > kMaxDimension; }))
    return n.emitError() << "Pad pads " << shapeString(pads)
                         << " hold a value above the limit " << kMaxDimension
                         << " (2^31 - 1)";
  auto type = cnn::inferPadType(n.loc, x->getType(), pads, *mode);
  if (failed(type))
    return failure();
  OpBuilder &b = n.builder;
  n.setOutput(
      0, cnn::PadOp::create(b, n.loc, *type, *x, b.getDenseI64ArrayAttr(pads),
                            b.getStringAttr(*mode), b.getF32FloatAttr(value))
             .getResult());
  return success();
}
