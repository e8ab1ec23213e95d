//===- PadInProducer.cpp - the cnnc-pad-in-producer pass ------------------===//
//
// A convolution's zero (or -inf) padding is a tensor.pad of its input: a
// new buffer, filled whole, then the input copied into its interior. When
// the input's producer is a linalg op whose result is used only by the pad,
// the producer can instead write straight into the interior of the padded
// buffer, and only the border needs filling.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Codegen/CPU/Passes.h"
#include "ProducerInit.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_PADINPRODUCERPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {

/// The producer of `pad`'s source when the rewrite applies to it: a linalg
/// op on tensors with one result, used only by `pad`, whose init is an
/// empty tensor or a fill of one with a constant.
linalg::LinalgOp rewritableProducer(tensor::PadOp pad) {
  Value source = pad.getSource();
  auto producer = source.getDefiningOp<linalg::LinalgOp>();
  if (!cnnc::hasFreshInit(producer) || !source.hasOneUse())
    return {};
  auto srcType = cast<RankedTensorType>(source.getType());
  if (!pad.getResultType().hasStaticShape() || !srcType.hasStaticShape() ||
      !pad.getLow().empty() || !pad.getHigh().empty() || pad.getNofold())
    return {};
  Value padValue = pad.getConstantPaddingValue();
  if (!padValue || !matchPattern(padValue, m_Constant()))
    return {};
  return producer;
}

struct PadInProducerPass
    : public cnnc::impl::PadInProducerPassBase<PadInProducerPass> {
  void runOnOperation() override {
    SmallVector<std::pair<tensor::PadOp, linalg::LinalgOp>> pads;
    getOperation().walk([&](tensor::PadOp pad) {
      if (linalg::LinalgOp producer = rewritableProducer(pad))
        pads.push_back({pad, producer});
    });
    for (auto [pad, producer] : pads)
      rewrite(pad, producer);
  }

  static void rewrite(tensor::PadOp pad, linalg::LinalgOp producer) {
    OpBuilder b(producer);
    Location loc = producer.getLoc();
    RankedTensorType padType = pad.getResultType();
    auto srcType = cast<RankedTensorType>(pad.getSource().getType());
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    int64_t rank = padType.getRank();
    // Constants are cloned so the new ops do not depend on where the pad's
    // padding value was defined.
    Operation *padConst = pad.getConstantPaddingValue().getDefiningOp();
    Value padValue = b.clone(*padConst)->getResult(0);
    auto slice = [&](ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes) {
      SmallVector<OpFoldResult> o, s, strides(rank, b.getIndexAttr(1));
      for (int64_t d = 0; d < rank; ++d) {
        o.push_back(b.getIndexAttr(offsets[d]));
        s.push_back(b.getIndexAttr(sizes[d]));
      }
      return std::make_tuple(o, s, strides);
    };
    Value buffer = tensor::EmptyOp::create(b, loc, padType.getShape(),
                                           padType.getElementType());
    // The border as one slab per padded side: along dimension d, the
    // dimensions before d take only their interior, those after d their
    // whole padded extent, so the slabs do not overlap.
    for (int64_t d = 0; d < rank; ++d)
      for (int side = 0; side < 2; ++side) {
        int64_t amount = side == 0 ? low[d] : high[d];
        if (amount == 0)
          continue;
        SmallVector<int64_t> offsets(rank, 0), sizes(padType.getShape());
        for (int64_t j = 0; j < d; ++j) {
          offsets[j] = low[j];
          sizes[j] = srcType.getDimSize(j);
        }
        offsets[d] = side == 0 ? 0 : low[d] + srcType.getDimSize(d);
        sizes[d] = amount;
        auto [o, s, st] = slice(offsets, sizes);
        auto slabType = RankedTensorType::get(sizes, padType.getElementType());
        Value slab = tensor::ExtractSliceOp::create(b, loc, slabType, buffer,
                                                    o, s, st);
        Value filled =
            linalg::FillOp::create(b, loc, padValue, slab).getResult(0);
        buffer = tensor::InsertSliceOp::create(b, loc, filled, buffer, o, s,
                                               st);
      }
    auto [o, s, st] = slice(low, srcType.getShape());
    Value interior =
        tensor::ExtractSliceOp::create(b, loc, srcType, buffer, o, s, st);
    cnnc::redirectInit(b, producer, interior);
    b.setInsertionPointAfter(producer);
    Value padded = tensor::InsertSliceOp::create(
        b, loc, producer->getResult(0), buffer, o, s, st);
    pad.getResult().replaceAllUsesWith(padded);
    pad.erase();
  }
};
} // namespace
