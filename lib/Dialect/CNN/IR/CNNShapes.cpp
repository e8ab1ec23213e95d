//===- CNNShapes.cpp - shape rules of cnn ops -----------------------------===//
//
// Shape rules shared by type inference and the frontends. Messages name the
// shapes involved so that a network author can see what disagrees.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeRange.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"
#include "mlir/IR/Operation.h"

using namespace mlir;
using namespace mlir::cnn;

namespace {
/// Emits an error at `loc` when there is one; always returns failure so that
/// callers can `return fail(loc) << ...`.
struct Failer {
  std::optional<InFlightDiagnostic> diag;
  explicit Failer(OptLoc loc) {
    if (loc)
      diag.emplace(emitError(*loc));
  }
  template <typename T> Failer &operator<<(const T &v) {
    if (diag)
      *diag << v;
    return *this;
  }
  operator FailureOr<RankedTensorType>() { return failure(); }
};

std::string shapeStr(ArrayRef<int64_t> shape) { return formatShape(shape); }

std::string shapeStr(Type t) {
  if (auto rt = dyn_cast_or_null<RankedTensorType>(t))
    return shapeStr(rt.getShape());
  return "<unranked>";
}

/// Ranked, static, f32 tensor with every dim >= 1.
FailureOr<RankedTensorType> checkTensor(OptLoc loc, Type t, StringRef what,
                                        int64_t rank = -1) {
  auto rt = dyn_cast_or_null<RankedTensorType>(t);
  if (!rt)
    return Failer(loc) << what << " must be a ranked tensor";
  if (!rt.getElementType().isF32())
    return Failer(loc) << what << " must have f32 elements, got "
                       << rt.getElementType();
  if (!rt.hasStaticShape())
    return Failer(loc) << what << " must have a static shape";
  for (int64_t d : rt.getShape())
    if (d <= 0)
      return Failer(loc) << what << " has a non-positive dimension in shape "
                         << shapeStr(rt);
  if (failed(checkSizeLimits(loc, rt, what)))
    return failure();
  if (rank >= 0 && rt.getRank() != rank)
    return Failer(loc) << what << " must have rank " << rank << ", got shape "
                       << shapeStr(rt);
  return rt;
}

/// The inferred result type, checked against the size limits.
FailureOr<RankedTensorType> result(OptLoc loc, ArrayRef<int64_t> shape,
                                   Type elementType, StringRef what) {
  for (int64_t d : shape)
    if (d <= 0 || d > kMaxDimSize)
      return Failer(loc) << what << " would have shape " << shapeStr(shape)
                         << ": dimensions must be between 1 and "
                         << kMaxDimSize;
  auto type = RankedTensorType::get(shape, elementType);
  if (failed(checkSizeLimits(loc, type, what)))
    return failure();
  return type;
}

bool allPositive(ArrayRef<int64_t> v) {
  return llvm::all_of(v, [](int64_t x) { return x > 0; });
}
bool allNonNegative(ArrayRef<int64_t> v) {
  return llvm::all_of(v, [](int64_t x) { return x >= 0; });
}

bool allBounded(ArrayRef<int64_t> v) {
  return llvm::all_of(v, [](int64_t x) { return x <= kMaxDimSize; });
}

LogicalResult checkWindowAttrs(OptLoc loc, ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads,
                               ArrayRef<int64_t> dilations) {
  if (!allBounded(strides) || !allBounded(pads) || !allBounded(dilations))
    return (Failer(loc) << "strides " << shapeStr(strides) << ", pads "
                        << shapeStr(pads) << " and dilations "
                        << shapeStr(dilations) << " must be at most "
                        << kMaxDimSize,
            failure());
  if (strides.size() != 2 || !allPositive(strides))
    return (Failer(loc) << "strides must be two positive integers, got "
                        << shapeStr(strides),
            failure());
  if (pads.size() != 4 || !allNonNegative(pads))
    return (Failer(loc) << "pads must be four non-negative integers [top, "
                           "left, bottom, right], got "
                        << shapeStr(pads),
            failure());
  if (dilations.size() != 2 || !allPositive(dilations))
    return (Failer(loc) << "dilations must be two positive integers, got "
                        << shapeStr(dilations),
            failure());
  return success();
}
} // namespace

std::optional<int64_t> mlir::cnn::checkedNumElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || d > kMaxDimSize)
      return std::nullopt;
    std::optional<int64_t> p = llvm::checkedMul(n, d);
    if (!p || *p > kMaxTensorElements)
      return std::nullopt;
    n = *p;
  }
  return n;
}

LogicalResult mlir::cnn::checkSizeLimits(OptLoc loc, Type type,
                                         StringRef what) {
  auto shaped = dyn_cast_or_null<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return success();
  // Dynamic dims are not sizes yet; the static ones must still be sane.
  SmallVector<int64_t> dims;
  for (int64_t d : shaped.getShape())
    if (!ShapedType::isDynamic(d))
      dims.push_back(d);
  for (int64_t d : dims)
    if (d > kMaxDimSize)
      return (Failer(loc) << what << " of shape " << shapeStr(shaped.getShape())
                          << " has a dimension over the limit of "
                          << kMaxDimSize,
              failure());
  if (!checkedNumElements(dims))
    return (Failer(loc) << what << " of shape " << shapeStr(shaped.getShape())
                        << " has more than " << kMaxTensorElements
                        << " elements (2^36), the limit of one tensor",
            failure());
  return success();
}

LogicalResult mlir::cnn::checkSizeLimits(Operation *op) {
  for (Value v : op->getResults())
    if (failed(checkSizeLimits(op->getLoc(), v.getType(), "value")))
      return failure();
  for (Region &region : op->getRegions())
    for (Block &block : region)
      for (BlockArgument arg : block.getArguments())
        if (failed(checkSizeLimits(op->getLoc(), arg.getType(),
                                   "block argument")))
          return failure();
  return success();
}

std::string mlir::cnn::formatShape(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

int64_t mlir::cnn::windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                                    int64_t padBegin, int64_t padEnd,
                                    int64_t dilation, bool ceilMode) {
  int64_t span = (kernel - 1) * dilation + 1;
  int64_t room = in + padBegin + padEnd - span;
  if (room < 0)
    return -1;
  int64_t out = (ceilMode ? (room + stride - 1) / stride : room / stride) + 1;
  // In ceil mode the last window must start inside the input or its leading
  // pad; a window made only of trailing padding is dropped.
  if (ceilMode && (out - 1) * stride >= in + padBegin)
    --out;
  return out;
}

FailureOr<RankedTensorType>
mlir::cnn::inferConv2DType(OptLoc loc, Type inputT, Type weightT, Type biasT,
                           ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                           ArrayRef<int64_t> dilations, int64_t group) {
  auto input = checkTensor(loc, inputT, "conv input", 4);
  if (failed(input))
    return failure();
  auto weight = checkTensor(loc, weightT, "conv weight", 4);
  if (failed(weight))
    return failure();
  if (failed(checkWindowAttrs(loc, strides, pads, dilations)))
    return failure();
  ArrayRef<int64_t> x = input->getShape(), w = weight->getShape();
  if (group <= 0)
    return Failer(loc) << "group must be positive, got " << group;
  if (x[1] % group != 0)
    return Failer(loc) << "group " << group
                       << " does not divide the input channels (input shape "
                       << shapeStr(x) << ")";
  if (w[0] % group != 0)
    return Failer(loc) << "group " << group
                       << " does not divide the output channels (weight shape "
                       << shapeStr(w) << ")";
  if (w[1] * group != x[1])
    return Failer(loc) << "weight shape " << shapeStr(w) << " expects "
                       << w[1] * group << " input channels (" << w[1]
                       << " per group x " << group
                       << " groups) but the input has shape " << shapeStr(x);
  if (biasT) {
    auto bias = checkTensor(loc, biasT, "conv bias", 1);
    if (failed(bias))
      return failure();
    if (bias->getDimSize(0) != w[0])
      return Failer(loc) << "bias of shape " << shapeStr(*bias)
                         << " does not match " << w[0] << " output channels";
  }
  SmallVector<int64_t> out = {x[0], w[0], 0, 0};
  for (int i = 0; i < 2; ++i) {
    out[2 + i] = windowOutputSize(x[2 + i], w[2 + i], strides[i], pads[i],
                                  pads[i + 2], dilations[i], false);
    if (out[2 + i] <= 0)
      return Failer(loc) << "kernel " << shapeStr(w.drop_front(2))
                         << " (dilations " << shapeStr(dilations)
                         << ") is larger than the padded input "
                         << shapeStr(x) << " with pads " << shapeStr(pads);
  }
  auto type = result(loc, out, input->getElementType(), "conv output");
  if (failed(type))
    return failure();
  // Multiply-adds: output elements x (input channels per group x kernel).
  std::optional<int64_t> perOutput = checkedNumElements(w.drop_front());
  std::optional<int64_t> macs =
      perOutput ? llvm::checkedMul(type->getNumElements(), *perOutput)
                : std::nullopt;
  if (!macs || *macs > kMaxLayerMACs)
    return Failer(loc) << "conv of input " << shapeStr(x) << " and weight "
                       << shapeStr(w) << " to output " << shapeStr(out)
                       << " takes more than " << kMaxLayerMACs
                       << " multiply-adds (2^50), the limit of one layer";
  return type;
}

FailureOr<RankedTensorType>
mlir::cnn::inferPool2DType(OptLoc loc, Type inputT, ArrayRef<int64_t> kernel,
                           ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                           ArrayRef<int64_t> dilations, bool ceilMode) {
  auto input = checkTensor(loc, inputT, "pool input", 4);
  if (failed(input))
    return failure();
  if (kernel.size() != 2 || !allPositive(kernel))
    return Failer(loc) << "kernel must be two positive integers, got "
                       << shapeStr(kernel);
  if (failed(checkWindowAttrs(loc, strides, pads, dilations)))
    return failure();
  ArrayRef<int64_t> x = input->getShape();
  for (int i = 0; i < 2; ++i)
    if (pads[i] >= kernel[i] || pads[i + 2] >= kernel[i])
      return Failer(loc) << "pads " << shapeStr(pads)
                         << " must be smaller than the kernel "
                         << shapeStr(kernel);
  SmallVector<int64_t> out = {x[0], x[1], 0, 0};
  for (int i = 0; i < 2; ++i) {
    out[2 + i] = windowOutputSize(x[2 + i], kernel[i], strides[i], pads[i],
                                  pads[i + 2], dilations[i], ceilMode);
    if (out[2 + i] <= 0)
      return Failer(loc) << "pooling window " << shapeStr(kernel)
                         << " is larger than the padded input " << shapeStr(x)
                         << " with pads " << shapeStr(pads);
  }
  return result(loc, out, input->getElementType(), "pool output");
}

FailureOr<RankedTensorType> mlir::cnn::inferGlobalPoolType(OptLoc loc,
                                                           Type inputT) {
  auto input = checkTensor(loc, inputT, "global pool input", 4);
  if (failed(input))
    return failure();
  return RankedTensorType::get(
      {input->getDimSize(0), input->getDimSize(1), 1, 1},
      input->getElementType());
}

FailureOr<RankedTensorType>
mlir::cnn::inferBroadcastType(OptLoc loc, Type lhsT, Type rhsT) {
  auto lhs = checkTensor(loc, lhsT, "left operand");
  if (failed(lhs))
    return failure();
  auto rhs = checkTensor(loc, rhsT, "right operand");
  if (failed(rhs))
    return failure();
  ArrayRef<int64_t> a = lhs->getShape(), b = rhs->getShape();
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return Failer(loc) << "shapes " << shapeStr(a) << " and " << shapeStr(b)
                         << " do not broadcast";
    out[i] = std::max(da, db);
  }
  return result(loc, out, lhs->getElementType(), "broadcast result");
}

FailureOr<RankedTensorType>
mlir::cnn::inferBatchNormType(OptLoc loc, Type inputT, ArrayRef<Type> params) {
  auto input = checkTensor(loc, inputT, "batch norm input");
  if (failed(input))
    return failure();
  if (input->getRank() < 2)
    return Failer(loc) << "batch norm input must have a channel axis, got "
                       << shapeStr(*input);
  int64_t c = input->getDimSize(1);
  static const char *names[] = {"scale", "bias", "mean", "variance"};
  for (auto [i, t] : llvm::enumerate(params)) {
    auto p = checkTensor(loc, t, std::string("batch norm ") + names[i % 4], 1);
    if (failed(p))
      return failure();
    if (p->getDimSize(0) != c)
      return Failer(loc) << "batch norm " << names[i % 4] << " of shape "
                         << shapeStr(*p) << " does not match " << c
                         << " channels of input " << shapeStr(*input);
  }
  return *input;
}

FailureOr<RankedTensorType> mlir::cnn::inferDenseType(OptLoc loc, Type aT,
                                                      Type bT, Type biasT,
                                                      bool transposeA,
                                                      bool transposeB) {
  auto a = checkTensor(loc, aT, "dense input", 2);
  if (failed(a))
    return failure();
  auto b = checkTensor(loc, bT, "dense weight", 2);
  if (failed(b))
    return failure();
  int64_t m = a->getDimSize(transposeA ? 1 : 0);
  int64_t k = a->getDimSize(transposeA ? 0 : 1);
  int64_t kb = b->getDimSize(transposeB ? 1 : 0);
  int64_t n = b->getDimSize(transposeB ? 0 : 1);
  if (k != kb)
    return Failer(loc) << "inner dimensions differ: input " << shapeStr(*a)
                       << (transposeA ? " (transposed)" : "") << " and weight "
                       << shapeStr(*b) << (transposeB ? " (transposed)" : "");
  auto outOr = result(loc, {m, n}, a->getElementType(), "dense output");
  if (failed(outOr))
    return failure();
  RankedTensorType out = *outOr;
  std::optional<int64_t> macs = llvm::checkedMul(out.getNumElements(), k);
  if (!macs || *macs > kMaxLayerMACs)
    return Failer(loc) << "dense of " << shapeStr(*a) << " and "
                       << shapeStr(*b) << " takes more than " << kMaxLayerMACs
                       << " multiply-adds (2^50), the limit of one layer";
  if (biasT) {
    auto bias = checkTensor(loc, biasT, "dense bias");
    if (failed(bias))
      return failure();
    auto bc = inferBroadcastType(std::nullopt, out, *bias);
    if (bias->getRank() > 2 || failed(bc) || *bc != out)
      return Failer(loc) << "bias of shape " << shapeStr(*bias)
                         << " does not broadcast to the output "
                         << shapeStr(out);
  }
  return out;
}

FailureOr<RankedTensorType>
mlir::cnn::inferConcatType(OptLoc loc, TypeRange inputs, int64_t axis) {
  if (inputs.empty())
    return Failer(loc) << "concat needs at least one input";
  auto first = checkTensor(loc, inputs[0], "concat input");
  if (failed(first))
    return failure();
  int64_t rank = first->getRank();
  if (axis < 0 || axis >= rank)
    return Failer(loc) << "concat axis " << axis << " is out of range for rank "
                       << rank;
  SmallVector<int64_t> out(first->getShape());
  for (Type t : inputs.drop_front()) {
    auto in = checkTensor(loc, t, "concat input");
    if (failed(in))
      return failure();
    bool ok = in->getRank() == rank;
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == axis || in->getDimSize(d) == out[d];
    if (!ok)
      return Failer(loc) << "concat inputs " << shapeStr(*first) << " and "
                         << shapeStr(*in) << " differ outside axis " << axis;
    // Each summand is at most kMaxDimSize: no overflow before the check.
    out[axis] = std::min(out[axis] + in->getDimSize(axis), kMaxDimSize + 1);
  }
  return result(loc, out, first->getElementType(), "concat output");
}

FailureOr<RankedTensorType>
mlir::cnn::inferFlattenType(OptLoc loc, Type inputT, int64_t axis) {
  auto input = checkTensor(loc, inputT, "flatten input");
  if (failed(input))
    return failure();
  ArrayRef<int64_t> s = input->getShape();
  if (axis < 0 || axis > (int64_t)s.size())
    return Failer(loc) << "flatten axis " << axis << " is out of range for "
                       << shapeStr(s);
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < (int64_t)s.size(); ++i)
    (i < axis ? outer : inner) *= s[i];
  return result(loc, {outer, inner}, input->getElementType(), "flatten output");
}

FailureOr<RankedTensorType>
mlir::cnn::inferReshapeType(OptLoc loc, Type inputT, ArrayRef<int64_t> shape) {
  auto input = checkTensor(loc, inputT, "reshape input");
  if (failed(input))
    return failure();
  if (!allPositive(shape))
    return Failer(loc) << "reshape target " << shapeStr(shape)
                       << " must have positive dimensions";
  std::optional<int64_t> n = checkedNumElements(shape);
  if (!n || *n != input->getNumElements())
    return Failer(loc) << "cannot reshape " << shapeStr(*input) << " ("
                       << input->getNumElements() << " elements) to "
                       << shapeStr(shape) << " ("
                       << (n ? std::to_string(*n) : std::string("too many"))
                       << " elements)";
  return result(loc, shape, input->getElementType(), "reshape output");
}

FailureOr<RankedTensorType> mlir::cnn::inferPadType(OptLoc loc, Type inputT,
                                                    ArrayRef<int64_t> pads,
                                                    StringRef mode) {
  auto input = checkTensor(loc, inputT, "pad input");
  if (failed(input))
    return failure();
  int64_t rank = input->getRank();
  if ((int64_t)pads.size() != 2 * rank || !allNonNegative(pads) ||
      !allBounded(pads))
    return Failer(loc) << "pads must be " << 2 * rank
                       << " non-negative integers (at most " << kMaxDimSize
                       << ") for input "
                       << shapeStr(*input) << ", got " << shapeStr(pads);
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return Failer(loc) << "unknown pad mode '" << mode
                       << "' (expected constant, reflect or edge)";
  SmallVector<int64_t> out(input->getShape());
  for (int64_t i = 0; i < rank; ++i) {
    if (mode == "reflect" && (pads[i] >= out[i] || pads[i + rank] >= out[i]))
      return Failer(loc) << "reflect pads " << shapeStr(pads)
                         << " must be smaller than the input "
                         << shapeStr(*input);
    out[i] += pads[i] + pads[i + rank];
  }
  return result(loc, out, input->getElementType(), "pad output");
}

FailureOr<RankedTensorType> mlir::cnn::inferLRNType(OptLoc loc, Type inputT,
                                                    int64_t size) {
  auto input = checkTensor(loc, inputT, "LRN input", 4);
  if (failed(input))
    return failure();
  if (size <= 0)
    return Failer(loc) << "LRN size must be positive, got " << size;
  return *input;
}

FailureOr<RankedTensorType>
mlir::cnn::inferSoftmaxType(OptLoc loc, Type inputT, int64_t axis) {
  auto input = checkTensor(loc, inputT, "softmax input");
  if (failed(input))
    return failure();
  if (axis < 0 || axis >= input->getRank())
    return Failer(loc) << "softmax axis " << axis << " is out of range for "
                       << shapeStr(*input);
  return *input;
}

std::optional<unsigned> mlir::cnn::getFusableActivationArity(StringRef name) {
  return llvm::StringSwitch<std::optional<unsigned>>(name)
      .Cases({"relu", "sigmoid", "tanh", "silu", "hard_swish"}, 0u)
      .Case("leaky_relu", 1u)
      .Cases({"clip", "hard_sigmoid"}, 2u)
      .Default(std::nullopt);
}
