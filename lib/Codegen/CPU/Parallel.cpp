//===- Parallel.cpp - parallel loops onto the runtime's thread pool -------===//
//
// Two halves of one mechanism (see docs/passes.md):
//   cnnc-cpu-outline-parallel (memrefs): scf.forall -> call of an outlined
//     function over a range of iterations;
//   cnnc-cpu-lower-parallel-calls (LLVM dialect): that call -> a call of
//     cnnrt_parallel_for with a task trampoline and a context struct.
// Splitting at the call keeps the first half in the memref world, where the
// captures are still typed, and lets the second work on plain LLVM values,
// whatever the memref calling convention made of them.
//
//===----------------------------------------------------------------------===//

#include "BlockLoop.h"
#include "cnnc/Codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_LOWERPARALLELCALLSPASS
#define GEN_PASS_DEF_OUTLINEPARALLELPASS
#define GEN_PASS_DEF_PARALLELIZEPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

static constexpr llvm::StringLiteral kParallelPrefix = "cnnc_par.";
static constexpr llvm::StringLiteral kTaskSuffix = ".task";
static constexpr llvm::StringLiteral kParallelFor = "cnnrt_parallel_for";

//===----------------------------------------------------------------------===//
// cnnc-cpu-parallelize
//===----------------------------------------------------------------------===//

/// Iterations a parallel loop should have for the threads to balance.
static constexpr int64_t kParallelTiles = 16;

namespace {
struct ParallelizePass
    : public cnnc::impl::ParallelizePassBase<ParallelizePass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      // Top level only: ops inside loops belong to a schedule already.
      if (isa<func::FuncOp>(op->getParentOp()) && op.hasPureTensorSemantics())
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<int64_t> tiles = chooseTiles(op);
      if (tiles.empty())
        continue;
      scf::SCFTilingOptions options;
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      options.setTileSizes(getAsIndexOpFoldResult(&getContext(), tiles));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> tiled = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(tiled))
        continue; // stays serial, still correct
      rewriter.replaceOp(op, tiled->replacements);
    }
  }

  /// Tile sizes (1 on the split dimensions, 0 elsewhere), or none when the
  /// op should stay serial.
  SmallVector<int64_t> chooseTiles(linalg::LinalgOp op) const {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, ShapedType::isDynamic) ||
        cnnc::loopWork(ranges) < minWork)
      return {};
    // The innermost parallel dimension of the output stays whole.
    SmallVector<utils::IteratorType> kinds = op.getIteratorTypesArray();
    AffineMap out = op.getIndexingMapMatchingResult(op->getResult(0));
    std::optional<unsigned> innermost;
    if (out.getNumResults() > 0)
      if (auto d = dyn_cast<AffineDimExpr>(out.getResults().back()))
        innermost = d.getPosition();
    SmallVector<int64_t> tiles(ranges.size(), 0);
    int64_t count = 1;
    for (unsigned d = 0; d < ranges.size() && count < kParallelTiles; ++d) {
      if (kinds[d] != utils::IteratorType::parallel || ranges[d] < 2 ||
          d == innermost)
        continue;
      tiles[d] = 1;
      count *= ranges[d];
    }
    if (count < 2)
      return {};
    return tiles;
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// cnnc-cpu-outline-parallel
//===----------------------------------------------------------------------===//

/// Ops recreated inside the outlined function instead of passed: constants,
/// global addresses and views (their operands are then needed instead).
static bool isRecreated(Operation *op) {
  return isa<arith::ConstantOp, memref::GetGlobalOp, memref::SubViewOp,
             memref::ExpandShapeOp, memref::CollapseShapeOp,
             memref::ReinterpretCastOp, memref::CastOp>(op);
}

/// Values the bare-pointer calling convention passes as they are.
static bool isPassable(Type type) {
  if (type.isIntOrIndexOrFloat())
    return true;
  auto memref = dyn_cast<MemRefType>(type);
  return memref && memref.hasStaticShape() && memref.getLayout().isIdentity();
}

namespace {
/// What an outlined loop body needs from outside: ops to recreate (in
/// order) and values to pass.
struct Captures {
  SmallVector<Operation *> recreate;
  llvm::SetVector<Value> passed;
  llvm::SmallPtrSet<Operation *, 8> seen;

  /// Makes `v` available inside; false when it can be neither recreated nor
  /// passed.
  bool add(Value v) {
    if (passed.contains(v))
      return true;
    Operation *def = v.getDefiningOp();
    if (def && seen.contains(def))
      return true;
    if (def && isRecreated(def) && def->getNumRegions() == 0) {
      for (Value operand : def->getOperands())
        if (!add(operand))
          return false;
      seen.insert(def);
      recreate.push_back(def);
      return true;
    }
    if (!isPassable(v.getType()))
      return false;
    passed.insert(v);
    return true;
  }
};

struct OutlineParallelPass
    : public cnnc::impl::OutlineParallelPassBase<OutlineParallelPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<scf::ForallOp> loops;
    module.walk([&](scf::ForallOp loop) {
      if (!loop->getParentOfType<scf::ForallOp>())
        loops.push_back(loop);
    });
    llvm::StringMap<int> counters;
    for (scf::ForallOp loop : loops) {
      auto parent = loop->getParentOfType<func::FuncOp>();
      if (!parent)
        continue;
      int &k = counters[parent.getSymName()];
      std::string name = (kParallelPrefix + parent.getSymName() + "." +
                          Twine(k))
                             .str();
      if (succeeded(outline(loop, name, symbols)))
        ++k;
    }
  }

  /// Replaces `loop` by a call of a new function `name` that runs a range of
  /// its linearized iterations. Leaves the loop alone when its bounds are
  /// not static, it still has tensor results, or a capture cannot be passed.
  LogicalResult outline(scf::ForallOp loop, StringRef name,
                        SymbolTable &symbols) {
    if (loop.getNumResults() != 0 || !loop.getOutputs().empty())
      return failure();
    SmallVector<int64_t> lbs, ubs, steps, counts;
    for (auto [lb, ub, step] :
         llvm::zip(loop.getMixedLowerBound(), loop.getMixedUpperBound(),
                   loop.getMixedStep())) {
      std::optional<int64_t> l = getConstantIntValue(lb),
                             u = getConstantIntValue(ub),
                             s = getConstantIntValue(step);
      if (!l || !u || !s || *s <= 0)
        return failure();
      lbs.push_back(*l);
      ubs.push_back(*u);
      steps.push_back(*s);
      counts.push_back(*u > *l ? (*u - *l + *s - 1) / *s : 0);
    }
    int64_t total = 1;
    for (int64_t c : counts)
      total *= c;

    llvm::SetVector<Value> above;
    getUsedValuesDefinedAbove(loop.getRegion(), above);
    Captures captures;
    for (Value v : above)
      if (!captures.add(v))
        return failure();

    // The function: (begin, end, passed...) running iterations [begin, end).
    OpBuilder b(loop->getParentOfType<func::FuncOp>());
    Location loc = loop.getLoc();
    SmallVector<Type> argTypes = {b.getIndexType(), b.getIndexType()};
    for (Value v : captures.passed)
      argTypes.push_back(v.getType());
    auto fn = func::FuncOp::create(b, loc, name,
                                   b.getFunctionType(argTypes, {}));
    fn.setPrivate();
    symbols.insert(fn);
    Block *entry = fn.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping map;
    for (auto [v, arg] :
         llvm::zip(captures.passed, entry->getArguments().drop_front(2)))
      map.map(v, arg);
    for (Operation *op : captures.recreate)
      b.clone(*op, map);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto range = scf::ForOp::create(b, loc, entry->getArgument(0),
                                    entry->getArgument(1), one);
    func::ReturnOp::create(b, loc);

    // Inside: delinearize, innermost dimension fastest, and clone the body.
    b.setInsertionPointToStart(range.getBody());
    Value rest = range.getInductionVar();
    SmallVector<Value> ivs(counts.size());
    for (int64_t d = int64_t(counts.size()) - 1; d >= 0; --d) {
      Value index = rest;
      if (d > 0) {
        Value count = arith::ConstantIndexOp::create(b, loc, counts[d]);
        index = arith::RemUIOp::create(b, loc, rest, count);
        rest = arith::DivUIOp::create(b, loc, rest, count);
      }
      Value iv = index;
      if (steps[d] != 1)
        iv = arith::MulIOp::create(
            b, loc, iv, arith::ConstantIndexOp::create(b, loc, steps[d]));
      if (lbs[d] != 0)
        iv = arith::AddIOp::create(
            b, loc, iv, arith::ConstantIndexOp::create(b, loc, lbs[d]));
      ivs[d] = iv;
    }
    for (auto [iv, value] : llvm::zip(loop.getInductionVars(), ivs))
      map.map(iv, value);
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, map);

    // The call covers every iteration: serially it means what the loop did.
    b.setInsertionPoint(loop);
    SmallVector<Value> operands = {
        arith::ConstantIndexOp::create(b, loc, 0),
        arith::ConstantIndexOp::create(b, loc, total)};
    llvm::append_range(operands, captures.passed);
    func::CallOp::create(b, loc, fn, operands);
    loop.erase();
    return success();
  }
};

//===----------------------------------------------------------------------===//
// cnnc-cpu-lower-parallel-calls
//===----------------------------------------------------------------------===//

struct LowerParallelCallsPass
    : public cnnc::impl::LowerParallelCallsPassBase<LowerParallelCallsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto voidType = LLVM::LLVMVoidType::get(ctx);

    SmallVector<LLVM::LLVMFuncOp> bodies;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn.getName().starts_with(kParallelPrefix) &&
          !fn.getName().ends_with(kTaskSuffix) && !fn.isExternal())
        bodies.push_back(fn);
    if (bodies.empty())
      return;

    OpBuilder b(ctx);
    b.setInsertionPointToEnd(module.getBody());
    auto parallelFor = module.lookupSymbol<LLVM::LLVMFuncOp>(kParallelFor);
    if (!parallelFor)
      parallelFor = LLVM::LLVMFuncOp::create(
          b, module.getLoc(), kParallelFor,
          LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, b.getI64Type(),
                                                 b.getI64Type()}));

    // The calls of every body, in one walk (before any task adds its own).
    llvm::StringMap<SmallVector<LLVM::CallOp>> callsTo;
    module.walk([&](LLVM::CallOp call) {
      if (std::optional<StringRef> callee = call.getCallee())
        if (callee->starts_with(kParallelPrefix))
          callsTo[*callee].push_back(call);
    });
    for (LLVM::LLVMFuncOp body : bodies) {
      LLVM::LLVMFunctionType type = body.getFunctionType();
      if (type.getNumParams() < 2 ||
          !type.getParamType(0).isInteger(64) ||
          !type.getParamType(1).isInteger(64) ||
          !isa<LLVM::LLVMVoidType>(type.getReturnType())) {
        body.emitError("parallel body has an unexpected signature ")
            << type << "; expected (i64, i64, ...) -> void";
        return signalPassFailure();
      }
      ArrayRef<Type> captured = type.getParams().drop_front(2);
      auto contextType = LLVM::LLVMStructType::getLiteral(ctx, captured);
      // Every call: captures into a stack struct, then the runtime call.
      LLVM::LLVMFuncOp task = buildTask(b, body, contextType);
      for (LLVM::CallOp call : callsTo[body.getName()]) {
        Location loc = call.getLoc();
        auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
        // In the entry block, so that a call inside a loop reuses one slot.
        b.setInsertionPointToStart(&caller.getBody().front());
        Value context;
        if (captured.empty()) {
          context = LLVM::ZeroOp::create(b, loc, ptr);
        } else {
          Value count = LLVM::ConstantOp::create(b, loc, b.getI64Type(),
                                                 b.getI64IntegerAttr(1));
          context = LLVM::AllocaOp::create(b, loc, ptr, contextType, count);
        }
        b.setInsertionPoint(call);
        for (auto [i, v] : llvm::enumerate(call.getArgOperands().drop_front(2))) {
          Value field = LLVM::GEPOp::create(
              b, loc, ptr, contextType, context,
              ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
          LLVM::StoreOp::create(b, loc, v, field);
        }
        Value taskAddress = LLVM::AddressOfOp::create(b, loc, task);
        LLVM::CallOp::create(b, loc, parallelFor,
                             ValueRange{taskAddress, context,
                                        call.getArgOperands()[0],
                                        call.getArgOperands()[1]});
        call.erase();
      }
    }
  }

  /// `@"<body>.task"(ptr %ctx, i64 %begin, i64 %end)`: loads the captures
  /// and calls the body.
  static LLVM::LLVMFuncOp buildTask(OpBuilder &b, LLVM::LLVMFuncOp body,
                                    LLVM::LLVMStructType contextType) {
    MLIRContext *ctx = b.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    Location loc = body.getLoc();
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointAfter(body);
    auto task = LLVM::LLVMFuncOp::create(
        b, loc, (body.getName() + kTaskSuffix).str(),
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx),
                                    {ptr, b.getI64Type(), b.getI64Type()}),
        LLVM::Linkage::Internal);
    Block *entry = task.addEntryBlock(b);
    b.setInsertionPointToStart(entry);
    SmallVector<Value> args = {entry->getArgument(1), entry->getArgument(2)};
    for (auto [i, fieldType] : llvm::enumerate(contextType.getBody())) {
      Value field = LLVM::GEPOp::create(b, loc, ptr, contextType,
                                        entry->getArgument(0),
                                        ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
      args.push_back(LLVM::LoadOp::create(b, loc, fieldType, field));
    }
    LLVM::CallOp::create(b, loc, body, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
    return task;
  }
};
} // namespace
