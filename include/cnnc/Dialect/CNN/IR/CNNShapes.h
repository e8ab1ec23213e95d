//===- CNNShapes.h - shape rules of cnn ops ---------------------*- C++ -*-===//
//
// The shape rules of the cnn ops, shared by the ops' type inference and by the
// frontends, which check a layer before they build it. Each function returns
// the result type, or emits an error at `loc` (when given) and fails.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_DIALECT_CNN_IR_CNNSHAPES_H
#define CNNC_DIALECT_CNN_IR_CNNSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include <optional>
#include <string>

namespace mlir::cnn {

using OptLoc = std::optional<Location>;

/// "[1, 3, 224, 224]": how every cnnc message shows a shape.
std::string formatShape(ArrayRef<int64_t> shape);

/// Size limits of the cnn dialect. No CNN comes near them; they keep every
/// size product of the compiler (elements, bytes, multiply-adds, and those
/// times a small factor) far from the range of int64_t, so that passes after
/// the frontends can use plain arithmetic on verified shapes.
constexpr int64_t kMaxDimSize = (int64_t(1) << 31) - 1;
/// 2^36 elements: 256 GiB of f32 in one tensor.
constexpr int64_t kMaxTensorElements = int64_t(1) << 36;
/// 2^50 multiply-adds in one layer (about 10^15).
constexpr int64_t kMaxLayerMACs = int64_t(1) << 50;

/// The element count of `shape`, or nullopt when a dim is negative or over
/// kMaxDimSize, or the count is over kMaxTensorElements (checked products:
/// no overflow whatever the dims).
std::optional<int64_t> checkedNumElements(ArrayRef<int64_t> shape);

/// Checks one statically shaped type (tensor, memref, vector; others pass)
/// against the limits above; the error at `loc` names `what`.
LogicalResult checkSizeLimits(OptLoc loc, Type type, StringRef what);

/// Checks the types of the values `op` defines (its results and the
/// arguments of its regions' blocks; nested ops are the caller's to visit),
/// for inputs that reach the compiler below the cnn level.
LogicalResult checkSizeLimits(Operation *op);

/// Output extent of a sliding window along one spatial dimension, or a
/// negative value when the (dilated) window does not fit the padded input.
int64_t windowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                         int64_t padBegin, int64_t padEnd, int64_t dilation,
                         bool ceilMode);

FailureOr<RankedTensorType>
inferConv2DType(OptLoc loc, Type input, Type weight, Type bias,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                ArrayRef<int64_t> dilations, int64_t group);

FailureOr<RankedTensorType>
inferPool2DType(OptLoc loc, Type input, ArrayRef<int64_t> kernel,
                ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                ArrayRef<int64_t> dilations, bool ceilMode);

FailureOr<RankedTensorType> inferGlobalPoolType(OptLoc loc, Type input);

FailureOr<RankedTensorType> inferBroadcastType(OptLoc loc, Type lhs, Type rhs);

FailureOr<RankedTensorType> inferBatchNormType(OptLoc loc, Type input,
                                               ArrayRef<Type> params);

FailureOr<RankedTensorType> inferDenseType(OptLoc loc, Type a, Type b,
                                           Type bias, bool transposeA,
                                           bool transposeB);

FailureOr<RankedTensorType> inferConcatType(OptLoc loc, TypeRange inputs,
                                            int64_t axis);

FailureOr<RankedTensorType> inferFlattenType(OptLoc loc, Type input,
                                             int64_t axis);

FailureOr<RankedTensorType> inferReshapeType(OptLoc loc, Type input,
                                             ArrayRef<int64_t> shape);

FailureOr<RankedTensorType> inferPadType(OptLoc loc, Type input,
                                         ArrayRef<int64_t> pads,
                                         StringRef mode);

FailureOr<RankedTensorType> inferLRNType(OptLoc loc, Type input, int64_t size);

FailureOr<RankedTensorType> inferSoftmaxType(OptLoc loc, Type input,
                                             int64_t axis);

/// Number of parameters of an activation a convolution can fuse (relu: 0,
/// clip: 2, ...), or std::nullopt for an unknown name.
std::optional<unsigned> getFusableActivationArity(StringRef name);

} // namespace mlir::cnn

#endif // CNNC_DIALECT_CNN_IR_CNNSHAPES_H
