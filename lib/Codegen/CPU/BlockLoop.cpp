//===- BlockLoop.cpp - parallel block loops over tensors ------------------===//

#include "BlockLoop.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace mlir::cnnc;

scf::ForallOp
mlir::cnnc::buildBlockLoop(RewriterBase &rw, Location loc, int64_t count, Value init,
               function_ref<std::pair<Value, Slice>(OpBuilder &, Value, Value)>
                   body) {
  auto forall = scf::ForallOp::create(
      rw, loc, ArrayRef<OpFoldResult>{rw.getIndexAttr(count)},
      ValueRange{init}, std::nullopt);
  OpBuilder::InsertionGuard guard(rw);
  rw.setInsertionPoint(forall.getTerminator());
  std::pair<Value, Slice> tile = body(rw, forall.getInductionVars()[0],
                                      forall.getRegionIterArgs()[0]);
  rw.setInsertionPointToStart(forall.getTerminator().getBody());
  SmallVector<OpFoldResult> ones(tile.second.offsets.size(),
                                 rw.getIndexAttr(1));
  tensor::ParallelInsertSliceOp::create(rw, loc, tile.first,
                                        forall.getRegionIterArgs()[0],
                                        tile.second.offsets,
                                        tile.second.sizes, ones);
  return forall;
}

int64_t mlir::cnnc::loopWork(ArrayRef<int64_t> staticRanges) {
  int64_t work = 1;
  for (int64_t r : staticRanges) {
    if (ShapedType::isDynamic(r))
      return std::numeric_limits<int64_t>::max();
    work *= r;
  }
  return work;
}

Value mlir::cnnc::extractSlice(OpBuilder &b, Location loc,
                               RankedTensorType type, Value source,
                               const Slice &slice) {
  SmallVector<OpFoldResult> ones(slice.offsets.size(), b.getIndexAttr(1));
  return tensor::ExtractSliceOp::create(b, loc, type, source, slice.offsets,
                                        slice.sizes, ones);
}

