//===- LoweringUtils.h - helpers shared by the cnn lowerings ----*- C++ -*-===//
#ifndef CNNC_LIB_CONVERSION_CNNTOLINALG_LOWERINGUTILS_H
#define CNNC_LIB_CONVERSION_CNNTOLINALG_LOWERINGUTILS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::cnnc::lowering {

using BodyFn =
    llvm::function_ref<Value(OpBuilder &b, Location loc, ValueRange args)>;

/// `tensor.empty` of a static type.
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type);

/// A tensor of `type` filled with `value`.
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   double value);

/// f32 constant.
Value f32Const(OpBuilder &b, Location loc, double value);

/// The map reading an operand of shape `operand` while iterating over the
/// (numpy-broadcast) shape `result`: leading dims are dropped and size-1 dims
/// that stretch read index 0.
AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operand,
                       ArrayRef<int64_t> result);

/// An all-parallel linalg.generic producing `resultType` from `inputs`, each
/// broadcast to the result shape; `body` receives the input elements.
Value elementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, BodyFn body);

/// Like `elementwise`, with an explicit indexing map per input.
Value mappedElementwise(OpBuilder &b, Location loc,
                        RankedTensorType resultType, ValueRange inputs,
                        ArrayRef<AffineMap> inputMaps, BodyFn body);

/// The map reading a 1-D per-channel operand at `axis` of a rank-`rank`
/// iteration space.
AffineMap axisMap(MLIRContext *ctx, int64_t rank, int64_t axis);

/// Pads a 4-D tensor spatially by [top, left, bottom, right] with `value`;
/// H is dim `hDim` and W the next one (2 in NCHW, 1 in NHWC).
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> pads, double value, unsigned hDim = 2);

//===----------------------------------------------------------------------===//
// Layout propagation
//
// cnn ops have NCHW semantics. In NHWC mode an op that has an NHWC lowering
// computes in NHWC and returns `fromNHWC(result)`: a permute back to NCHW
// tagged with kToNCHWAttr. A consumer that also computes in NHWC reads
// through the tag (`toNHWC`), so the permute loses its uses and is erased;
// only consumers without an NHWC form (flatten, dense, the function's
// results) keep one. Activations thus stay NHWC from the first convolution
// to the classifier.
//===----------------------------------------------------------------------===//

inline constexpr llvm::StringLiteral kToNCHWAttr = "cnnc.to_nchw";

/// NCHW dim of each NHWC dim, and NHWC dim of each NCHW dim.
inline constexpr int64_t kNHWCFromNCHW[] = {0, 2, 3, 1};
inline constexpr int64_t kNCHWFromNHWC[] = {0, 3, 1, 2};

/// `v` with its dims permuted: result dim i is input dim perm[i]. A generic
/// (not linalg.transpose) so that elementwise fusion can merge it.
Value permute(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm);

/// The NHWC tensor behind `v` when `v` is a tagged permute, else null.
Value nhwcSource(Value v);

/// `nchw` as an NHWC tensor: the tagged permute's source, or a new permute.
Value toNHWC(OpBuilder &b, Location loc, Value nchw);

/// The NCHW view of an NHWC result (a tagged permute).
Value fromNHWC(OpBuilder &b, Location loc, Value nhwc);

/// The NHWC type of a 4-D NCHW type.
RankedTensorType nhwcType(RankedTensorType nchw);

/// The map reading an operand with NCHW-semantics shape `operand` (numpy
/// broadcast, stored NCHW) inside an NHWC iteration over NCHW shape `result`.
AffineMap broadcastMapInNHWC(MLIRContext *ctx, ArrayRef<int64_t> operand,
                             ArrayRef<int64_t> result);

/// Reshapes through 1-D (collapse then expand); both shapes static.
Value reshapeTensor(OpBuilder &b, Location loc, Value input,
                    RankedTensorType resultType);

/// linalg integer-array attribute (tensor<Nxi64>) as named convs expect.
DenseIntElementsAttr i64ElementsAttr(OpBuilder &b, ArrayRef<int64_t> values);

/// The scalar semantics of an activation that a convolution can fuse (see
/// cnn.conv2d's `activation`): relu, clip(min, max), leaky_relu(alpha),
/// hard_sigmoid(alpha, beta), sigmoid, tanh, silu, hard_swish.
Value applyActivation(OpBuilder &b, Location loc, StringRef kind,
                      ArrayRef<float> params, Value x);

void populateConvPoolLoweringPatterns(RewritePatternSet &patterns, bool nhwc);
void populateElementwiseLoweringPatterns(RewritePatternSet &patterns,
                                         bool nhwc);
void populateShapeLoweringPatterns(RewritePatternSet &patterns, bool nhwc);

} // namespace mlir::cnnc::lowering

#endif // CNNC_LIB_CONVERSION_CNNTOLINALG_LOWERINGUTILS_H
