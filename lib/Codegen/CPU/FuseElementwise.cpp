//===- FuseElementwise.cpp - the cnnc-fuse-elementwise pass ---------------===//

#include "cnnc/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {
struct FuseElementwisePass
    : public cnnc::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Fuse a producer only into consumers when it has no other users, so
    // that no work is duplicated.
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          return producer && producer->hasOneUse();
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
