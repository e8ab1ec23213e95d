//===- Shape.cpp - lowering of concat, flatten, reshape and pad -----------===//

#include "LoweringUtils.h"
#include "cnnc/Dialect/CNN/IR/CNNOps.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::lowering;

namespace {
/// Concats of more inputs lower to one tensor.concat (see ConcatLowering).
constexpr size_t kMaxConcatChain = 64;


/// Concat of 4-D tensors runs in NHWC when one of its inputs is there.
struct ConcatLowering : OpConversionPattern<cnn::ConcatOp> {
  ConcatLowering(MLIRContext *ctx, bool nhwc)
      : OpConversionPattern(ctx), nhwc(nhwc) {}
  bool nhwc;
  LogicalResult
  matchAndRewrite(cnn::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    SmallVector<Value> inputs(adaptor.getInputs());
    bool useNHWC = nhwc && type.getRank() == 4 &&
                   llvm::any_of(inputs, [](Value v) { return nhwcSource(v); });
    if (useNHWC) {
      for (Value &in : inputs)
        in = toNHWC(rw, loc, in);
      type = nhwcType(type);
      axis = kNCHWFromNHWC[axis];
    }
    // A chain of insert_slices lets cnnc-concat-in-place have producers
    // write into their slices, but one-shot bufferization's analysis of a
    // chain grows with the cube of its length (150 inputs: 8 s; 250: 100 s).
    // Past any real network's fan-in, one tensor.concat bufferizes in
    // linear time (an allocation and one copy per input).
    if (inputs.size() > kMaxConcatChain) {
      Value result = tensor::ConcatOp::create(rw, loc, type, axis, inputs);
      rw.replaceOp(op, useNHWC ? fromNHWC(rw, loc, result) : result);
      return success();
    }
    Value result = emptyTensor(rw, loc, type);
    int64_t offset = 0;
    for (Value in : inputs) {
      auto inType = cast<RankedTensorType>(in.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), rw.getIndexAttr(0));
      offsets[axis] = rw.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes, strides(type.getRank(),
                                               rw.getIndexAttr(1));
      for (int64_t d : inType.getShape())
        sizes.push_back(rw.getIndexAttr(d));
      result = tensor::InsertSliceOp::create(rw, loc, in, result, offsets,
                                             sizes, strides);
      offset += inType.getDimSize(axis);
    }
    rw.replaceOp(op, useNHWC ? fromNHWC(rw, loc, result) : result);
    return success();
  }
};

template <typename OpTy>
struct ReshapeLikeLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    rw.replaceOp(op, reshapeTensor(rw, op.getLoc(), adaptor.getInput(),
                                   cast<RankedTensorType>(op.getType())));
    return success();
  }
};

struct PadLowering : OpConversionPattern<cnn::PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(cnn::PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rw) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    auto inType = cast<RankedTensorType>(adaptor.getInput().getType());
    int64_t rank = type.getRank();
    ArrayRef<int64_t> pads = op.getPads();
    if (op.getMode() == "constant") {
      SmallVector<OpFoldResult> low, high;
      for (int64_t i = 0; i < rank; ++i) {
        low.push_back(rw.getIndexAttr(pads[i]));
        high.push_back(rw.getIndexAttr(pads[rank + i]));
      }
      rw.replaceOpWithNewOp<tensor::PadOp>(
          op, type, adaptor.getInput(), low, high,
          f32Const(rw, loc, op.getValue().convertToDouble()));
      return success();
    }
    // reflect / edge: every output element reads one input element whose
    // index is mirrored or clamped into range.
    bool reflect = op.getMode() == "reflect";
    Value input = adaptor.getInput();
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value y =
        linalg::GenericOp::create(
            rw, loc, TypeRange{type}, ValueRange{}, emptyTensor(rw, loc, type),
            ArrayRef<AffineMap>{rw.getMultiDimIdentityMap(rank)}, iters,
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> idx;
              for (int64_t i = 0; i < rank; ++i) {
                Value o = linalg::IndexOp::create(b, l, i);
                Value s = arith::SubIOp::create(
                    b, l, o, arith::ConstantIndexOp::create(b, l, pads[i]));
                Value zero = arith::ConstantIndexOp::create(b, l, 0);
                Value last = arith::ConstantIndexOp::create(
                    b, l, inType.getDimSize(i) - 1);
                if (reflect) {
                  // |s| then, past the end, 2*last - s.
                  Value neg = arith::SubIOp::create(b, l, zero, s);
                  Value a = arith::MaxSIOp::create(b, l, s, neg);
                  Value twice = arith::ConstantIndexOp::create(
                      b, l, 2 * (inType.getDimSize(i) - 1));
                  Value mirrored = arith::SubIOp::create(b, l, twice, a);
                  s = arith::MinSIOp::create(b, l, a, mirrored);
                } else {
                  s = arith::MaxSIOp::create(b, l, s, zero);
                  s = arith::MinSIOp::create(b, l, s, last);
                }
                idx.push_back(s);
              }
              Value v = tensor::ExtractOp::create(b, l, input, idx);
              linalg::YieldOp::create(b, l, v);
            })
            .getResult(0);
    rw.replaceOp(op, y);
    return success();
  }
};

} // namespace

void lowering::populateShapeLoweringPatterns(RewritePatternSet &patterns,
                                             bool nhwc) {
  patterns.add<ConcatLowering>(patterns.getContext(), nhwc);
  patterns.add<ReshapeLikeLowering<cnn::FlattenOp>,
               ReshapeLikeLowering<cnn::ReshapeOp>, PadLowering>(
      patterns.getContext());
}
