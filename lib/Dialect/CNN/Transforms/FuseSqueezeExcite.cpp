//===- FuseSqueezeExcite.cpp - the cnn-fuse-squeeze-excite pass -----------===//
//
// A squeeze-excite block ends in y = x * g, g of shape [1, C, 1, 1] (one
// gate per channel). When y feeds only convolutions, each can take x and
// weights scaled per input channel instead, W'[o, c, kh, kw] =
// W[o, c, kh, kw] * g[c]: conv(x * g, W) = conv(x, W * g) (the zero padding
// commutes with the scaling). That scales Cout*C*KH*KW weights instead of
// C*H*W activations, and the activation pass disappears.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Dialect/CNN/Transforms/Passes.h"

#include "llvm/Support/FormatVariadic.h"

namespace mlir::cnn {
#define GEN_PASS_DEF_CNNFUSESQUEEZEEXCITEPASS
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"
} // namespace mlir::cnn

using namespace mlir;
using namespace mlir::cnn;

namespace {
struct CNNFuseSqueezeExcitePass
    : public cnn::impl::CNNFuseSqueezeExcitePassBase<
          CNNFuseSqueezeExcitePass> {
  void runOnOperation() override {
    SmallVector<MulOp> muls;
    getOperation().walk([&](MulOp mul) { muls.push_back(mul); });
    for (MulOp mul : muls)
      fuse(mul);
  }

  /// x and the gate, when `mul` is x [1, C, H, W] * g [1, C, 1, 1] (either
  /// order) with H * W > 1.
  static std::optional<std::pair<Value, Value>> scaling(MulOp mul) {
    for (auto [x, g] : {std::pair(mul.getLhs(), mul.getRhs()),
                        std::pair(mul.getRhs(), mul.getLhs())}) {
      auto xt = cast<RankedTensorType>(x.getType());
      auto gt = cast<RankedTensorType>(g.getType());
      if (xt.getRank() != 4 || gt.getRank() != 4 || !xt.hasStaticShape() ||
          !gt.hasStaticShape() || xt != mul.getType())
        continue;
      if (xt.getDimSize(0) == 1 && gt.getDimSize(0) == 1 &&
          gt.getDimSize(1) == xt.getDimSize(1) && gt.getDimSize(2) == 1 &&
          gt.getDimSize(3) == 1 && xt.getDimSize(2) * xt.getDimSize(3) > 1)
        return std::pair(x, g);
    }
    return std::nullopt;
  }

  static void fuse(MulOp mul) {
    std::optional<std::pair<Value, Value>> xg = scaling(mul);
    if (!xg || mul->use_empty())
      return;
    auto [x, g] = *xg;
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t activations = xType.getNumElements();
    // Every user a convolution reading the product as its input, with
    // ungrouped static weights; the weights to scale must cost less than
    // the activations.
    SmallVector<Conv2DOp> convs;
    int64_t weights = 0;
    for (OpOperand &use : mul->getUses()) {
      auto conv = dyn_cast<Conv2DOp>(use.getOwner());
      if (!conv || use.getOperandNumber() != 0 || conv.getGroup() != 1)
        return;
      auto wType = cast<RankedTensorType>(conv.getWeight().getType());
      if (!wType.hasStaticShape())
        return;
      weights += wType.getNumElements();
      convs.push_back(conv);
    }
    if (weights >= activations)
      return;
    for (Conv2DOp conv : convs) {
      OpBuilder b(conv);
      Value w = conv.getWeight();
      Value scaled =
          MulOp::create(b, conv.getLoc(), w.getType(), w, g).getResult();
      conv.getInputMutable().assign(x);
      conv.getWeightMutable().assign(scaled);
    }
    mul->emitRemark() << llvm::formatv(
        "squeeze-excite scaling moved into the weights of {0} "
        "convolution{1}: {2} weights scaled instead of {3} activations",
        convs.size(), convs.size() == 1 ? "" : "s", weights, activations);
    mul.erase();
  }
};
} // namespace
