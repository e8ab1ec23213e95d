//===- ElementwiseOps.cpp - ONNX arithmetic and activations ---------------===//
//
// Add/Sub/Mul/Div (numpy broadcasting; integer constants are shape
// arithmetic and fold on the host), the activations, Clip, Reciprocal and
// Pow with a small integer exponent (products). x * Sigmoid(x)
// stays a cnn.sigmoid and a cnn.mul: fusing it is a graph pass's job.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdio>
#include <limits>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

//===----------------------------------------------------------------------===//
// Binary arithmetic
//===----------------------------------------------------------------------===//

/// Folds an integer Add/Sub/Mul/Div with numpy broadcasting.
static LogicalResult foldIntBinary(OnnxNode &n, const HostTensor &a,
                                   const HostTensor &b) {
  size_t rank = std::max(a.shape.size(), b.shape.size());
  SmallVector<int64_t> shape(rank), sa(rank, 1), sb(rank, 1);
  std::copy(a.shape.begin(), a.shape.end(), sa.end() - a.shape.size());
  std::copy(b.shape.begin(), b.shape.end(), sb.end() - b.shape.size());
  for (size_t i = 0; i < rank; ++i) {
    if (sa[i] != sb[i] && sa[i] != 1 && sb[i] != 1)
      return n.emitError() << n.opType() << " of constants of shapes "
                           << shapeString(a.shape) << " and "
                           << shapeString(b.shape) << " does not broadcast";
    shape[i] = sa[i] == 1 ? sb[i] : sa[i];
  }
  std::optional<int64_t> total = numElementsOf(shape);
  if (!total || *total > kMaxFoldedElements)
    return n.emitError() << n.opType() << " of constants would produce shape "
                         << shapeString(shape) << ", too large to fold ("
                         << kMaxFoldedElements << " elements at most)";
  std::vector<int64_t> out(*total);
  StringRef op = n.opType();
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t flat = 0; flat < *total; ++flat) {
    int64_t ia = 0, ib = 0;
    for (size_t d = 0; d < rank; ++d) {
      ia = ia * sa[d] + (sa[d] == 1 ? 0 : idx[d]);
      ib = ib * sb[d] + (sb[d] == 1 ? 0 : idx[d]);
    }
    int64_t x = a.ints[ia], y = b.ints[ib];
    bool overflow;
    if (op == "Add") {
      overflow = llvm::AddOverflow(x, y, out[flat]);
    } else if (op == "Sub") {
      overflow = llvm::SubOverflow(x, y, out[flat]);
    } else if (op == "Mul") {
      overflow = llvm::MulOverflow(x, y, out[flat]);
    } else {
      if (y == 0)
        return n.emitError() << "Div by zero in a shape computation on "
                                "constants";
      overflow = x == std::numeric_limits<int64_t>::min() && y == -1;
      if (!overflow)
        out[flat] = x / y;
    }
    if (overflow)
      return n.emitError() << n.opType() << " of " << x << " and " << y
                           << " overflows int64 in a shape computation on "
                              "constants";
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  n.setOutput(0, HostTensor::fromInts(shape, std::move(out), a.dataType));
  return success();
}

/// Before opset 7, binary ops broadcast only with `broadcast` = 1, aligning B
/// with A at `axis`. Numpy broadcasting means the same when B is aligned with
/// A's trailing dimensions (the default) or when the shapes are equal.
static LogicalResult checkLegacyBroadcast(OnnxNode &n, ArrayRef<int64_t> a,
                                          ArrayRef<int64_t> b) {
  auto broadcast = n.intAttr("broadcast", 0);
  if (failed(broadcast))
    return failure();
  if (*broadcast == 0) {
    if (a != b)
      return n.emitError() << n.opType() << " operands of shapes "
                           << shapeString(a) << " and " << shapeString(b)
                           << " differ, and broadcast = 0 (opset " << n.opset
                           << ") forbids broadcasting";
    return success();
  }
  if (!n.hasAttr("axis"))
    return success();
  auto axis = n.intAttr("axis", 0);
  if (failed(axis))
    return failure();
  int64_t ax = *axis < 0 ? *axis + (int64_t)a.size() : *axis;
  if (ax != (int64_t)a.size() - (int64_t)b.size())
    return n.unsupportedAttr("axis", Twine(*axis),
                             "legacy broadcasting of shape " + shapeString(b) +
                                 " into " + shapeString(a) +
                                 " along an inner axis; only trailing "
                                 "alignment is");
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importBinary(OnnxNode &n) {
  std::optional<int32_t> ta = n.constantDataType(0);
  std::optional<int32_t> tb = n.constantDataType(1);
  if (ta && tb && isIntegerDataType(*ta) && isIntegerDataType(*tb)) {
    auto a = n.constant(0);
    auto b =
        failed(a) ? FailureOr<const HostTensor *>(failure()) : n.constant(1);
    if (failed(b))
      return failure();
    return foldIntBinary(n, **a, **b);
  }

  auto lhs = n.tensor(0);
  auto rhs = failed(lhs) ? FailureOr<Value>(failure()) : n.tensor(1);
  if (failed(rhs))
    return failure();
  if (n.opset < 7 &&
      failed(checkLegacyBroadcast(n, shapeOf(*lhs), shapeOf(*rhs))))
    return failure();
  auto type = cnn::inferBroadcastType(n.loc, lhs->getType(), rhs->getType());
  if (failed(type))
    return failure();
  OpBuilder &b = n.builder;
  Value v;
  StringRef op = n.opType();
  if (op == "Add")
    v = cnn::AddOp::create(b, n.loc, *type, *lhs, *rhs);
  else if (op == "Sub")
    v = cnn::SubOp::create(b, n.loc, *type, *lhs, *rhs);
  else if (op == "Mul")
    v = cnn::MulOp::create(b, n.loc, *type, *lhs, *rhs);
  else
    v = cnn::DivOp::create(b, n.loc, *type, *lhs, *rhs);
  n.setOutput(0, v);
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult importUnary(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  n.setOutput(0, OpTy::create(n.builder, n.loc, x->getType(), *x).getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importRelu(OnnxNode &n) {
  return importUnary<cnn::ReluOp>(n);
}

LogicalResult mlir::cnnc::onnx_import::importSigmoid(OnnxNode &n) {
  return importUnary<cnn::SigmoidOp>(n);
}

LogicalResult mlir::cnnc::onnx_import::importTanh(OnnxNode &n) {
  return importUnary<cnn::TanhOp>(n);
}

LogicalResult mlir::cnnc::onnx_import::importHardSwish(OnnxNode &n) {
  return importUnary<cnn::HardSwishOp>(n);
}

LogicalResult mlir::cnnc::onnx_import::importLeakyRelu(OnnxNode &n) {
  auto x = n.tensor(0);
  auto alpha = n.floatAttr("alpha", 0.01f);
  if (failed(x) || failed(alpha))
    return failure();
  n.setOutput(0, cnn::LeakyReluOp::create(n.builder, n.loc, x->getType(), *x,
                                          n.builder.getF32FloatAttr(*alpha))
                     .getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importHardSigmoid(OnnxNode &n) {
  auto x = n.tensor(0);
  auto alpha = n.floatAttr("alpha", 0.2f);
  auto beta = n.floatAttr("beta", 0.5f);
  if (failed(x) || failed(alpha) || failed(beta))
    return failure();
  n.setOutput(0, cnn::HardSigmoidOp::create(n.builder, n.loc, x->getType(), *x,
                                            n.builder.getF32FloatAttr(*alpha),
                                            n.builder.getF32FloatAttr(*beta))
                     .getResult());
  return success();
}

LogicalResult mlir::cnnc::onnx_import::importClip(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  float lo = -std::numeric_limits<float>::infinity();
  float hi = std::numeric_limits<float>::infinity();
  if (n.opset < 11) {
    // Bounds are attributes before opset 11.
    auto min = n.floatAttr("min", lo);
    auto max = n.floatAttr("max", hi);
    if (failed(min) || failed(max))
      return failure();
    lo = *min;
    hi = *max;
  } else {
    // From opset 11 they are optional inputs, which cnnc needs constant.
    const char *roles[] = {"min", "max"};
    float *bounds[] = {&lo, &hi};
    for (unsigned i = 1; i <= 2; ++i) {
      if (!n.hasInput(i))
        continue;
      auto c = n.requireConstant(i, roles[i - 1]);
      if (failed(c))
        return failure();
      if ((*c)->numElements() != 1)
        return n.emitError()
               << "Clip input '" << roles[i - 1]
               << "' must be a scalar, got shape " << shapeString((*c)->shape);
      *bounds[i - 1] = (float)(*c)->getDouble(0);
    }
  }
  OpBuilder &b = n.builder;
  n.setOutput(0,
              cnn::ClipOp::create(b, n.loc, x->getType(), *x,
                                  b.getF32FloatAttr(lo), b.getF32FloatAttr(hi))
                  .getResult());
  return success();
}

//===----------------------------------------------------------------------===//
// Reciprocal and Pow, as products and quotients
//===----------------------------------------------------------------------===//

/// 1 / x, as a cnn.div of a constant 1 by x.
static FailureOr<Value> reciprocal(OnnxNode &n, Value x) {
  auto one = n.importer.materializeHost(HostTensor::fromFloats({1}, {1.0f}),
                                        n.loc, "one");
  if (failed(one))
    return failure();
  return cnn::DivOp::create(n.builder, n.loc, x.getType(), *one, x).getResult();
}

LogicalResult mlir::cnnc::onnx_import::importReciprocal(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto v = reciprocal(n, *x);
  if (failed(v))
    return failure();
  n.setOutput(0, *v);
  return success();
}

/// The exponents of Pow that cnnc imports: integers from -kMaxPowExponent
/// to kMaxPowExponent except 0, as products of x (and 1 / product).
static constexpr int64_t kMaxPowExponent = 4;

LogicalResult mlir::cnnc::onnx_import::importPow(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto e = n.requireConstant(1, "Y");
  if (failed(e))
    return failure();
  const HostTensor &y = **e;
  if (y.numElements() != 1 || y.shape.size() > shapeOf(*x).size())
    return n.emitError() << "Pow exponent must be a scalar constant (of rank "
                            "at most the base's), got shape "
                         << shapeString(y.shape);
  double d = y.getDouble(0);
  bool small = std::fabs(d) <= (double)kMaxPowExponent; // false for NaN
  int64_t k = small ? (int64_t)d : 0;
  if (!small || (double)k != d || k == 0) {
    char text[32];
    std::snprintf(text, sizeof(text), "%g", d);
    return n.emitError() << "Pow with exponent " << text
                         << " is not supported (cnnc supports the integer "
                            "exponents from "
                         << -kMaxPowExponent << " to " << kMaxPowExponent
                         << " except 0, as products)";
  }
  // x^|k| by squaring.
  Value result, square = *x;
  for (int64_t m = k < 0 ? -k : k; m; m >>= 1) {
    if (m & 1)
      result = result ? cnn::MulOp::create(n.builder, n.loc, x->getType(),
                                           result, square)
                            .getResult()
                      : square;
    if (m > 1)
      square =
          cnn::MulOp::create(n.builder, n.loc, x->getType(), square, square);
  }
  if (k < 0) {
    auto r = reciprocal(n, result);
    if (failed(r))
      return failure();
    result = *r;
  }
  n.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Neg, and the variadic Sum and Mean
//===----------------------------------------------------------------------===//

LogicalResult mlir::cnnc::onnx_import::importNeg(OnnxNode &n) {
  auto x = n.tensor(0);
  if (failed(x))
    return failure();
  auto minusOne = n.importer.materializeHost(
      HostTensor::fromFloats({1}, {-1.0f}), n.loc, "minus_one");
  if (failed(minusOne))
    return failure();
  n.setOutput(0,
              cnn::MulOp::create(n.builder, n.loc, x->getType(), *x, *minusOne)
                  .getResult());
  return success();
}

/// Sum and Mean: a chain of cnn.add with numpy broadcasting (opset 8 on;
/// before it the inputs have one shape, which broadcasting accepts too),
/// Mean then times 1 / count.
LogicalResult mlir::cnnc::onnx_import::importSumMean(OnnxNode &n) {
  auto acc = n.tensor(0);
  if (failed(acc))
    return failure();
  Value v = *acc;
  int count = n.proto.input_size();
  for (int i = 1; i < count; ++i) {
    auto x = n.tensor(i);
    if (failed(x))
      return failure();
    auto type = cnn::inferBroadcastType(n.loc, v.getType(), x->getType());
    if (failed(type))
      return failure();
    v = cnn::AddOp::create(n.builder, n.loc, *type, v, *x);
  }
  if (n.opType() == "Mean" && count > 1) {
    auto factor = n.importer.materializeHost(
        HostTensor::fromFloats({1}, {1.0f / float(count)}), n.loc,
        "mean_factor");
    if (failed(factor))
      return failure();
    v = cnn::MulOp::create(n.builder, n.loc, v.getType(), v, *factor);
  }
  n.setOutput(0, v);
  return success();
}
