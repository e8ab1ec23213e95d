//===- InterchangeLoops.cpp - the cnnc-cpu-interchange-loops pass ---------===//

#include "cnnc/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_CPUINTERCHANGELOOPSPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {

/// The loop order (outer parallel, reductions, output row, output column),
/// or an empty vector when the op's output does not end in two plain loops.
SmallVector<unsigned> rowInnermostOrder(linalg::LinalgOp op) {
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() < 2)
    return {};
  auto row = dyn_cast<AffineDimExpr>(out.getResult(out.getNumResults() - 2));
  auto col = dyn_cast<AffineDimExpr>(out.getResult(out.getNumResults() - 1));
  if (!row || !col)
    return {};
  SmallVector<unsigned> order, reductions;
  auto iters = op.getIteratorTypesArray();
  for (unsigned i = 0; i < iters.size(); ++i) {
    if (i == row.getPosition() || i == col.getPosition())
      continue;
    if (iters[i] == utils::IteratorType::reduction)
      reductions.push_back(i);
    else
      order.push_back(i);
  }
  order.append(reductions);
  order.push_back(row.getPosition());
  order.push_back(col.getPosition());
  return order;
}

struct CPUInterchangeLoopsPass
    : public cnnc::impl::CPUInterchangeLoopsPassBase<CPUInterchangeLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (isa<linalg::ConvolutionOpInterface>(op.getOperation()))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<unsigned> order = rowInnermostOrder(op);
      if (order.empty())
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (failed(generic))
        continue;
      if (failed(linalg::interchangeGenericOp(rewriter, *generic, order))) {
        generic->emitOpError("cannot interchange loops");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
