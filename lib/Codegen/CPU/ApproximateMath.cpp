//===- ApproximateMath.cpp - the cnnc-cpu-approximate-math pass -----------===//

#include "cnnc/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_CPUAPPROXIMATEMATHPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {
struct CPUApproximateMathPass
    : public cnnc::impl::CPUApproximateMathPassBase<CPUApproximateMathPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    // Only the functions the seed networks' activations use; each
    // approximation is f32-only and leaves other element types alone.
    populateMathPolynomialApproximationPatterns(patterns, [](StringRef name) {
      return name == math::ExpOp::getOperationName() ||
             name == math::TanhOp::getOperationName();
    });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // IEEE maximum/minimum order -0 below +0; on x86 that costs two blends
    // per max on top of the NaN check (5 instructions instead of 3 in a
    // max pool's window). Networks do not depend on the sign of a zero, so
    // it is dropped (`nsz`); NaN still propagates.
    getOperation().walk([](Operation *op) {
      if (!isa<arith::MaximumFOp, arith::MinimumFOp>(op))
        return;
      auto fmf = cast<arith::ArithFastMathInterface>(op);
      auto flags = fmf.getFastMathFlagsAttr().getValue() |
                   arith::FastMathFlags::nsz;
      op->setAttr(fmf.getFastMathAttrName(),
                  arith::FastMathFlagsAttr::get(op->getContext(), flags));
    });
  }
};
} // namespace
