//===- ConstantUtils.cpp - reading and writing constant weights -----------===//

#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::cnn;

FailureOr<SmallVector<float>> mlir::cnn::getConstantFloats(Value value) {
  auto cst = value.getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return failure();
  auto type = dyn_cast<RankedTensorType>(cst.getType());
  if (!type || !type.getElementType().isF32() || !type.hasStaticShape())
    return failure();
  if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue())) {
    auto values = dense.getValues<float>();
    return SmallVector<float>(values.begin(), values.end());
  }
  if (auto res = dyn_cast<DenseResourceElementsAttr>(cst.getValue())) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return failure();
    ArrayRef<float> data = blob->getDataAs<float>();
    if ((int64_t)data.size() != type.getNumElements())
      return failure();
    return SmallVector<float>(data.begin(), data.end());
  }
  return failure();
}

Value mlir::cnn::createWeightConstant(OpBuilder &b, Location loc,
                                      RankedTensorType type,
                                      ArrayRef<float> values, StringRef name) {
  bool splat = llvm::all_equal(values);
  TypedAttr attr;
  if (splat)
    attr = DenseElementsAttr::get(type, values.front());
  else
    attr = DenseResourceElementsAttr::get(
        type, name, HeapAsmResourceBlob::allocateAndCopyInferAlign(values));
  return arith::ConstantOp::create(b, loc, attr);
}

std::string mlir::cnn::weightName(Location loc, StringRef suffix) {
  if (auto nameLoc = dyn_cast<NameLoc>(loc))
    return (nameLoc.getName().getValue() + "." + suffix).str();
  return ("weights." + suffix).str();
}
