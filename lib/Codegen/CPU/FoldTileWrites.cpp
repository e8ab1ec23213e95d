//===- FoldTileWrites.cpp - the cnnc-cpu-fold-tile-writes pass ------------===//
//
// A register tile writes its accumulators through a rank-reduced slice of
// the output tile (the 1-D convolution that decompose leaves drops the
// kernel-row dimension): transfer_write into tensor<1x6x16>, then
// insert_slice into tensor<1x1x6x16>. Upstream's fold of such chains
// requires the vector to have the slice's exact shape, so the chain stays,
// the zeros of the fill, the accumulators and the epilogue's result are
// three writes of one tile, and after bufferization all three reach memory
// (the accumulators in between are read back by forwarding, never from
// memory, but the stores remain: LLVM cannot prove them dead across the
// reduction loop's loads from the same arena).
//
// This pass rewrites insert_slice(transfer_write(v, s), d) -- where the write
// covers all of s and s differs from the slice only by unit dimensions --
// into transfer_write(v, d) at the slice's offsets. The writes of one tile
// then chain on one tensor with the same indices, where vector's own folds
// drop a write that the next one overwrites and forward a write to the read
// after it.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_CPUFOLDTILEWRITESPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {
/// insert_slice(transfer_write(%v, %s[0, ..]), %d[offsets]) with unit
/// strides, where the write covers every element of %s (each dimension of
/// %s is either written whole by a vector dimension or has size 1), becomes
/// transfer_write(%v, %d[offsets]) with the write's map carried over to
/// %d's dimensions.
struct InsertOfWholeWrite : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rw) const override {
    auto write = insert.getSource().getDefiningOp<vector::TransferWriteOp>();
    if (!write || write.getMask() || !write.hasPureTensorSemantics() ||
        !write->hasOneUse())
      return rw.notifyMatchFailure(insert, "source is not a lone write");
    if (!insert.hasUnitStride())
      return rw.notifyMatchFailure(insert, "strided slice");
    for (Value index : write.getIndices())
      if (!matchPattern(index, m_Zero()))
        return rw.notifyMatchFailure(insert, "write at a nonzero index");
    AffineMap map = write.getPermutationMap();
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false))
      return rw.notifyMatchFailure(insert, "write map not a projection");
    auto slice = cast<RankedTensorType>(write.getBase().getType());
    VectorType vec = write.getVectorType();
    // Every slice dimension: written whole, or of size 1.
    SmallVector<bool> covered(slice.getRank(), false);
    for (auto [i, expr] : llvm::enumerate(map.getResults())) {
      unsigned d = cast<AffineDimExpr>(expr).getPosition();
      if (slice.isDynamicDim(d) || vec.getDimSize(i) != slice.getDimSize(d) ||
          !write.isDimInBounds(i))
        return rw.notifyMatchFailure(insert, "write does not cover the slice");
      covered[d] = true;
    }
    for (int64_t d = 0; d < slice.getRank(); ++d)
      if (!covered[d] && slice.getDimSize(d) != 1)
        return rw.notifyMatchFailure(insert, "write does not cover the slice");
    // Slice dimension -> destination dimension (rank reduction drops some
    // unit dimensions of the destination).
    llvm::SmallBitVector dropped = insert.getDroppedDims();
    SmallVector<unsigned> toDest;
    for (unsigned d = 0, e = insert.getDestType().getRank(); d < e; ++d)
      if (!dropped.test(d))
        toDest.push_back(d);
    if (static_cast<int64_t>(toDest.size()) != slice.getRank())
      return rw.notifyMatchFailure(insert, "unexpected rank reduction");
    SmallVector<AffineExpr> results;
    for (AffineExpr expr : map.getResults())
      results.push_back(rw.getAffineDimExpr(
          toDest[cast<AffineDimExpr>(expr).getPosition()]));
    AffineMap destMap = AffineMap::get(insert.getDestType().getRank(), 0,
                                       results, rw.getContext());
    SmallVector<Value> indices;
    for (OpFoldResult offset : insert.getMixedOffsets())
      indices.push_back(
          getValueOrCreateConstantIndexOp(rw, insert.getLoc(), offset));
    rw.replaceOpWithNewOp<vector::TransferWriteOp>(
        insert, write.getVector(), insert.getDest(), indices,
        AffineMapAttr::get(destMap), write.getInBoundsAttr());
    return success();
  }
};

struct CPUFoldTileWritesPass
    : public cnnc::impl::CPUFoldTileWritesPassBase<CPUFoldTileWritesPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    RewritePatternSet patterns(ctx);
    patterns.add<InsertOfWholeWrite>(ctx);
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns, ctx);
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns, ctx);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
