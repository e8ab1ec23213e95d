//===- Transforms.h - cnn graph transformations -----------------*- C++ -*-===//
//
// The graph transformations as functional APIs; the passes are thin wrappers.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_DIALECT_CNN_TRANSFORMS_TRANSFORMS_H
#define CNNC_DIALECT_CNN_TRANSFORMS_TRANSFORMS_H

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::cnn {

/// The attribute of a private function that is a network of its own:
/// cnn-split-batch's per-image trunk, whose value is the number of calls
/// per run (the batch). Layer outlining and activation planning treat such a
/// function like the public one.
inline constexpr llvm::StringLiteral kNetworkAttrName = "cnnc.network";

/// The elements of a constant f32 tensor (an arith.constant holding a dense
/// or dense_resource attribute), or failure when `value` is not one.
FailureOr<SmallVector<float>> getConstantFloats(Value value);

/// The name of a weight derived from the layer at `loc`: "<layer>.<suffix>"
/// when `loc` names one, else "weights.<suffix>".
std::string weightName(Location loc, StringRef suffix);

/// An arith.constant holding `values`: a resource blob named after `name`,
/// or a dense attribute when it is a splat.
Value createWeightConstant(OpBuilder &b, Location loc, RankedTensorType type,
                           ArrayRef<float> values, StringRef name);

/// Folds `bn` into the convolution producing its input; returns the new
/// convolution.
FailureOr<Conv2DOp> foldBatchNormIntoConv(RewriterBase &rewriter,
                                          BatchNormOp bn);

/// Makes `add` (one operand a single-use convolution without epilogue) the
/// convolution's residual epilogue.
FailureOr<Conv2DOp> fuseResidualAdd(RewriterBase &rewriter, AddOp add);

/// Makes the activation `op` (relu, clip, ...) of a single-use convolution
/// without activation the convolution's activation.
FailureOr<Conv2DOp> fuseActivation(RewriterBase &rewriter, Operation *op);

void populateFoldBatchNormPatterns(RewritePatternSet &patterns);
void populateFuseActivationPatterns(RewritePatternSet &patterns);

/// Replaces every cnn.inception and cnn.residual under `root` by its body.
void inlineBlocks(Operation *root);

} // namespace mlir::cnn

#endif // CNNC_DIALECT_CNN_TRANSFORMS_TRANSFORMS_H
