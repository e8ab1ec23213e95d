//===- BlockLoop.h - parallel block loops over tensors --------------------===//
//
// The parallel loop shape that cnnc's CPU schedules build by hand: an
// scf.forall whose iterations each compute one slice of a shared output.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_LIB_CODEGEN_CPU_BLOCKLOOP_H
#define CNNC_LIB_CODEGEN_CPU_BLOCKLOOP_H

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::cnnc {

/// A slice of a tensor: offsets and sizes, unit strides.
struct Slice {
  SmallVector<OpFoldResult> offsets, sizes;
};

/// Builds `scf.forall (%block) in (count) shared_outs(%out = init)`: a loop
/// whose iterations are independent, so the runtime may run them on several
/// threads (cnnc-cpu-outline-parallel). `body` creates the work of one block
/// from the block index and the shared output and returns the tile it
/// computed with the slice of the output it belongs to.
scf::ForallOp
buildBlockLoop(RewriterBase &rw, Location loc, int64_t count, Value init,
               function_ref<std::pair<Value, Slice>(OpBuilder &, Value, Value)>
                   body);

/// The work of a loop nest with these static ranges (their product:
/// multiply-adds, for a convolution), by which the schedules decide whether
/// a loop is worth splitting across threads; INT64_MAX when a range is
/// dynamic.
int64_t loopWork(ArrayRef<int64_t> staticRanges);

/// `source[slice]` with unit strides.
Value extractSlice(OpBuilder &b, Location loc, RankedTensorType type,
                   Value source, const Slice &slice);

} // namespace mlir::cnnc

#endif // CNNC_LIB_CODEGEN_CPU_BLOCKLOOP_H
