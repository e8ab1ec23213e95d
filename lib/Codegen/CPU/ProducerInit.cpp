//===- ProducerInit.cpp - redirecting a linalg op's output ----------------===//

#include "ProducerInit.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

bool mlir::cnnc::hasFreshInit(linalg::LinalgOp producer) {
  if (!producer || !producer.hasPureTensorSemantics() ||
      producer->getNumResults() != 1 || producer.getNumDpsInits() != 1)
    return false;
  Value init = producer.getDpsInitOperand(0)->get();
  if (init.getDefiningOp<tensor::EmptyOp>())
    return true;
  auto fill = init.getDefiningOp<linalg::FillOp>();
  return fill &&
         fill.getDpsInitOperand(0)->get().getDefiningOp<tensor::EmptyOp>() &&
         matchPattern(fill.getInputs()[0], m_Constant());
}

void mlir::cnnc::redirectInit(OpBuilder &b, linalg::LinalgOp producer,
                              Value dest) {
  OpOperand *init = producer.getDpsInitOperand(0);
  if (auto fill = init->get().getDefiningOp<linalg::FillOp>()) {
    // The constant is cloned so the new fill does not depend on where the
    // old one's was defined.
    Value c = b.clone(*fill.getInputs()[0].getDefiningOp())->getResult(0);
    dest = linalg::FillOp::create(b, fill.getLoc(), c, dest).getResult(0);
  }
  init->set(dest);
}
