//===- PlanActivations.cpp - the cnnc-cpu-plan-activations pass -----------===//
//
// After bufferization, the network function allocates every activation and
// frees them all at its end: one malloc per activation per run, and a peak
// equal to the sum of all activations. This pass gives each statically
// shaped allocation of the function's body an offset in one arena, chosen
// from the buffers' live ranges (first definition to last use, through
// views), so that buffers whose lives do not overlap share memory.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Codegen/CPU/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_CPUPLANACTIVATIONSPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

namespace {

constexpr int64_t kAlignment = 64;

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes = 0;
  int64_t start = 0, end = 0; // positions of ops in the body, inclusive
  int64_t offset = -1;
  SmallVector<memref::DeallocOp> deallocs;
};

/// Bytes of a statically shaped memref with an identity layout, or -1.
int64_t staticBytes(MemRefType type) {
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace())
    return -1;
  Type element = type.getElementType();
  if (!element.isIntOrFloat())
    return -1;
  int64_t bits = element.getIntOrFloatBitWidth();
  if (bits % 8)
    return -1;
  return type.getNumElements() * (bits / 8);
}

struct CPUPlanActivationsPass
    : public cnnc::impl::CPUPlanActivationsPassBase<CPUPlanActivationsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if ((func.isPublic() || func->hasAttr(cnn::kNetworkAttrName)) &&
          !func.isExternal() &&
          func.getBody().hasOneBlock())
        plan(func);
  }

  /// The live range of `b.alloc` in `body`, following views; false when
  /// the buffer escapes (returned, or used by an op the analysis does not
  /// know to leave it alone).
  static bool liveRange(Block &body, DenseMap<Operation *, int64_t> &position,
                        Buffer &b) {
    b.start = b.end = position.lookup(b.alloc);
    SmallVector<Value> worklist = {b.alloc.getResult()};
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      for (OpOperand &use : v.getUses()) {
        Operation *user = use.getOwner();
        if (auto dealloc = dyn_cast<memref::DeallocOp>(user)) {
          if (v != b.alloc.getResult())
            return false;
          b.deallocs.push_back(dealloc);
          continue;
        }
        if (isa<func::ReturnOp>(user))
          return false;
        Operation *top = body.findAncestorOpInBlock(*user);
        if (!top)
          return false;
        b.end = std::max(b.end, position.lookup(top));
        if (auto view = dyn_cast<ViewLikeOpInterface>(user))
          if (view.getViewSource() == v)
            for (Value r : user->getResults())
              worklist.push_back(r);
      }
    }
    return true;
  }

  void plan(func::FuncOp func) {
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> position;
    int64_t n = 0;
    for (Operation &op : body)
      position[&op] = n++;
    SmallVector<Buffer> buffers;
    int64_t total = 0;
    for (auto alloc : body.getOps<memref::AllocOp>()) {
      int64_t bytes = staticBytes(alloc.getType());
      if (bytes <= 0)
        continue;
      Buffer b;
      b.alloc = alloc;
      b.bytes = llvm::alignTo(bytes, kAlignment);
      if (!liveRange(body, position, b))
        continue;
      total += bytes;
      buffers.push_back(b);
    }
    if (buffers.empty())
      return;
    // Largest first, each at the lowest offset clear of every placed buffer
    // whose live range overlaps its own.
    SmallVector<Buffer *> order;
    for (Buffer &b : buffers)
      order.push_back(&b);
    llvm::stable_sort(order, [](Buffer *a, Buffer *b) {
      return a->bytes > b->bytes;
    });
    int64_t arenaBytes = 0;
    SmallVector<Buffer *> placed;
    for (Buffer *b : order) {
      SmallVector<std::pair<int64_t, int64_t>> taken;
      for (Buffer *p : placed)
        if (p->start <= b->end && b->start <= p->end)
          taken.push_back({p->offset, p->offset + p->bytes});
      llvm::sort(taken);
      int64_t offset = 0;
      for (auto [lo, hi] : taken) {
        if (offset + b->bytes <= lo)
          break;
        offset = std::max(offset, hi);
      }
      b->offset = offset;
      arenaBytes = std::max(arenaBytes, offset + b->bytes);
      placed.push_back(b);
    }

    OpBuilder builder(&body, body.begin());
    Location loc = func.getLoc();
    auto arenaType = MemRefType::get({arenaBytes}, builder.getI8Type());
    Value arena = memref::AllocOp::create(builder, loc, arenaType,
                                          builder.getI64IntegerAttr(kAlignment));
    for (Buffer &b : buffers) {
      builder.setInsertionPoint(b.alloc);
      Value offset =
          arith::ConstantIndexOp::create(builder, b.alloc.getLoc(), b.offset);
      Value view = memref::ViewOp::create(builder, b.alloc.getLoc(),
                                          b.alloc.getType(), arena, offset,
                                          ValueRange{});
      b.alloc.getResult().replaceAllUsesWith(view);
      for (memref::DeallocOp d : b.deallocs)
        d.erase();
      b.alloc.erase();
    }
    builder.setInsertionPoint(body.getTerminator());
    memref::DeallocOp::create(builder, loc, arena);
    // On the module: it outlives the function's conversion to LLVM. A
    // batched network has two planned functions (cnn-split-batch's
    // per-image trunk, `cnnc.network`, and the public one): their sums, and
    // the trunk's arena on its own (one is live per image in flight).
    auto previous =
        getOperation()->getAttrOfType<DictionaryAttr>("cnnc.activation_bytes");
    auto prior = [&](StringRef key) -> int64_t {
      auto v = previous ? previous.getAs<IntegerAttr>(key) : IntegerAttr();
      return v ? v.getInt() : 0;
    };
    int64_t imageArena = prior("image_arena");
    if (func->hasAttr(cnn::kNetworkAttrName))
      imageArena += arenaBytes;
    SmallVector<NamedAttribute> entries = {
        builder.getNamedAttr(
            "arena", builder.getI64IntegerAttr(prior("arena") + arenaBytes)),
        builder.getNamedAttr(
            "total", builder.getI64IntegerAttr(prior("total") + total)),
        builder.getNamedAttr("buffers",
                             builder.getI64IntegerAttr(
                                 prior("buffers") + int64_t(buffers.size())))};
    if (imageArena)
      entries.push_back(builder.getNamedAttr(
          "image_arena", builder.getI64IntegerAttr(imageArena)));
    getOperation()->setAttr("cnnc.activation_bytes",
                            builder.getDictionaryAttr(entries));
  }
};
} // namespace
