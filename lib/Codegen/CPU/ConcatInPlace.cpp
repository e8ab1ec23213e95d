//===- ConcatInPlace.cpp - the cnnc-concat-in-place pass ------------------===//
//
// A channel concat is a chain of tensor.insert_slice into an empty tensor.
// Each input whose producer is a linalg op used only by the concat instead
// writes straight into its slice of the concat's buffer: no copy.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Codegen/CPU/Passes.h"
#include "ProducerInit.h"


namespace mlir::cnnc {
#define GEN_PASS_DEF_CONCATINPLACEPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {

/// The producer of `insert`'s source when it can write into the slice: a
/// linalg op on tensors in the same block, with one result used only by
/// `insert`, whose init is an empty tensor or a constant fill of one.
linalg::LinalgOp rewritableProducer(tensor::InsertSliceOp insert) {
  Value source = insert.getSource();
  auto producer = source.getDefiningOp<linalg::LinalgOp>();
  if (!cnnc::hasFreshInit(producer) || !source.hasOneUse() ||
      producer->getBlock() != insert->getBlock())
    return {};
  return producer;
}

/// A static, unit-stride, non-rank-reducing slice.
bool isPlainSlice(tensor::InsertSliceOp insert) {
  return insert.getSourceType().getRank() == insert.getType().getRank() &&
         insert.getSourceType().hasStaticShape() &&
         llvm::none_of(insert.getStaticOffsets(), ShapedType::isDynamic) &&
         llvm::all_of(insert.getStaticStrides(),
                      [](int64_t s) { return s == 1; });
}

struct ConcatInPlacePass
    : public cnnc::impl::ConcatInPlacePassBase<ConcatInPlacePass> {
  void runOnOperation() override {
    // Chains: an insert_slice into a tensor.empty, then inserts into each
    // previous result while it has that single use.
    SmallVector<SmallVector<tensor::InsertSliceOp>> chains;
    getOperation().walk([&](tensor::InsertSliceOp head) {
      // (CSE may have merged the empty tensor with others: its other users
      // are left alone, the chain gets an empty tensor of its own.)
      if (!head.getDest().getDefiningOp<tensor::EmptyOp>())
        return;
      SmallVector<tensor::InsertSliceOp> chain{head};
      while (chain.back()->hasOneUse()) {
        auto next =
            dyn_cast<tensor::InsertSliceOp>(*chain.back()->user_begin());
        if (!next || next.getDest() != chain.back().getResult() ||
            next->getBlock() != head->getBlock())
          break;
        chain.push_back(next);
      }
      if (chain.size() >= 2 && llvm::all_of(chain, isPlainSlice))
        chains.push_back(std::move(chain));
    });
    for (SmallVector<tensor::InsertSliceOp> &chain : chains)
      rewrite(chain);
  }

  static void rewrite(ArrayRef<tensor::InsertSliceOp> chain) {
    SmallVector<std::pair<linalg::LinalgOp, tensor::InsertSliceOp>> inPlace;
    SmallVector<tensor::InsertSliceOp> copied;
    for (tensor::InsertSliceOp insert : chain) {
      if (linalg::LinalgOp producer = rewritableProducer(insert))
        inPlace.push_back({producer, insert});
      else
        copied.push_back(insert);
    }
    if (inPlace.empty())
      return;
    llvm::sort(inPlace, [](auto &a, auto &b) {
      return a.first->isBeforeInBlock(b.first);
    });
    tensor::InsertSliceOp last = chain.back();
    tensor::InsertSliceOp head = chain.front();
    auto empty = head.getDest().getDefiningOp<tensor::EmptyOp>();
    // The buffer, threaded through the producers in program order.
    OpBuilder b(inPlace.front().first);
    Value buffer = tensor::EmptyOp::create(
        b, inPlace.front().first.getLoc(), empty.getType().getShape(),
        empty.getType().getElementType());
    for (auto [producer, insert] : inPlace) {
      b.setInsertionPoint(producer);
      Location loc = producer.getLoc();
      Value slice = tensor::ExtractSliceOp::create(
          b, loc, insert.getSourceType(), buffer, insert.getMixedOffsets(),
          insert.getMixedSizes(), insert.getMixedStrides());
      cnnc::redirectInit(b, producer, slice);
      b.setInsertionPointAfter(producer);
      buffer = tensor::InsertSliceOp::create(
          b, loc, producer->getResult(0), buffer, insert.getMixedOffsets(),
          insert.getMixedSizes(), insert.getMixedStrides());
    }
    // The other inputs are copied in where the concat was.
    b.setInsertionPoint(last);
    for (tensor::InsertSliceOp insert : copied)
      buffer = tensor::InsertSliceOp::create(
          b, last.getLoc(), insert.getSource(), buffer,
          insert.getMixedOffsets(), insert.getMixedSizes(),
          insert.getMixedStrides());
    last.getResult().replaceAllUsesWith(buffer);
    for (tensor::InsertSliceOp insert : llvm::reverse(chain))
      insert.erase();
    if (empty->use_empty())
      empty.erase();
  }
};
} // namespace
