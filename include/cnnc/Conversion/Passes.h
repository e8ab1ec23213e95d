//===- Passes.h - cnnc conversion passes ------------------------*- C++ -*-===//
#ifndef CNNC_CONVERSION_PASSES_H
#define CNNC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
class TypeConverter;
namespace cnnc {

#define GEN_PASS_DECL
#include "cnnc/Conversion/Passes.h.inc"

/// Patterns lowering every cnn op to linalg/tensor/arith/math on tensors.
/// With `nhwc`, activations are propagated in NHWC between the ops that
/// have an NHWC lowering (see LoweringUtils.h). The convert-cnn-to-linalg
/// pass then erases the permutes that lost their uses.
void populateCNNToLinalgConversionPatterns(RewritePatternSet &patterns,
                                           bool nhwc = true);

#define GEN_PASS_REGISTRATION
#include "cnnc/Conversion/Passes.h.inc"

} // namespace cnnc
} // namespace mlir

#endif // CNNC_CONVERSION_PASSES_H
