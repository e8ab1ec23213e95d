//===- ProducerInit.h - redirecting a linalg op's output ------------------===//
//
// cnnc-pad-in-producer and cnnc-concat-in-place both make a producer write
// into part of a bigger buffer (a padded tensor's interior, a concat's
// channel slice) instead of a fresh tensor of its own.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_LIB_CODEGEN_CPU_PRODUCERINIT_H
#define CNNC_LIB_CODEGEN_CPU_PRODUCERINIT_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::cnnc {

/// Whether `producer` is a linalg op on tensors with one result and one
/// init whose contents do not matter beyond a constant: an empty tensor,
/// or a constant fill of one.
bool hasFreshInit(linalg::LinalgOp producer);

/// Makes `producer` (with hasFreshInit) write into `dest` instead, a tensor
/// of its init's type: a fill init is re-created on `dest` at `b`'s
/// insertion point.
void redirectInit(OpBuilder &b, linalg::LinalgOp producer, Value dest);

} // namespace mlir::cnnc

#endif // CNNC_LIB_CODEGEN_CPU_PRODUCERINIT_H
