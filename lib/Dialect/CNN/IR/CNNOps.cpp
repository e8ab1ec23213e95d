//===- CNNOps.cpp - cnn dialect and its operations ------------------------===//
//
// Dialect registration and type inference of the cnn ops. The shape rules are
// in CNNShapes.cpp; here they are wired to each op's attributes.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::cnn;

#include "cnnc/Dialect/CNN/IR/CNNOpsDialect.cpp.inc"

void CNNDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "cnnc/Dialect/CNN/IR/CNNOps.cpp.inc"
      >();
}

static LogicalResult push(FailureOr<RankedTensorType> type,
                          SmallVectorImpl<Type> &types) {
  if (failed(type))
    return failure();
  types.push_back(*type);
  return success();
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  Type bias = adaptor.getBias() ? adaptor.getBias().getType() : Type();
  return push(inferConv2DType(loc, adaptor.getInput().getType(),
                              adaptor.getWeight().getType(), bias,
                              adaptor.getStrides(), adaptor.getPads(),
                              adaptor.getDilations(), adaptor.getGroup()),
              types);
}

/// A block op: one region with one block whose single argument has the
/// input's type, ending in a yield of the result's type.
static LogicalResult verifyBlockOp(Operation *op, Region &body, Value input,
                                   Value output) {
  Block &block = body.front();
  if (block.getNumArguments() != 1 ||
      block.getArgument(0).getType() != input.getType())
    return op->emitOpError("body must take one argument of the input type ")
           << input.getType();
  auto yield = dyn_cast<YieldOp>(block.getTerminator());
  if (!yield)
    return op->emitOpError("body must end with cnn.yield");
  if (yield.getValue().getType() != output.getType())
    return op->emitOpError("yields ")
           << yield.getValue().getType() << " but the result is "
           << output.getType();
  return success();
}

LogicalResult InceptionOp::verify() {
  return verifyBlockOp(*this, getBody(), getInput(), getOutput());
}

LogicalResult ResidualOp::verify() {
  if (getSkip() != "identity" && getSkip() != "projection")
    return emitOpError("skip must be \"identity\" or \"projection\", not \"")
           << getSkip() << "\"";
  return verifyBlockOp(*this, getBody(), getInput(), getOutput());
}

LogicalResult Conv2DOp::verify() {
  if (getResidual() && getResidual().getType() != getType())
    return emitOpError("residual of type ")
           << getResidual().getType() << " does not match the result type "
           << getType();
  std::optional<StringRef> act = getActivation();
  size_t numParams =
      getActivationParams() ? getActivationParams()->size() : 0;
  if (!act) {
    if (numParams)
      return emitOpError("has activation parameters but no activation");
    return success();
  }
  std::optional<unsigned> arity = getFusableActivationArity(*act);
  if (!arity)
    return emitOpError("unknown activation '") << *act << "'";
  if (*arity != numParams)
    return emitOpError("activation '")
           << *act << "' takes " << *arity << " parameters, got " << numParams;
  return success();
}

LogicalResult MaxPool2DOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  return push(inferPool2DType(loc, adaptor.getInput().getType(),
                              adaptor.getKernel(), adaptor.getStrides(),
                              adaptor.getPads(), adaptor.getDilations(),
                              adaptor.getCeilMode()),
              types);
}

LogicalResult AvgPool2DOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  int64_t ones[] = {1, 1};
  return push(inferPool2DType(loc, adaptor.getInput().getType(),
                              adaptor.getKernel(), adaptor.getStrides(),
                              adaptor.getPads(), ones, adaptor.getCeilMode()),
              types);
}

LogicalResult GlobalAvgPoolOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  return push(inferGlobalPoolType(loc, adaptor.getInput().getType()), types);
}

LogicalResult GlobalMaxPoolOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                                Adaptor adaptor,
                                                SmallVectorImpl<Type> &types) {
  return push(inferGlobalPoolType(loc, adaptor.getInput().getType()), types);
}

LogicalResult LRNOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return push(inferLRNType(loc, adaptor.getInput().getType(),
                           adaptor.getSize()),
              types);
}

#define CNN_BINARY_INFER(OP)                                                   \
  LogicalResult OP::inferReturnTypes(MLIRContext *, OptLoc loc,               \
                                     Adaptor adaptor,                         \
                                     SmallVectorImpl<Type> &types) {          \
    return push(inferBroadcastType(loc, adaptor.getLhs().getType(),           \
                                   adaptor.getRhs().getType()),               \
                types);                                                       \
  }
CNN_BINARY_INFER(AddOp)
CNN_BINARY_INFER(SubOp)
CNN_BINARY_INFER(MulOp)
CNN_BINARY_INFER(DivOp)
#undef CNN_BINARY_INFER


LogicalResult BatchNormOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  Type params[] = {adaptor.getScale().getType(), adaptor.getBias().getType(),
                   adaptor.getMean().getType(),
                   adaptor.getVariance().getType()};
  return push(inferBatchNormType(loc, adaptor.getInput().getType(), params),
              types);
}

LogicalResult DenseOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  Type bias = adaptor.getBias() ? adaptor.getBias().getType() : Type();
  return push(inferDenseType(loc, adaptor.getA().getType(),
                             adaptor.getB().getType(), bias,
                             adaptor.getTransposeA(), adaptor.getTransposeB()),
              types);
}

LogicalResult SoftmaxOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return push(inferSoftmaxType(loc, adaptor.getInput().getType(),
                               adaptor.getAxis()),
              types);
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  return push(inferConcatType(loc, adaptor.getInputs().getTypes(),
                              adaptor.getAxis()),
              types);
}

LogicalResult FlattenOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return push(inferFlattenType(loc, adaptor.getInput().getType(),
                               adaptor.getAxis()),
              types);
}

LogicalResult ReshapeOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  return push(inferReshapeType(loc, adaptor.getInput().getType(),
                               adaptor.getShape()),
              types);
}

LogicalResult PadOp::inferReturnTypes(MLIRContext *, OptLoc loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &types) {
  return push(inferPadType(loc, adaptor.getInput().getType(),
                           adaptor.getPads(), adaptor.getMode()),
              types);
}

#define GET_OP_CLASSES
#include "cnnc/Dialect/CNN/IR/CNNOps.cpp.inc"
