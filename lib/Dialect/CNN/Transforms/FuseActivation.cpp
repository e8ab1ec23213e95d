//===- FuseActivation.cpp - the cnn-fuse-activation pass ------------------===//

#include "cnnc/Dialect/CNN/Transforms/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::cnn {
#define GEN_PASS_DEF_CNNFUSEACTIVATIONPASS
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"
} // namespace mlir::cnn

using namespace mlir;
using namespace mlir::cnn;

namespace {
struct Activation {
  StringRef kind;
  SmallVector<float> params;
};
} // namespace

/// The fusable activation `op` computes, if it is one.
static std::optional<Activation> activationOf(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::optional<Activation>>(op)
      .Case([](ReluOp) { return Activation{"relu", {}}; })
      .Case([](SigmoidOp) { return Activation{"sigmoid", {}}; })
      .Case([](TanhOp) { return Activation{"tanh", {}}; })
      .Case([](SiluOp) { return Activation{"silu", {}}; })
      .Case([](HardSwishOp) { return Activation{"hard_swish", {}}; })
      .Case([](ClipOp c) {
        return Activation{"clip", {c.getMin().convertToFloat(),
                                   c.getMax().convertToFloat()}};
      })
      .Case([](LeakyReluOp c) {
        return Activation{"leaky_relu", {c.getAlpha().convertToFloat()}};
      })
      .Case([](HardSigmoidOp c) {
        return Activation{"hard_sigmoid", {c.getAlpha().convertToFloat(),
                                           c.getBeta().convertToFloat()}};
      })
      .Default([](Operation *) { return std::nullopt; });
}

FailureOr<Conv2DOp> mlir::cnn::fuseActivation(RewriterBase &rewriter,
                                              Operation *op) {
  std::optional<Activation> act = activationOf(op);
  if (!act)
    return rewriter.notifyMatchFailure(op, "not a fusable activation");
  auto conv = op->getOperand(0).getDefiningOp<Conv2DOp>();
  if (!conv)
    return rewriter.notifyMatchFailure(op, "input is not a convolution");
  if (!conv->hasOneUse())
    return rewriter.notifyMatchFailure(op, "the convolution has other users");
  if (conv.getActivation())
    return rewriter.notifyMatchFailure(op, "the convolution has an activation");
  rewriter.modifyOpInPlace(conv, [&] {
    conv.setActivationAttr(rewriter.getStringAttr(act->kind));
    if (!act->params.empty())
      conv.setActivationParamsAttr(
          rewriter.getDenseF32ArrayAttr(act->params));
  });
  rewriter.replaceOp(op, conv.getResult());
  return conv;
}

FailureOr<Conv2DOp> mlir::cnn::fuseResidualAdd(RewriterBase &rewriter,
                                               AddOp add) {
  // Either operand may be the convolution; the other is the skip tensor,
  // which must have the result's type (no broadcasting in the epilogue).
  for (unsigned i = 0; i < 2; ++i) {
    auto conv = add->getOperand(i).getDefiningOp<Conv2DOp>();
    Value skip = add->getOperand(1 - i);
    if (!conv || !conv->hasOneUse() || conv.getResidual() ||
        conv.getActivation() || skip.getType() != add.getType() ||
        conv.getType() != add.getType())
      continue;
    // The skip may be defined after the convolution: rebuild it at the add.
    rewriter.setInsertionPoint(add);
    auto fused = Conv2DOp::create(
        rewriter, conv.getLoc(), conv.getType(), conv.getInput(),
        conv.getWeight(), conv.getBias(), skip, conv.getStridesAttr(),
        conv.getPadsAttr(), conv.getDilationsAttr(), conv.getGroupAttr(),
        StringAttr(), DenseF32ArrayAttr());
    rewriter.replaceOp(add, fused.getResult());
    rewriter.eraseOp(conv);
    return fused;
  }
  return rewriter.notifyMatchFailure(
      add, "no operand is a single-use convolution without epilogue whose "
           "type matches the other operand");
}

namespace {
struct FuseResidualAddPattern : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp add,
                                PatternRewriter &rewriter) const override {
    return fuseResidualAdd(rewriter, add);
  }
};

/// mul(x, sigmoid(x)), either order, as exported by frameworks that have no
/// SiLU/Swish op, becomes cnn.silu(x): one activation the convolution
/// epilogue can take, instead of two elementwise passes.
struct SiluFromMulPattern : OpRewritePattern<MulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MulOp mul,
                                PatternRewriter &rewriter) const override {
    for (unsigned i = 0; i < 2; ++i) {
      Value x = mul->getOperand(i);
      auto sigmoid = mul->getOperand(1 - i).getDefiningOp<SigmoidOp>();
      if (!sigmoid || sigmoid.getInput() != x || x.getType() != mul.getType())
        continue;
      rewriter.replaceOpWithNewOp<SiluOp>(mul, x);
      return success();
    }
    return rewriter.notifyMatchFailure(mul, "not x * sigmoid(x)");
  }
};

template <typename OpTy>
struct FuseActivationPattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    return fuseActivation(rewriter, op);
  }
};

struct CNNFuseActivationPass
    : public cnn::impl::CNNFuseActivationPassBase<CNNFuseActivationPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseActivationPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::cnn::populateFuseActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseResidualAddPattern, SiluFromMulPattern,
               FuseActivationPattern<ReluOp>,
               FuseActivationPattern<SigmoidOp>, FuseActivationPattern<TanhOp>,
               FuseActivationPattern<SiluOp>,
               FuseActivationPattern<HardSwishOp>,
               FuseActivationPattern<ClipOp>,
               FuseActivationPattern<LeakyReluOp>,
               FuseActivationPattern<HardSigmoidOp>>(patterns.getContext());
}
