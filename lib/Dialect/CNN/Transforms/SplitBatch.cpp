//===- SplitBatch.cpp - the cnn-split-batch pass --------------------------===//
//
// A network run on a batch of N images computes each image's convolutional
// trunk independently. Run layer by layer over the whole batch, every layer
// streams N images' activations through the caches, so the next layer finds
// its input evicted (ResNet-50 at batch 8: 17% slower per image than at
// batch 1), and batch-dependent memory budgets (Winograd's) turn schedules
// off. This pass moves the per-image prefix of the network into a function
// of one image, called per image from an `scf.forall` over the batch (which
// runs images on different threads); the rest (dense layers, whose weights
// are better read once for the whole batch) keeps the batch.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Dialect/CNN/Transforms/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::cnn {
#define GEN_PASS_DEF_CNNSPLITBATCHPASS
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"
} // namespace mlir::cnn

using namespace mlir;
using namespace mlir::cnn;

namespace {

/// The per-image prefix of one function and what it needs.
struct Trunk {
  int64_t batch = 0;
  SmallVector<Operation *> ops;
  llvm::SetVector<Value> outputs; // trunk values used after it
  int64_t macsPerImage = 0;       // of its convolutions (0: it has none)
};

static bool isConstant(Value v) {
  Operation *def = v.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>();
}

static RankedTensorType withBatch(Type type, int64_t batch) {
  auto t = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(t.getShape());
  shape[0] = batch;
  return RankedTensorType::get(shape, t.getElementType(), t.getEncoding());
}

class TrunkFinder {
public:
  TrunkFinder(func::FuncOp func, int64_t batch)
      : func(func), entry(&func.getBody().front()) {
    trunk.batch = batch;
  }

  /// Collects the longest prefix of per-image ops of the function body.
  Trunk find() {
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (op.hasTrait<OpTrait::ConstantLike>())
        continue;
      if (!isPerImage(&op))
        break;
      trunk.ops.push_back(&op);
      inTrunk.insert(&op);
      if (auto conv = dyn_cast<Conv2DOp>(op)) {
        auto w = cast<RankedTensorType>(conv.getWeight().getType());
        auto out = cast<RankedTensorType>(conv.getType());
        trunk.macsPerImage += out.getNumElements() / trunk.batch *
                              w.getDimSize(1) * w.getDimSize(2) *
                              w.getDimSize(3);
      }
    }
    for (Operation *op : trunk.ops)
      for (Value r : op->getResults())
        if (llvm::any_of(r.getUsers(), [&](Operation *user) {
              return !inTrunk.contains(user);
            }))
          trunk.outputs.insert(r);
    return trunk;
  }

private:
  /// A value with one image per index of dim 0: a function argument or a
  /// result of the trunk so far.
  bool isActivation(Value v) const {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || type.getRank() < 1 || type.getDimSize(0) != trunk.batch)
      return false;
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner() == entry;
    return inTrunk.contains(v.getDefiningOp());
  }

  bool resultsHaveBatch(Operation *op) const {
    return llvm::all_of(op->getResultTypes(), [&](Type t) {
      auto type = dyn_cast<RankedTensorType>(t);
      return type && type.getRank() >= 1 &&
             type.getDimSize(0) == trunk.batch;
    });
  }

  /// `axis` of a rank-`rank` tensor, ONNX-style negative axes allowed, is
  /// not the batch dimension.
  static bool notBatchAxis(int64_t axis, int64_t rank) {
    return (axis < 0 ? axis + rank : axis) != 0;
  }

  /// Operand 0 is an activation and every other operand a constant.
  bool imageAndConstants(Operation *op) const {
    if (op->getNumOperands() == 0 || !isActivation(op->getOperand(0)))
      return false;
    return llvm::all_of(op->getOperands().drop_front(),
                        [](Value v) { return isConstant(v); });
  }

  bool isPerImage(Operation *op) const {
    if (op->getNumRegions() != 0 || !resultsHaveBatch(op))
      return false;
    int64_t rank = cast<RankedTensorType>(op->getResult(0).getType()).getRank();
    return llvm::TypeSwitch<Operation *, bool>(op)
        .Case([&](Conv2DOp conv) {
          if (!isActivation(conv.getInput()) || !isConstant(conv.getWeight()))
            return false;
          if (conv.getBias() && !isConstant(conv.getBias()))
            return false;
          return !conv.getResidual() || isActivation(conv.getResidual());
        })
        .Case<MaxPool2DOp, AvgPool2DOp, GlobalAvgPoolOp, GlobalMaxPoolOp,
              LRNOp, BatchNormOp, ReluOp, SigmoidOp, TanhOp, SiluOp,
              HardSwishOp, ClipOp, LeakyReluOp, HardSigmoidOp, ReshapeOp>(
            [&](Operation *op) { return imageAndConstants(op); })
        .Case<AddOp, SubOp, MulOp, DivOp>([&](Operation *op) {
          return llvm::all_of(op->getOperands(), [&](Value v) {
            if (isActivation(v))
              return cast<RankedTensorType>(v.getType()).getRank() == rank;
            if (!isConstant(v))
              return false;
            // A constant broadcasts over the batch unless it has one.
            auto type = cast<RankedTensorType>(v.getType());
            return type.getRank() < rank || type.getDimSize(0) == 1;
          });
        })
        .Case([&](ConcatOp concat) {
          return notBatchAxis(concat.getAxis(), rank) &&
                 llvm::all_of(concat.getInputs(),
                              [&](Value v) { return isActivation(v); });
        })
        .Case([&](FlattenOp flatten) {
          int64_t inRank =
              cast<RankedTensorType>(flatten.getInput().getType()).getRank();
          return notBatchAxis(flatten.getAxis(), inRank) &&
                 imageAndConstants(op);
        })
        .Case([&](SoftmaxOp softmax) {
          return notBatchAxis(softmax.getAxis(), rank) && imageAndConstants(op);
        })
        .Case([&](PadOp pad) {
          ArrayRef<int64_t> pads = pad.getPads();
          return pads.size() == 2 * static_cast<size_t>(rank) && pads[0] == 0 &&
                 pads[rank] == 0 && imageAndConstants(op);
        })
        // Dense layers read their weights once for the whole batch; anything
        // else is not known to keep images apart.
        .Default([](Operation *) { return false; });
  }

  func::FuncOp func;
  Block *entry;
  Trunk trunk;
  llvm::SmallPtrSet<Operation *, 32> inTrunk;
};

struct CNNSplitBatchPass
    : public cnn::impl::CNNSplitBatchPassBase<CNNSplitBatchPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (func.isPublic() && !func.isExternal() &&
          func.getBody().hasOneBlock())
        funcs.push_back(func);
    for (func::FuncOp func : funcs)
      split(func, symbols);
  }

  /// The batch of `func`: the common dim 0 of all its inputs, or 0.
  static int64_t batchOf(func::FuncOp func) {
    int64_t batch = 0;
    for (Type t : func.getArgumentTypes()) {
      auto type = dyn_cast<RankedTensorType>(t);
      if (!type || type.getRank() < 2 || type.isDynamicDim(0))
        return 0;
      if (batch && type.getDimSize(0) != batch)
        return 0;
      batch = type.getDimSize(0);
    }
    return batch;
  }

  void split(func::FuncOp func, SymbolTable &symbols) {
    int64_t batch = batchOf(func);
    if (batch < 2)
      return;
    Trunk trunk = TrunkFinder(func, batch).find();
    if (trunk.macsPerImage == 0 || trunk.outputs.empty())
      return;

    // The function of one image.
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    b.setInsertionPoint(func);
    SmallVector<Type> argTypes, resultTypes;
    for (Type t : func.getArgumentTypes())
      argTypes.push_back(withBatch(t, 1));
    for (Value v : trunk.outputs)
      resultTypes.push_back(withBatch(v.getType(), 1));
    auto image = func::FuncOp::create(b, func.getLoc(),
                                      func.getName().str() + "_image",
                                      b.getFunctionType(argTypes, resultTypes));
    image.setPrivate();
    // How many times one run of `func` calls it (for per-layer MACs).
    image->setAttr(kNetworkAttrName, b.getI64IntegerAttr(batch));
    symbols.insert(image);
    Block *body = image.addEntryBlock();
    IRMapping map;
    for (auto [from, to] :
         llvm::zip(func.getArguments(), body->getArguments()))
      map.map(from, to);
    OpBuilder inside = OpBuilder::atBlockBegin(body);
    for (Operation *op : trunk.ops) {
      for (Value v : op->getOperands())
        if (!map.contains(v))
          inside.clone(*v.getDefiningOp(), map); // a constant
      Operation *clone = inside.clone(*op, map);
      for (Value r : clone->getResults())
        r.setType(withBatch(r.getType(), 1));
      if (auto reshape = dyn_cast<ReshapeOp>(clone)) {
        SmallVector<int64_t> shape(reshape.getShape());
        shape[0] = 1;
        reshape.setShape(shape);
      }
    }
    SmallVector<Value> returned;
    for (Value v : trunk.outputs)
      returned.push_back(map.lookup(v));
    func::ReturnOp::create(inside, func.getLoc(), returned);

    // The loop over images where the trunk was.
    Location loc = func.getLoc();
    b.setInsertionPoint(trunk.ops.front());
    SmallVector<Value> inits;
    for (Value v : trunk.outputs)
      inits.push_back(tensor::EmptyOp::create(
          b, loc, cast<RankedTensorType>(v.getType()).getShape(),
          cast<RankedTensorType>(v.getType()).getElementType()));
    // Images go to threads unless the whole batch is too little work to
    // repay waking them; then a sequential loop.
    bool parallel = trunk.macsPerImage * batch >= minParallelMacs;
    scf::ForallOp forall;
    scf::ForOp loop;
    Value n;
    ValueRange dests;
    if (parallel) {
      forall = scf::ForallOp::create(
          b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(batch)}, inits,
          std::nullopt);
      n = forall.getInductionVar(0);
      dests = forall.getRegionIterArgs();
      b.setInsertionPoint(forall.getTerminator());
    } else {
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value one = arith::ConstantIndexOp::create(b, loc, 1);
      Value count = arith::ConstantIndexOp::create(b, loc, batch);
      loop = scf::ForOp::create(b, loc, zero, count, one, inits);
      n = loop.getInductionVar();
      dests = loop.getRegionIterArgs();
      b.setInsertionPointToStart(loop.getBody());
    }
    // Image n of a batched value of `type`: offsets, sizes, unit strides.
    struct ImageSlice {
      SmallVector<OpFoldResult> offsets, sizes, strides;
    };
    auto sliceOf = [&](Type type) {
      auto t = cast<RankedTensorType>(type);
      ImageSlice s{{n}, {b.getIndexAttr(1)}, {}};
      for (int64_t d = 1; d < t.getRank(); ++d) {
        s.offsets.push_back(b.getIndexAttr(0));
        s.sizes.push_back(b.getIndexAttr(t.getDimSize(d)));
      }
      s.strides.assign(t.getRank(), b.getIndexAttr(1));
      return s;
    };
    SmallVector<Value> images;
    for (auto [arg, type] : llvm::zip(func.getArguments(), argTypes)) {
      ImageSlice s = sliceOf(arg.getType());
      images.push_back(tensor::ExtractSliceOp::create(
          b, loc, cast<RankedTensorType>(type), arg, s.offsets, s.sizes,
          s.strides));
    }
    auto call = func::CallOp::create(b, loc, image, images);
    if (parallel)
      b.setInsertionPointToStart(forall.getTerminator().getBody());
    SmallVector<Value> updated;
    for (auto [result, dest] : llvm::zip(call.getResults(), dests)) {
      ImageSlice s = sliceOf(dest.getType());
      if (parallel)
        tensor::ParallelInsertSliceOp::create(b, loc, result, dest, s.offsets,
                                              s.sizes, s.strides);
      else
        updated.push_back(tensor::InsertSliceOp::create(
            b, loc, result, dest, s.offsets, s.sizes, s.strides));
    }
    if (!parallel)
      scf::YieldOp::create(b, loc, updated);
    ValueRange loopResults =
        parallel ? forall.getResults() : loop.getResults();
    // (Uses inside the trunk go too: the loop precedes it, and it is erased.)
    for (auto [output, r] : llvm::zip(trunk.outputs, loopResults))
      Value(output).replaceAllUsesWith(r);
    for (Operation *op : llvm::reverse(trunk.ops))
      op->erase();
  }
};

} // namespace
