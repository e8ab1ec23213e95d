//===- FoldBatchNorm.cpp - the cnn-fold-batchnorm pass --------------------===//

#include "cnnc/Dialect/CNN/Transforms/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::cnn {
#define GEN_PASS_DEF_CNNFOLDBATCHNORMPASS
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"
} // namespace mlir::cnn

using namespace mlir;
using namespace mlir::cnn;

/// A name for folded weights that still says which layer they belong to.
static std::string foldedName(Operation *conv, StringRef what) {
  if (auto name = dyn_cast<NameLoc>(conv->getLoc()))
    return (name.getName().getValue() + "." + what).str();
  return ("folded." + what).str();
}

FailureOr<Conv2DOp> mlir::cnn::foldBatchNormIntoConv(RewriterBase &rewriter,
                                                     BatchNormOp bn) {
  auto conv = bn.getInput().getDefiningOp<Conv2DOp>();
  if (!conv)
    return rewriter.notifyMatchFailure(bn, "input is not a convolution");
  if (!conv->hasOneUse())
    return rewriter.notifyMatchFailure(bn, "the convolution has other users");
  if (conv.getResidual() || conv.getActivation())
    return rewriter.notifyMatchFailure(bn, "the convolution has an epilogue");
  auto weights = getConstantFloats(conv.getWeight());
  auto scale = getConstantFloats(bn.getScale());
  auto shift = getConstantFloats(bn.getBias());
  auto mean = getConstantFloats(bn.getMean());
  auto var = getConstantFloats(bn.getVariance());
  if (failed(weights) || failed(scale) || failed(shift) || failed(mean) ||
      failed(var))
    return rewriter.notifyMatchFailure(
        bn, "weights or statistics are not constants");
  SmallVector<float> bias;
  if (conv.getBias()) {
    auto b = getConstantFloats(conv.getBias());
    if (failed(b))
      return rewriter.notifyMatchFailure(bn, "conv bias is not a constant");
    bias = std::move(*b);
  }

  auto wType = cast<RankedTensorType>(conv.getWeight().getType());
  int64_t f = wType.getDimSize(0);
  int64_t perFilter = wType.getNumElements() / f;
  double eps = bn.getEpsilon().convertToDouble();
  SmallVector<float> newWeights(weights->size()), newBias(f);
  for (int64_t o = 0; o < f; ++o) {
    double s = double((*scale)[o]) / std::sqrt(double((*var)[o]) + eps);
    double b = bias.empty() ? 0.0 : double(bias[o]);
    newBias[o] = float((b - double((*mean)[o])) * s + double((*shift)[o]));
    for (int64_t i = 0; i < perFilter; ++i)
      newWeights[o * perFilter + i] =
          float(double((*weights)[o * perFilter + i]) * s);
  }

  rewriter.setInsertionPoint(conv);
  Value w = createWeightConstant(rewriter, conv.getLoc(), wType, newWeights,
                                 foldedName(conv, "weight"));
  Value b = createWeightConstant(
      rewriter, conv.getLoc(), RankedTensorType::get({f}, wType.getElementType()),
      newBias, foldedName(conv, "bias"));
  auto folded = Conv2DOp::create(
      rewriter, conv.getLoc(), conv.getType(), conv.getInput(), w, b,
      conv.getStridesAttr(), conv.getPadsAttr(), conv.getDilationsAttr(),
      conv.getGroupAttr());
  rewriter.replaceOp(bn, folded.getResult());
  rewriter.eraseOp(conv);
  return folded;
}

namespace {
struct FoldBatchNormPattern : OpRewritePattern<BatchNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(BatchNormOp bn,
                                PatternRewriter &rewriter) const override {
    return foldBatchNormIntoConv(rewriter, bn);
  }
};

struct CNNFoldBatchNormPass
    : public cnn::impl::CNNFoldBatchNormPassBase<CNNFoldBatchNormPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFoldBatchNormPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::cnn::populateFoldBatchNormPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldBatchNormPattern>(patterns.getContext());
}
