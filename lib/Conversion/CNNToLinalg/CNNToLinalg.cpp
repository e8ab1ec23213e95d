//===- CNNToLinalg.cpp - the convert-cnn-to-linalg pass -------------------===//
//
// The pass and the helpers shared by the op-family lowerings in this folder.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"
#include "cnnc/Conversion/Passes.h"
#include "cnnc/Dialect/CNN/IR/CNNOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_CONVERTCNNTOLINALGPASS
#include "cnnc/Conversion/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::lowering;

Value lowering::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value lowering::f32Const(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(value));
}

Value lowering::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                           double value) {
  Value init = emptyTensor(b, loc, type);
  return linalg::FillOp::create(b, loc, f32Const(b, loc, value), init)
      .getResult(0);
}

AffineMap lowering::broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operand,
                               ArrayRef<int64_t> result) {
  size_t lead = result.size() - operand.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(operand)) {
    if (d == 1 && result[lead + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(lead + i, ctx));
  }
  return AffineMap::get(result.size(), 0, exprs, ctx);
}

AffineMap lowering::axisMap(MLIRContext *ctx, int64_t rank, int64_t axis) {
  return AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx), ctx);
}

Value lowering::elementwise(OpBuilder &b, Location loc,
                          RankedTensorType resultType, ValueRange inputs,
                          BodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(
        b.getContext(), cast<RankedTensorType>(in.getType()).getShape(),
        resultType.getShape()));
  return mappedElementwise(b, loc, resultType, inputs, maps, body);
}

Value lowering::mappedElementwise(OpBuilder &b, Location loc,
                                RankedTensorType resultType, ValueRange inputs,
                                ArrayRef<AffineMap> inputMaps, BodyFn body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  SmallVector<utils::IteratorType> iters(resultType.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultType, inputs, emptyTensor(b, loc, resultType), maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, v);
      });
  return generic.getResult(0);
}

Value lowering::padSpatial(OpBuilder &b, Location loc, Value input,
                           ArrayRef<int64_t> pads, double value,
                           unsigned hDim) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[hDim] += pads[0] + pads[2];
  shape[hDim + 1] += pads[1] + pads[3];
  auto padType = RankedTensorType::get(shape, type.getElementType());
  SmallVector<OpFoldResult> low(4, b.getIndexAttr(0)), high(4, b.getIndexAttr(0));
  low[hDim] = b.getIndexAttr(pads[0]);
  low[hDim + 1] = b.getIndexAttr(pads[1]);
  high[hDim] = b.getIndexAttr(pads[2]);
  high[hDim + 1] = b.getIndexAttr(pads[3]);
  return tensor::PadOp::create(b, loc, padType, input, low, high,
                               f32Const(b, loc, value));
}

Value lowering::permute(OpBuilder &b, Location loc, Value v,
                        ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs(perm.size());
  for (auto [i, p] : llvm::enumerate(perm)) {
    shape.push_back(type.getDimSize(p));
    exprs[p] = b.getAffineDimExpr(i);
  }
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  AffineMap map = AffineMap::get(perm.size(), 0, exprs, b.getContext());
  return mappedElementwise(b, loc, resultType, v, map,
                           [](OpBuilder &, Location, ValueRange a) {
                             return a[0];
                           });
}

Value lowering::nhwcSource(Value v) {
  auto generic = v.getDefiningOp<linalg::GenericOp>();
  if (!generic || !generic->hasAttr(kToNCHWAttr))
    return {};
  return generic.getDpsInputs()[0];
}

Value lowering::toNHWC(OpBuilder &b, Location loc, Value nchw) {
  if (Value source = nhwcSource(nchw))
    return source;
  return permute(b, loc, nchw, kNHWCFromNCHW);
}

Value lowering::fromNHWC(OpBuilder &b, Location loc, Value nhwc) {
  Value nchw = permute(b, loc, nhwc, kNCHWFromNHWC);
  nchw.getDefiningOp()->setAttr(kToNCHWAttr, b.getUnitAttr());
  return nchw;
}

RankedTensorType lowering::nhwcType(RankedTensorType nchw) {
  SmallVector<int64_t> shape;
  for (int64_t d : kNHWCFromNCHW)
    shape.push_back(nchw.getDimSize(d));
  return RankedTensorType::get(shape, nchw.getElementType());
}

AffineMap lowering::broadcastMapInNHWC(MLIRContext *ctx,
                                       ArrayRef<int64_t> operand,
                                       ArrayRef<int64_t> result) {
  AffineMap nchw = broadcastMap(ctx, operand, result);
  SmallVector<AffineExpr> coords;
  for (int64_t d : kNCHWFromNHWC)
    coords.push_back(getAffineDimExpr(d, ctx));
  return nchw.compose(AffineMap::get(4, 0, coords, ctx));
}

Value lowering::reshapeTensor(OpBuilder &b, Location loc, Value input,
                            RankedTensorType resultType) {
  auto type = cast<RankedTensorType>(input.getType());
  if (type == resultType)
    return input;
  Value flat = input;
  auto flatType =
      RankedTensorType::get({type.getNumElements()}, type.getElementType());
  // Rank 0 <-> rank 1 takes an empty reassociation, the other way round.
  if (type.getRank() == 0)
    flat = tensor::ExpandShapeOp::create(b, loc, flatType, input,
                                         ArrayRef<ReassociationIndices>{});
  else if (type.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < type.getRank(); ++i)
      all[0].push_back(i);
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, input, all);
  }
  if (resultType.getRank() == 1)
    return flat;
  if (resultType.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, resultType, flat,
                                           ArrayRef<ReassociationIndices>{});
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < resultType.getRank(); ++i)
    all[0].push_back(i);
  return tensor::ExpandShapeOp::create(b, loc, resultType, flat, all);
}

DenseIntElementsAttr lowering::i64ElementsAttr(OpBuilder &b,
                                             ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get({(int64_t)values.size()}, b.getI64Type());
  return DenseIntElementsAttr::get(type, values);
}

void mlir::cnnc::populateCNNToLinalgConversionPatterns(
    RewritePatternSet &patterns, bool nhwc) {
  populateConvPoolLoweringPatterns(patterns, nhwc);
  populateElementwiseLoweringPatterns(patterns, nhwc);
  populateShapeLoweringPatterns(patterns, nhwc);
}

namespace {
struct ConvertCNNToLinalgPass
    : public cnnc::impl::ConvertCNNToLinalgPassBase<ConvertCNNToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    if (layout != "nhwc" && layout != "nchw") {
      getOperation().emitError("layout must be nhwc or nchw, got '")
          << layout << "'";
      return signalPassFailure();
    }
    ConversionTarget target(getContext());
    target.addIllegalDialect<cnn::CNNDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect>();
    RewritePatternSet patterns(&getContext());
    populateCNNToLinalgConversionPatterns(patterns, layout == "nhwc");
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      return signalPassFailure();
    // Permutes whose consumers all read through them are dead now; the tag
    // has done its job on the ones that stay.
    SmallVector<linalg::GenericOp> permutes;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op->hasAttr(kToNCHWAttr))
        permutes.push_back(op);
    });
    for (linalg::GenericOp op : llvm::reverse(permutes)) {
      if (op->use_empty())
        op->erase();
      else
        op->removeAttr(kToNCHWAttr);
    }
  }
};
} // namespace
