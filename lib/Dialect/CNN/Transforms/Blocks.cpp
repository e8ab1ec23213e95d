//===- Blocks.cpp - cnn-recognize-blocks and cnn-inline-blocks ------------===//

#include "cnnc/Dialect/CNN/Transforms/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::cnn {
#define GEN_PASS_DEF_CNNINLINEBLOCKSPASS
#define GEN_PASS_DEF_CNNRECOGNIZEBLOCKSPASS
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"
} // namespace mlir::cnn

using namespace mlir;
using namespace mlir::cnn;

/// Ops a block never takes in: weights and other constants stay outside.
static bool isWeight(Operation *op) {
  return op->getNumOperands() == 0 && op->hasTrait<OpTrait::ConstantLike>();
}

/// The tensor operands of `op` that are computed (not weights).
static SmallVector<Value> dataOperands(Operation *op) {
  SmallVector<Value> values;
  for (Value v : op->getOperands()) {
    Operation *def = v.getDefiningOp();
    if (def && isWeight(def))
      continue;
    if (isa<RankedTensorType>(v.getType()))
      values.push_back(v);
  }
  return values;
}

/// Unary cnn activations that may follow a residual addition.
static bool isActivation(Operation *op) {
  return isa<ReluOp, ClipOp, LeakyReluOp, SigmoidOp, TanhOp, SiluOp,
             HardSwishOp, HardSigmoidOp>(op);
}

/// Largest number of ops one block may hold; bounds the search.
static constexpr unsigned kMaxBlockOps = 400;

namespace {
/// The ops of a candidate block that compute its roots from its input.
using Slice = llvm::SetVector<Operation *>;

struct CNNRecognizeBlocksPass
    : public cnn::impl::CNNRecognizeBlocksPassBase<CNNRecognizeBlocksPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getBody().empty())
      return;
    SmallVector<Operation *> ops;
    for (Operation &op : func.getBody().front())
      ops.push_back(&op);
    llvm::SmallPtrSet<Operation *, 16> taken;
    for (Operation *op : llvm::reverse(ops)) {
      if (taken.contains(op))
        continue;
      SmallVector<Operation *> roots;
      bool inception = false;
      if (auto concat = dyn_cast<ConcatOp>(op)) {
        if (concat.getAxis() != 1 || concat.getInputs().size() < 2)
          continue;
        roots = {op};
        inception = true;
      } else if (auto conv = dyn_cast<Conv2DOp>(op)) {
        if (!conv.getResidual())
          continue;
        roots = {op};
      } else if (isActivation(op)) {
        auto add = op->getOperand(0).getDefiningOp<AddOp>();
        if (!add || !add->hasOneUse() || !isResidualAdd(add))
          continue;
        roots = {add, op};
      } else if (auto add = dyn_cast<AddOp>(op)) {
        if (!isResidualAdd(add))
          continue;
        roots = {op};
      } else {
        continue;
      }
      std::optional<std::pair<Value, Slice>> found = findInput(roots);
      if (!found)
        continue;
      Operation *block =
          build(roots, found->first, found->second, inception);
      block->walk([&](Operation *inner) { taken.insert(inner); });
      if (inception)
        ++numInception;
      else
        ++numResidual;
    }
  }

  static bool isResidualAdd(AddOp add) {
    return add.getLhs().getType() == add.getType() &&
           add.getRhs().getType() == add.getType();
  }

  /// The ops computing the data operands of `roots` back to `input`, or
  /// none when some path reaches another function argument, the block
  /// grows too large, or a value computed inside is used outside.
  static std::optional<Slice> sliceTo(ArrayRef<Operation *> roots,
                                      Value input) {
    Slice slice;
    SmallVector<Value> work;
    llvm::SmallPtrSet<Operation *, 4> rootSet(roots.begin(), roots.end());
    for (Operation *root : roots)
      for (Value v : dataOperands(root))
        work.push_back(v);
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (v == input)
        continue;
      Operation *def = v.getDefiningOp();
      if (!def || (def->getNumRegions() != 0 && !isa<InceptionOp, ResidualOp>(def)))
        return std::nullopt; // another argument, or something opaque
      if (rootSet.contains(def) || slice.contains(def))
        continue;
      if (slice.size() >= kMaxBlockOps)
        return std::nullopt;
      slice.insert(def);
      for (Value operand : dataOperands(def))
        work.push_back(operand);
    }
    if (slice.empty() && roots.size() == 1 && !isa<ConcatOp>(roots[0]))
      return std::nullopt;
    // Closed: nothing computed inside is needed outside.
    for (Operation *op : slice)
      for (Operation *user : op->getUsers())
        if (!slice.contains(user) && !rootSet.contains(user))
          return std::nullopt;
    for (Operation *root : roots.drop_back())
      for (Operation *user : root->getUsers())
        if (!rootSet.contains(user))
          return std::nullopt;
    return slice;
  }

  /// The nearest input X of a block ending at `roots`: the data operands
  /// themselves first (an identity skip), then values up the chain of
  /// first data operands.
  static std::optional<std::pair<Value, Slice>>
  findInput(ArrayRef<Operation *> roots) {
    SmallVector<Value> operands = dataOperands(roots.front());
    SmallVector<Value> candidates(operands.begin(), operands.end());
    if (!operands.empty()) {
      Value v = operands.front();
      for (unsigned steps = 0; steps < 64; ++steps) {
        Operation *def = v.getDefiningOp();
        if (!def)
          break;
        SmallVector<Value> in = dataOperands(def);
        if (in.empty())
          break;
        v = in.front();
        candidates.push_back(v);
      }
    }
    for (Value x : candidates) {
      // An inception branch may be the input itself, but not all of them.
      if (isa<ConcatOp>(roots.front()) &&
          llvm::all_of(operands, [&](Value v) { return v == x; }))
        continue;
      if (std::optional<Slice> slice = sliceTo(roots, x))
        return std::make_pair(x, std::move(*slice));
    }
    return std::nullopt;
  }

  /// Moves the slice and the roots into a new block op taking `input`.
  static Operation *build(ArrayRef<Operation *> roots, Value input,
                          Slice &slice, bool inception) {
    Operation *last = roots.back();
    OpBuilder b(last);
    Location loc = last->getLoc();
    Type resultType = last->getResult(0).getType();
    Operation *block;
    Region *body;
    if (inception) {
      auto op = InceptionOp::create(b, loc, resultType, input);
      body = &op.getBody();
      block = op;
    } else {
      // A projection skip computes something from the input besides the
      // body; an identity skip hands the input itself to the addition.
      bool identity = false;
      for (Operation *root : roots)
        for (Value v : root->getOperands())
          if (v == input && (isa<AddOp>(root) ||
                             cast<Conv2DOp>(root).getResidual() == v))
            identity = true;
      auto op = ResidualOp::create(b, loc, resultType, input,
                                   identity ? "identity" : "projection");
      body = &op.getBody();
      block = op;
    }
    Block *entry = new Block();
    body->push_back(entry);
    BlockArgument arg = entry->addArgument(input.getType(), input.getLoc());
    // Keep program order: slice ops in the order they appear, then roots.
    SmallVector<Operation *> moved(slice.begin(), slice.end());
    llvm::sort(moved, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    llvm::append_range(moved, roots);
    last->getResult(0).replaceAllUsesWith(block->getResult(0));
    for (Operation *op : moved)
      op->moveBefore(entry, entry->end());
    input.replaceUsesWithIf(arg, [&](OpOperand &use) {
      return use.getOwner()->getBlock() == entry;
    });
    b.setInsertionPointToEnd(entry);
    YieldOp::create(b, loc, last->getResult(0));
    return block;
  }
};

struct CNNInlineBlocksPass
    : public cnn::impl::CNNInlineBlocksPassBase<CNNInlineBlocksPass> {
  void runOnOperation() override { inlineBlocks(getOperation()); }
};
} // namespace

void mlir::cnn::inlineBlocks(Operation *root) {
  SmallVector<Operation *> blocks;
  root->walk<WalkOrder::PostOrder>([&](Operation *op) {
    if (isa<InceptionOp, ResidualOp>(op))
      blocks.push_back(op);
  });
  IRRewriter rewriter(root->getContext());
  // Inner blocks first (post-order): each then inlines into plain ops.
  for (Operation *op : blocks) {
    Block &body = op->getRegion(0).front();
    Value yielded = cast<YieldOp>(body.getTerminator()).getValue();
    rewriter.eraseOp(body.getTerminator());
    rewriter.inlineBlockBefore(&body, op, op->getOperand(0));
    rewriter.replaceOp(op, yielded);
  }
}
