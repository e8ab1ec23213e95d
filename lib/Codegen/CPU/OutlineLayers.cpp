//===- OutlineLayers.cpp - the cnnc-outline-layers pass -------------------===//
//
// Every op lowered from a cnn op carries that op's location, whose name is
// the layer's (ONNX node or DSL layer). Runs of ops with one name become one
// private function; the public function keeps only the calls.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Codegen/CPU/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Transforms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::cnnc {
#define GEN_PASS_DEF_OUTLINELAYERSPASS
#include "cnnc/Codegen/CPU/Passes.h.inc"
} // namespace mlir::cnnc

using namespace mlir;

static constexpr llvm::StringLiteral kMarkFunction = "cnnrt_layer_mark";
using cnn::kNetworkAttrName;

/// Whether `op` runs another network function (the loop over the images of
/// a batch): not a layer of its own, the callee's layers are.
static bool callsNetwork(Operation *op) {
  auto module = op->getParentOfType<ModuleOp>();
  bool found = false;
  op->walk([&](func::CallOp call) {
    auto callee = module.lookupSymbol<func::FuncOp>(call.getCallee());
    found |= callee && callee->hasAttr(kNetworkAttrName);
  });
  return found;
}

/// The first name in `loc` (NameLoc, possibly inside fused or call-site
/// locations), or "".
static StringRef layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().getValue();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location l : fused.getLocations())
      if (StringRef n = layerName(l); !n.empty())
        return n;
  }
  if (auto call = dyn_cast<CallSiteLoc>(loc))
    return layerName(call.getCallee());
  return {};
}

/// Ops cheaper to recreate in each function than to pass: constants, empty
/// tensors and fills of them with a constant.
static bool isRematerializable(Operation *op) {
  if (!op)
    return false;
  if (isa<arith::ConstantOp, tensor::EmptyOp>(op))
    return true;
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return fill.hasPureTensorSemantics() &&
           llvm::all_of(fill->getOperands(), [](Value v) {
             return isRematerializable(v.getDefiningOp());
           });
  return false;
}

/// Multiply-accumulates of a linalg op: the iteration count of ops that
/// reduce with a multiply (convolutions, contractions, matmul generics; not
/// pooling).
static int64_t countMACs(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() == 0)
    return 0;
  bool multiplies = false;
  op->walk([&](arith::MulFOp) { multiplies = true; });
  if (!multiplies)
    return 0;
  int64_t n = 1;
  for (int64_t r : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(r))
      return 0;
    n *= r;
  }
  return n;
}

/// A short kind for the profile: the named op, or what a generic computes.
static std::string opKind(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op.getOperation()))
    return op->getName().stripDialect().str();
  if (op.getNumReductionLoops() == 0)
    return "elementwise";
  return countMACs(op) ? "matmul" : "reduction";
}

static std::string symbolFor(StringRef name) {
  std::string s = "cnnc_layer.";
  for (char c : name)
    s += (llvm::isAlnum(c) || c == '_' || c == '.') ? c : '_';
  return s;
}

namespace {

struct Layer {
  std::string name;
  SmallVector<Operation *> ops;
};

struct OutlineLayersPass
    : public cnnc::impl::OutlineLayersPassBase<OutlineLayersPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> roots;
    for (auto func : module.getOps<func::FuncOp>())
      if ((func.isPublic() || func->hasAttr(kNetworkAttrName)) &&
          !func.isExternal())
        roots.push_back(func);
    SymbolTable symbols(module);
    SmallVector<Attribute> layerInfo;
    for (func::FuncOp func : roots)
      if (failed(outline(func, symbols, layerInfo)))
        return signalPassFailure();
    if (!layerInfo.empty())
      module->setAttr("cnnc.layers",
                      ArrayAttr::get(&getContext(), layerInfo));
  }

  /// Splits the body of `func` into layers: maximal runs of ops (other than
  /// rematerializable ones) with one layer name. Unnamed ops join the run
  /// they are in.
  static SmallVector<Layer> partition(func::FuncOp func) {
    SmallVector<Layer> layers;
    bool barrier = false;
    for (Operation &op : func.getBody().front().without_terminator()) {
      if (isRematerializable(&op))
        continue;
      if (callsNetwork(&op)) {
        barrier = true; // no layer spans it
        continue;
      }
      StringRef name = layerName(op.getLoc());
      if (layers.empty() || barrier ||
          (!name.empty() && name != layers.back().name &&
           !layers.back().name.empty()))
        layers.push_back(Layer{name.str(), {}});
      else if (layers.back().name.empty())
        layers.back().name = name.str();
      layers.back().ops.push_back(&op);
      barrier = false;
    }
    for (auto [i, layer] : llvm::enumerate(layers))
      if (layer.name.empty())
        layer.name = "layer" + std::to_string(i);
    return layers;
  }

  LogicalResult outline(func::FuncOp func, SymbolTable &symbols,
                        SmallVector<Attribute> &layerInfo) {
    MLIRContext *ctx = &getContext();
    SmallVector<Layer> layers = partition(func);
    if (layers.empty())
      return success();
    OpBuilder b(ctx);
    func::FuncOp markFn;
    if (instrument) {
      markFn = symbols.lookup<func::FuncOp>(kMarkFunction);
      if (!markFn) {
        b.setInsertionPointToStart(func->getParentOfType<ModuleOp>().getBody());
        markFn = func::FuncOp::create(
            b, func.getLoc(), kMarkFunction,
            b.getFunctionType({b.getI64Type()}, {}));
        markFn.setPrivate();
        symbols.insert(markFn);
      }
    }
    auto mark = [&](OpBuilder &at, Location loc, int64_t id) {
      Value idValue = arith::ConstantOp::create(at, loc, at.getI64IntegerAttr(id));
      func::CallOp::create(at, loc, markFn, ValueRange{idValue});
    };

    int64_t firstId = layerInfo.size();
    Operation *lastCall = nullptr;
    Operation *lastCallee = func;
    for (auto [index, layer] : llvm::enumerate(layers)) {
      llvm::SmallPtrSet<Operation *, 16> inLayer(layer.ops.begin(),
                                                 layer.ops.end());
      // Values the layer reads from outside: arguments, except what is
      // rematerialized inside.
      llvm::SetVector<Value> captured;
      for (Operation *op : layer.ops) {
        for (Value v : op->getOperands())
          if (!inLayer.contains(v.getDefiningOp()))
            captured.insert(v);
        llvm::SetVector<Value> above;
        getUsedValuesDefinedAbove(op->getRegions(), above);
        for (Value v : above)
          if (!inLayer.contains(v.getDefiningOp()))
            captured.insert(v);
      }
      SmallVector<Value> args;
      for (Value v : captured)
        if (!isRematerializable(v.getDefiningOp()))
          args.push_back(v);
      SmallVector<Value> results;
      for (Operation *op : layer.ops)
        for (Value r : op->getResults())
          if (llvm::any_of(r.getUsers(), [&](Operation *user) {
                return !inLayer.contains(user) &&
                       !inLayer.contains(
                           layerAncestor(user, inLayer));
              }))
            results.push_back(r);

      // The layer's function.
      Location loc = layer.ops.front()->getLoc();
      b.setInsertionPointAfter(lastCallee);
      auto type = b.getFunctionType(ValueRange(args).getTypes(),
                                    ValueRange(results).getTypes());
      auto callee = func::FuncOp::create(b, loc, symbolFor(layer.name), type);
      callee.setPrivate();
      // An activation that an earlier layer computed and that nothing reads
      // after this layer may be overwritten by it (a residual add writes
      // its sum over the shortcut). Not the network's inputs: they are the
      // caller's.
      Block &funcBody = func.getBody().front();
      for (unsigned i = 0, e = args.size(); i < e; ++i) {
        Value v = args[i];
        if (!v.getDefiningOp<func::CallOp>() || !isa<TensorType>(v.getType()))
          continue;
        bool readLater = llvm::any_of(v.getUsers(), [&](Operation *user) {
          Operation *top = funcBody.findAncestorOpInBlock(*user);
          return !inLayer.contains(top) &&
                 !top->isBeforeInBlock(layer.ops.front());
        });
        if (!readLater)
          callee.setArgAttr(i, cnnc::kReusableArgAttr, b.getUnitAttr());
      }
      symbols.insert(callee);
      lastCallee = callee;
      Block *body = callee.addEntryBlock();
      IRMapping map;
      for (auto [arg, v] : llvm::zip(body->getArguments(), args))
        map.map(v, arg);
      OpBuilder inside = OpBuilder::atBlockBegin(body);
      std::function<void(Value)> rematerialize = [&](Value v) {
        if (map.contains(v))
          return;
        Operation *def = v.getDefiningOp();
        for (Value operand : def->getOperands())
          rematerialize(operand);
        inside.clone(*def, map);
      };
      for (Value v : captured)
        if (isRematerializable(v.getDefiningOp()))
          rematerialize(v);
      int64_t macs = 0;
      // A per-image network function runs once per image of the batch.
      int64_t calls = 1;
      if (auto n = func->getAttrOfType<IntegerAttr>(kNetworkAttrName))
        calls = std::max<int64_t>(1, n.getInt());
      std::string kind;
      int64_t kindMacs = -1;
      for (Operation *op : layer.ops) {
        Operation *clone = inside.clone(*op, map);
        if (auto linalgOp = dyn_cast<linalg::LinalgOp>(clone)) {
          int64_t m = countMACs(linalgOp);
          macs += m * calls;
          // On a tie (pools: no MACs) a fill, such as the border of a
          // padded output, does not name the layer.
          if (m > kindMacs || (m == kindMacs && kind == "fill")) {
            kindMacs = m;
            kind = opKind(linalgOp);
          }
        }
      }
      if (kind.empty())
        kind = layer.ops.front()->getName().getStringRef().str();
      SmallVector<Value> returned;
      for (Value r : results)
        returned.push_back(map.lookup(r));
      func::ReturnOp::create(inside, loc, returned);
      auto info = DictionaryAttr::get(
          ctx, {b.getNamedAttr("name", b.getStringAttr(layer.name)),
                b.getNamedAttr("kind", b.getStringAttr(kind)),
                b.getNamedAttr("macs", b.getI64IntegerAttr(macs))});
      callee->setAttr("cnnc.layer", info);
      layerInfo.push_back(info);

      // The call, where the layer's first op was.
      b.setInsertionPoint(layer.ops.front());
      if (instrument)
        mark(b, loc, firstId + index);
      auto call = func::CallOp::create(b, loc, callee, args);
      lastCall = call;
      for (auto [r, c] : llvm::zip(results, call.getResults()))
        r.replaceAllUsesWith(c);
      for (Operation *op : llvm::reverse(layer.ops))
        op->erase();
    }
    if (instrument && lastCall) {
      b.setInsertionPointAfter(lastCall);
      mark(b, lastCall->getLoc(), firstId + layers.size());
    }
    // Rematerializable ops the calls no longer use.
    SmallVector<Operation *> dead;
    for (Operation &op : func.getBody().front())
      if (isRematerializable(&op))
        dead.push_back(&op);
    for (Operation *op : llvm::reverse(dead))
      if (op->use_empty())
        op->erase();
    return success();
  }

  /// The op of `layer` that contains `op` (for uses inside regions), if any.
  static Operation *layerAncestor(Operation *op,
                                  const llvm::SmallPtrSetImpl<Operation *> &layer) {
    for (Operation *p = op->getParentOp(); p; p = p->getParentOp())
      if (layer.contains(p))
        return p;
    return nullptr;
  }
};

} // namespace
