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
/// The most operations a fused elementwise body may hold.
constexpr size_t kMaxFusedBodyOps = 128;

struct FuseElementwisePass
    : public cnnc::impl::FuseElementwisePassBase<FuseElementwisePass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Fuse a producer only into consumers when it has no other users, so
    // that no work is duplicated. Each fusion copies both bodies into a new
    // op: without a bound on the fused body a chain of n elementwise ops
    // costs n^2 op copies (20,000 Relus: minutes). Real epilogues stay far
    // below the bound.
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          if (!producer || !producer->hasOneUse())
            return false;
          auto bodyOps = [](Operation *op) -> size_t {
            if (op->getNumRegions() != 1 || op->getRegion(0).empty())
              return 0;
            Block &body = op->getRegion(0).front();
            size_t n = 0;
            for (auto it = body.begin(); it != body.end() &&
                                         n <= kMaxFusedBodyOps;
                 ++it)
              ++n;
            return n;
          };
          return bodyOps(producer) + bodyOps(operand->getOwner()) <=
                 kMaxFusedBodyOps;
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
