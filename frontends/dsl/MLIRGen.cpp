//===- MLIRGen.cpp - .cnn syntax tree to cnn dialect ----------------------===//
//
// Evaluates a network: statements run in order, `repeat` and `if` unroll,
// a block call runs the block's body in a new frame (its layers named
// "<instance>.<layer>" and located at CallSiteLoc(<line in the block>,
// <call>)), and layer calls bind their arguments and go to Layers.cpp.
//
// Errors are reported where they happen and turn the value into Poison, so
// generation goes on and later independent mistakes are reported too, while
// values that depend on a failed one stay silent.
//
// The limits of Limits.h are enforced here: evaluation steps, block depth,
// recursion depth, layer count, weight bytes, list sizes, integer overflow.
// Passing one stops generation (the rest of the network is not run), as do
// kMaxErrors errors.
//
//===----------------------------------------------------------------------===//

#include "dsl/MLIRGenImpl.h"

#include "cnnc/Dialect/CNN/IR/CNNDialect.h"
#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::dsl;

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

std::string mlir::cnnc::dsl::shapeStr(ArrayRef<int64_t> shape) {
  return cnn::formatShape(shape);
}

ArrayRef<int64_t> mlir::cnnc::dsl::shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

std::string mlir::cnnc::dsl::describe(const Val &v) {
  switch (v.kind) {
  case Val::None:
    return "nothing";
  case Val::Poison:
    return "an invalid value";
  case Val::Int:
    return "the integer " + std::to_string(v.i);
  case Val::Float: {
    std::string s;
    llvm::raw_string_ostream(s) << "the number " << llvm::format("%g", v.f);
    return s;
  }
  case Val::Bool:
    return v.b ? "true" : "false";
  case Val::Str:
    return "the string \"" + v.s + "\"";
  case Val::List:
    return "a list of " + std::to_string(v.list.size()) + " values";
  case Val::Tensor:
    return "a tensor " + shapeStr(shapeOf(v.t));
  }
  return "a value";
}

//===----------------------------------------------------------------------===//
// Generator: set-up and naming
//===----------------------------------------------------------------------===//

Generator::Generator(MLIRContext &ctx, const ModuleAST &module,
                     const DslImportOptions &options)
    : ctx(ctx), ast(module), options(options), builder(&ctx) {}

InFlightDiagnostic Generator::error(Location loc) {
  hadError = true;
  if (++errorCount >= kMaxErrors)
    stop();
  return emitError(loc);
}

Location Generator::toLoc(const SrcLoc &loc) {
  Location l = FileLineColLoc::get(&ctx, loc.file ? *loc.file : "<unknown>",
                                   loc.line, loc.col);
  if (!frames.empty() && frame().caller)
    return CallSiteLoc::get(l, *frame().caller);
  return l;
}

std::string Generator::uniqueName(std::string name) {
  if (usedNames.insert(name).second)
    return name;
  // Resume where the last clash of this name stopped, so that a name given
  // in a long `repeat` costs one try per layer, not one per earlier layer.
  int &k = nextSuffix[name];
  std::string candidate;
  do
    candidate = name + "_" + std::to_string(++k);
  while (!usedNames.insert(candidate).second);
  return candidate;
}

LogicalResult Generator::nameLayer(LayerCall &call, StringRef kind) {
  if (++layers > kMaxLayers) {
    error(call.loc) << "the network has more than " << kMaxLayers
                    << " layers; is a 'repeat' count too large?";
    stop();
    return failure();
  }
  Frame &f = frame();
  std::string local = call.explicitName;
  if (local.empty())
    local = kind.str() + std::to_string(++f.counters[kind]);
  std::string full = f.prefix.empty() ? local : f.prefix + "." + local;
  if (full.size() > kMaxFullNameLength) {
    error(call.loc) << "the name of this " << kind << " layer is longer than "
                    << kMaxFullNameLength << " characters ('"
                    << StringRef(full).take_front(60) << "...')";
    return failure();
  }
  call.name = uniqueName(std::move(full));
  call.loc = NameLoc::get(StringAttr::get(&ctx, call.name), call.loc);
  return success();
}

FailureOr<Value> Generator::weight(LayerCall &call, StringRef suffix,
                                   ArrayRef<int64_t> shape, WeightInit init) {
  std::string name = call.name + "." + suffix.str();
  auto n = weightElements(call, suffix, shape);
  if (::failed(n))
    return failure();
  weightBytes += uint64_t(*n) * sizeof(float);
  auto blob = store->get(name, shape, init, call.loc, call.name);
  if (::failed(blob)) {
    hadError = true;
    return failure();
  }
  auto type = RankedTensorType::get(shape, builder.getF32Type());
  auto attr = DenseResourceElementsAttr::get(type, name, std::move(*blob));
  return arith::ConstantOp::create(builder, call.loc, type, attr).getResult();
}

Value Generator::scalarConstant(float v, Location loc) {
  auto type = RankedTensorType::get({}, builder.getF32Type());
  return arith::ConstantOp::create(builder, loc, type,
                                   DenseElementsAttr::get(type, v));
}

std::string Generator::suggestName(StringRef name, bool functions) {
  std::string best;
  // Edit distance is quadratic: long names get no suggestion.
  constexpr size_t kMaxSuggestLength = 64;
  if (name.size() > kMaxSuggestLength)
    return best;
  unsigned bestDist = std::max<unsigned>(2, name.size() / 3) + 1;
  auto consider = [&](StringRef cand) {
    if (cand.size() > kMaxSuggestLength ||
        (cand.size() > name.size() ? cand.size() - name.size()
                                   : name.size() - cand.size()) >= bestDist)
      return;
    unsigned d = name.edit_distance(cand, true, bestDist);
    if (d < bestDist) {
      bestDist = d;
      best = cand.str();
    }
  };
  if (functions) {
    for (StringRef l : layerNames())
      consider(l);
    for (auto &kv : blocks)
      consider(kv.getKey());
  } else {
    for (auto &kv : frame().vars)
      consider(kv.getKey());
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Seeded weights: damped residual branches
//===----------------------------------------------------------------------===//

/// With seeded (untrained) weights, every He-initialized residual branch
/// adds as much variance as its input has, so activations double per block
/// and the logits of a deep network saturate the softmax. When a sum has
/// exactly one operand that is a seeded batch norm (the end of a residual
/// branch; the other operand the identity skip), that batch norm's scale is
/// multiplied by 0.2, the "small last BN gamma" of residual-network training
/// recipes. Weights read from a file are never touched.
void Generator::noteResidual(Value lhs, Value rhs) {
  if (!store->isSeeded())
    return;
  auto bnOf = [&](Value v) -> Operation * {
    Operation *op = v.getDefiningOp();
    return op && seededBN.count(op) ? op : nullptr;
  };
  Operation *a = bnOf(lhs), *b = bnOf(rhs);
  if ((a != nullptr) == (b != nullptr))
    return;
  Operation *bn = a ? a : b;
  Value scale = seededBN.lookup(bn);
  seededBN.erase(bn);
  auto cst = scale.getDefiningOp<arith::ConstantOp>();
  auto attr = cst ? dyn_cast<DenseResourceElementsAttr>(cst.getValue())
                  : DenseResourceElementsAttr();
  AsmResourceBlob *blob = attr ? attr.getRawHandle().getBlob() : nullptr;
  if (!blob || !blob->isMutable())
    return;
  MutableArrayRef<char> bytes = blob->getMutableData();
  auto *f = reinterpret_cast<float *>(bytes.data());
  for (size_t k = 0; k < bytes.size() / sizeof(float); ++k)
    f[k] *= 0.2f;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

namespace {
/// One level of the generator's recursion, for the scope of a function.
struct Depth {
  explicit Depth(unsigned &d) : d(d) { ++d; }
  ~Depth() { --d; }
  unsigned &d;
};
} // namespace

void Generator::exec(const StmtList &body) {
  for (const StmtPtr &s : body) {
    if (frame().returned || stopped)
      return;
    exec(s.get());
  }
}

void Generator::exec(const StmtAST *stmt) {
  Depth depth(evalDepth);
  if (!enter(stmt->getLoc()))
    return;
  if (auto *a = dyn_cast<AssignStmtAST>(stmt)) {
    Val v = eval(a->getValue());
    frame().vars[a->getName()] = std::move(v);
    return;
  }
  if (auto *r = dyn_cast<ReturnStmtAST>(stmt)) {
    Frame &f = frame();
    for (const ReturnValueAST &rv : r->getValues()) {
      f.results.push_back(eval(rv.value.get()));
      f.resultLocs.push_back(rv.value->getLoc());
      std::string name = rv.name;
      if (name.empty())
        if (auto *var = dyn_cast<VarExprAST>(rv.value.get()))
          name = var->getName().str();
      f.resultNames.push_back(name);
    }
    f.returned = true;
    return;
  }
  if (auto *r = dyn_cast<RepeatStmtAST>(stmt)) {
    Val count = eval(r->getCount());
    if (count.isPoison())
      return (void)failed();
    if (count.kind != Val::Int || count.i < 0) {
      error(r->getCount()->getLoc())
          << "repeat count must be a non-negative integer, got "
          << describe(count);
      return;
    }
    if (count.i > kMaxRepeat) {
      error(r->getCount()->getLoc())
          << "repeat count " << count.i << " is larger than the limit of "
          << kMaxRepeat;
      return;
    }
    for (int64_t k = 0; k < count.i && !frame().returned && !stopped; ++k) {
      if (!r->getIndex().empty())
        frame().vars[r->getIndex()] = Val::ofInt(k);
      exec(r->getBody());
    }
    return;
  }
  if (auto *i = dyn_cast<IfStmtAST>(stmt)) {
    Val cond = eval(i->getCond());
    if (cond.isPoison())
      return (void)failed();
    if (cond.kind != Val::Bool) {
      error(i->getCond()->getLoc())
          << "condition must be true or false, got " << describe(cond);
      return;
    }
    exec(cond.b ? i->getThen() : i->getElse());
    return;
  }
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

Val Generator::eval(const ExprAST *expr) {
  Depth depth(evalDepth);
  if (!enter(expr->getLoc()))
    return Val::poison();
  switch (expr->getKind()) {
  case ExprAST::Expr_Int:
    return Val::ofInt(cast<IntExprAST>(expr)->getValue());
  case ExprAST::Expr_Float:
    return Val::ofFloat(cast<FloatExprAST>(expr)->getValue());
  case ExprAST::Expr_Bool:
    return Val::ofBool(cast<BoolExprAST>(expr)->getValue());
  case ExprAST::Expr_String:
    return Val::ofStr(cast<StringExprAST>(expr)->getValue().str());
  case ExprAST::Expr_List: {
    std::vector<Val> elts;
    for (const ExprPtr &e : cast<ListExprAST>(expr)->getElements())
      elts.push_back(eval(e.get()));
    return checkList(Val::ofList(std::move(elts)), expr->getLoc());
  }
  case ExprAST::Expr_Var: {
    StringRef name = cast<VarExprAST>(expr)->getName();
    auto it = frame().vars.find(name);
    if (it != frame().vars.end()) {
      // Copying a list costs as many steps as it has values.
      if (it->second.count > 1 && !step(expr->getLoc(), it->second.count))
        return Val::poison();
      return it->second;
    }
    // Padding modes read as words: pad=same, pad=valid.
    if (name == "same" || name == "valid")
      return Val::ofStr(name.str());
    if (lookupLayer(name) || blocks.count(name)) {
      error(expr->getLoc())
          << "'" << name << "' is a " << (blocks.count(name) ? "block" : "layer")
          << ", not a value; call it (" << name << "(x, ...)) or apply it "
          << "with '|>'";
      return Val::poison();
    }
    auto diag = error(expr->getLoc()) << "undefined name '" << name << "'";
    std::string s = suggestName(name, false);
    if (!s.empty())
      diag << "; did you mean '" << s << "'?";
    return Val::poison();
  }
  case ExprAST::Expr_Call:
    return evalCall(cast<CallExprAST>(expr));
  case ExprAST::Expr_Binary:
    return evalBinary(cast<BinaryExprAST>(expr));
  case ExprAST::Expr_Unary: {
    auto *u = cast<UnaryExprAST>(expr);
    Val v = eval(u->getOperand());
    if (v.isPoison())
      return v;
    if (u->getOp() == Tok::KwNot) {
      if (v.kind == Val::Bool)
        return Val::ofBool(!v.b);
      error(u->getLoc()) << "'not' needs true or false, got " << describe(v);
      return Val::poison();
    }
    if (v.kind == Val::Int) {
      if (v.i == std::numeric_limits<int64_t>::min()) {
        error(u->getLoc()) << "integer overflow: -(" << v.i << ")";
        return Val::poison();
      }
      return Val::ofInt(-v.i);
    }
    if (v.kind == Val::Float)
      return Val::ofFloat(-v.f);
    if (v.kind == Val::Tensor)
      return binary(Tok::Star, v, Val::ofFloat(-1.0), toLoc(u->getLoc()), "");
    error(u->getLoc()) << "cannot negate " << describe(v);
    return Val::poison();
  }
  }
  return Val::poison();
}

static const char *opWord(Tok op) {
  switch (op) {
  case Tok::Plus:
    return "add";
  case Tok::Minus:
    return "subtract";
  case Tok::Star:
    return "multiply";
  case Tok::Slash:
    return "divide";
  default:
    return "compare";
  }
}

Val Generator::evalBinary(const BinaryExprAST *b) {
  Tok op = b->getOp();
  Val lhs = eval(b->getLHS());
  if (lhs.isPoison())
    return lhs;
  if (op == Tok::KwAnd || op == Tok::KwOr) {
    if (lhs.kind != Val::Bool) {
      error(b->getLHS()->getLoc()) << "'" << (op == Tok::KwAnd ? "and" : "or")
                                   << "' needs true or false, got "
                                   << describe(lhs);
      return Val::poison();
    }
    if (lhs.b == (op == Tok::KwOr))
      return lhs;
    Val rhs = eval(b->getRHS());
    if (rhs.isPoison())
      return rhs;
    if (rhs.kind != Val::Bool) {
      error(b->getRHS()->getLoc()) << "'" << (op == Tok::KwAnd ? "and" : "or")
                                   << "' needs true or false, got "
                                   << describe(rhs);
      return Val::poison();
    }
    return rhs;
  }
  Val rhs = eval(b->getRHS());
  if (rhs.isPoison())
    return rhs;

  switch (op) {
  case Tok::Eq:
  case Tok::Ne:
  case Tok::Lt:
  case Tok::Le:
  case Tok::Gt:
  case Tok::Ge: {
    int cmp;
    if (lhs.isNumber() && rhs.isNumber()) {
      double x = lhs.number(), y = rhs.number();
      cmp = x < y ? -1 : x > y ? 1 : 0;
    } else if ((op == Tok::Eq || op == Tok::Ne) && lhs.kind == rhs.kind &&
               (lhs.kind == Val::Str || lhs.kind == Val::Bool)) {
      cmp = lhs.kind == Val::Str ? (lhs.s == rhs.s ? 0 : 1)
                                 : (lhs.b == rhs.b ? 0 : 1);
    } else {
      error(b->getLoc()) << "cannot compare " << describe(lhs) << " with "
                         << describe(rhs);
      return Val::poison();
    }
    bool r = op == Tok::Eq   ? cmp == 0
             : op == Tok::Ne ? cmp != 0
             : op == Tok::Lt ? cmp < 0
             : op == Tok::Le ? cmp <= 0
             : op == Tok::Gt ? cmp > 0
                             : cmp >= 0;
    return Val::ofBool(r);
  }
  default:
    break;
  }

  if (lhs.kind == Val::Tensor || rhs.kind == Val::Tensor)
    return binary(op, lhs, rhs, toLoc(b->getLoc()), "");
  if (lhs.kind == Val::Int && rhs.kind == Val::Int)
    return intArith(b, lhs.i, rhs.i);
  if (lhs.isNumber() && rhs.isNumber()) {
    double x = lhs.number(), y = rhs.number();
    switch (op) {
    case Tok::Plus:
      return Val::ofFloat(x + y);
    case Tok::Minus:
      return Val::ofFloat(x - y);
    case Tok::Star:
      return Val::ofFloat(x * y);
    default:
      return Val::ofFloat(x / y);
    }
  }
  error(b->getLoc()) << "cannot " << opWord(op) << " " << describe(lhs)
                     << " and " << describe(rhs);
  return Val::poison();
}

Val Generator::evalCall(const CallExprAST *call) {
  StringRef callee = call->getCallee();
  const LayerSpec *spec = lookupLayer(callee);
  auto blockIt = blocks.find(callee);
  if (!spec && blockIt == blocks.end()) {
    auto diag = error(call->getLoc()) << "unknown layer '" << callee << "'";
    std::string s = suggestName(callee, true);
    if (!s.empty())
      diag << "; did you mean '" << s << "'?";
    return Val::poison();
  }
  std::vector<Val> positional;
  std::vector<std::pair<const ArgAST *, Val>> keywords;
  for (const ArgAST &a : call->getArgs()) {
    Val v = eval(a.value.get());
    if (a.name.empty())
      positional.push_back(std::move(v));
    else
      keywords.push_back({&a, std::move(v)});
  }
  // A block shadows nothing: block names that are layers are rejected.
  if (blockIt != blocks.end())
    return callBlock(*blockIt->second, call, positional, keywords);
  return callLayer(*spec, call, positional, keywords);
}

static std::string paramList(ArrayRef<const char *> params) {
  std::string s;
  for (auto [i, p] : llvm::enumerate(params))
    s += (i ? ", " : "") + std::string(p);
  return s;
}

Val Generator::callLayer(const LayerSpec &spec, const CallExprAST *call,
                         std::vector<Val> &positional,
                         std::vector<std::pair<const ArgAST *, Val>> &keywords) {
  LayerCall c(toLoc(call->getLoc()));
  c.spec = &spec;
  c.ast = call;
  c.args.resize(spec.params.size());
  c.argLocs.resize(spec.params.size());
  ArrayRef<ArgAST> argAsts = call->getArgs();
  bool poisoned = false;

  if (spec.variadic) {
    for (Val &v : positional) {
      poisoned |= v.isPoison();
      c.rest.push_back(std::move(v));
    }
  } else {
    if (positional.size() > spec.params.size()) {
      error(argAsts[spec.params.size()].loc)
          << spec.name << " takes " << spec.params.size()
          << " positional argument" << (spec.params.size() == 1 ? "" : "s")
          << " (" << paramList(spec.params) << "), got " << positional.size();
      return Val::poison();
    }
    for (size_t i = 0; i < positional.size(); ++i) {
      poisoned |= positional[i].isPoison();
      c.args[i] = std::move(positional[i]);
      c.argLocs[i] = argAsts[i].loc;
    }
  }
  for (auto &[a, v] : keywords) {
    poisoned |= v.isPoison();
    if (a->name == "name") {
      if (v.kind != Val::Str) {
        error(a->loc) << spec.name << ": argument 'name' must be a string, got "
                      << describe(v);
        return Val::poison();
      }
      c.explicitName = v.s;
      continue;
    }
    auto it = llvm::find_if(spec.params,
                            [&](const char *p) { return a->name == p; });
    if (it == spec.params.end()) {
      error(a->loc) << spec.name << " has no argument '" << a->name
                    << "' (arguments: " << paramList(spec.params)
                    << (spec.kind ? ", name" : "") << ")";
      return Val::poison();
    }
    size_t i = it - spec.params.begin();
    if (c.args[i]) {
      error(a->loc) << spec.name << ": argument '" << a->name
                    << "' is given twice";
      return Val::poison();
    }
    c.args[i] = std::move(v);
    c.argLocs[i] = a->loc;
  }
  if (spec.variadic && c.rest.empty()) {
    error(call->getLoc()) << spec.name << " needs at least one input";
    return Val::poison();
  }
  for (unsigned i = 0; i < spec.required; ++i) {
    if (!c.args[i]) {
      error(call->getLoc()) << spec.name << " needs argument '"
                            << spec.params[i] << "' (arguments: "
                            << paramList(spec.params) << ")";
      return Val::poison();
    }
  }
  if (poisoned)
    return failed();
  if (spec.kind && ::failed(nameLayer(c, spec.kind)))
    return Val::poison();
  Val result = (this->*spec.fn)(c);
  if (result.kind == Val::Tensor &&
      ::failed(checkTensorType(result.t.getType(), c.loc,
                               c.name.empty() ? Twine("the result of ") +
                                                    spec.name
                                              : "the result of layer '" +
                                                    c.name + "'")))
    return Val::poison();
  return result;
}

Val Generator::callBlock(const BlockAST &block, const CallExprAST *call,
                         std::vector<Val> &positional,
                         std::vector<std::pair<const ArgAST *, Val>> &keywords) {
  // A block that calls itself, directly or through others, would never end.
  for (auto [k, f] : llvm::enumerate(frames)) {
    if (f->block != &block)
      continue;
    std::string chain;
    for (size_t j = k; j < frames.size(); ++j)
      chain += frames[j]->block->name + " -> ";
    error(call->getLoc()) << "recursive block '" << block.name
                          << "': " << chain << block.name;
    return Val::poison();
  }
  // frames[0] is the network.
  if (frames.size() > kMaxBlockDepth) {
    auto diag = error(call->getLoc())
                << "block calls nest too deeply: more than " << kMaxBlockDepth
                << " levels (";
    for (size_t j = 1; j < frames.size(); ++j) {
      if (j == 4 && frames.size() > 7) {
        diag << "... -> ";
        j = frames.size() - 3;
      }
      diag << frames[j]->block->name << " -> ";
    }
    diag << block.name << ")";
    stop();
    return Val::poison();
  }
  ArrayRef<ArgAST> argAsts = call->getArgs();
  auto paramNames = [&] {
    std::string s;
    for (auto [i, p] : llvm::enumerate(block.params))
      s += (i ? ", " : "") + p.name;
    return s;
  };
  if (positional.size() > block.params.size()) {
    error(argAsts[block.params.size()].loc)
        << "block '" << block.name << "' takes " << block.params.size()
        << " argument" << (block.params.size() == 1 ? "" : "s") << " ("
        << paramNames() << "), got " << positional.size();
    return Val::poison();
  }
  std::vector<std::optional<Val>> bound(block.params.size());
  bool poisoned = false;
  for (size_t i = 0; i < positional.size(); ++i) {
    poisoned |= positional[i].isPoison();
    bound[i] = std::move(positional[i]);
  }
  std::string explicitName;
  for (auto &[a, v] : keywords) {
    poisoned |= v.isPoison();
    auto it = llvm::find_if(block.params,
                            [&](const ParamAST &p) { return p.name == a->name; });
    if (it == block.params.end()) {
      if (a->name == "name" && v.kind == Val::Str) {
        explicitName = v.s;
        continue;
      }
      error(a->loc) << "block '" << block.name << "' has no parameter '"
                    << a->name << "' (parameters: " << paramNames() << ")";
      return Val::poison();
    }
    size_t i = it - block.params.begin();
    if (bound[i]) {
      error(a->loc) << "block '" << block.name << "': argument '" << a->name
                    << "' is given twice";
      return Val::poison();
    }
    bound[i] = std::move(v);
  }
  for (size_t i = 0; i < bound.size(); ++i) {
    if (!bound[i] && !block.params[i].defaultValue) {
      error(call->getLoc()) << "block '" << block.name
                            << "' needs argument '" << block.params[i].name
                            << "' (parameters: " << paramNames() << ")";
      return Val::poison();
    }
  }
  if (poisoned)
    return failed();

  Location callLoc = toLoc(call->getLoc());
  Frame &parent = frame();
  std::string local = explicitName;
  if (local.empty())
    local = block.name + std::to_string(++parent.counters["block:" + block.name]);
  auto f = std::make_unique<Frame>();
  f->prefix = parent.prefix.empty() ? local : parent.prefix + "." + local;
  if (f->prefix.size() > kMaxFullNameLength) {
    error(call->getLoc()) << "the name of this instance of block '"
                          << block.name << "' is longer than "
                          << kMaxFullNameLength << " characters ('"
                          << StringRef(f->prefix).take_front(60) << "...')";
    return Val::poison();
  }
  f->caller = NameLoc::get(StringAttr::get(&ctx, f->prefix), callLoc);
  f->block = &block;
  frames.push_back(std::move(f));
  // Defaults are evaluated in the block, after the parameters before them.
  for (size_t i = 0; i < bound.size(); ++i) {
    Val v = bound[i] ? std::move(*bound[i])
                     : eval(block.params[i].defaultValue.get());
    frame().vars[block.params[i].name] = std::move(v);
  }
  exec(block.body);
  std::unique_ptr<Frame> done = std::move(frames.back());
  frames.pop_back();
  // Generation stopped inside the body: it was reported where it stopped.
  if (stopped)
    return Val::poison();
  if (!done->returned) {
    error(block.loc) << "block '" << block.name
                     << "' ends without a 'return'";
    return Val::poison();
  }
  if (done->results.size() == 1)
    return std::move(done->results[0]);
  return checkList(Val::ofList(std::move(done->results)), call->getLoc());
}

//===----------------------------------------------------------------------===//
// The network
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> Generator::generate() {
  ctx.loadDialect<cnn::CNNDialect, func::FuncDialect, arith::ArithDialect>();
  if (ast.networks.empty()) {
    std::string file = "<unknown>";
    for (const auto &b : ast.blocks)
      file = *b->loc.file;
    emitError(FileLineColLoc::get(&ctx, file, 1, 1))
        << "the file defines no network ('network name(input: [...]) { ... "
           "}')";
    return nullptr;
  }
  for (size_t k = 1; k < ast.networks.size(); ++k)
    error(ast.networks[k]->loc) << "a file defines one network; '"
                                << ast.networks[0]->name << "' came first";
  for (const auto &b : ast.blocks) {
    if (lookupLayer(b->name)) {
      error(b->loc) << "block '" << b->name
                    << "' has the name of a layer; choose another name";
      continue;
    }
    auto [it, inserted] = blocks.insert({b->name, b.get()});
    if (!inserted)
      error(b->loc) << "block '" << b->name << "' is defined twice (first at "
                    << "line " << it->second->loc.line << ")";
    llvm::StringSet<> seen;
    for (const ParamAST &p : b->params)
      if (!seen.insert(p.name).second)
        error(p.loc) << "block '" << b->name << "' has two parameters named '"
                     << p.name << "'";
  }
  const NetworkAST &net = *ast.networks[0];
  Location netLoc = FileLineColLoc::get(&ctx, *net.loc.file, net.loc.line,
                                        net.loc.col);
  if (options.weightsFile.empty() && !options.seed) {
    error(netLoc) << "network '" << net.name
                  << "' needs weights: give a safetensors file (--weights "
                     "FILE) or a seed for random weights (--seed N)";
    return nullptr;
  }
  store = WeightStore::open(options.weightsFile, options.seed, netLoc);
  if (!store)
    return nullptr;

  OwningOpRef<ModuleOp> module = ModuleOp::create(netLoc);
  (*module)->setAttr("cnnc.model_name", builder.getStringAttr(net.name));
  builder.setInsertionPointToEnd(module->getBody());
  SmallVector<Type> argTypes;
  for (const InputAST &in : net.inputs) {
    argTypes.push_back(RankedTensorType::get(in.shape, builder.getF32Type()));
    (void)checkTensorType(argTypes.back(), toLoc(in.loc),
                          "input '" + in.name + "'");
  }
  if (hadError)
    return nullptr;
  auto func = func::FuncOp::create(builder, netLoc, options.entryName,
                                   builder.getFunctionType(argTypes, {}));
  Block *body = func.addEntryBlock();
  frames.push_back(std::make_unique<Frame>());
  for (auto [i, in] : llvm::enumerate(net.inputs)) {
    func.setArgAttr(i, "cnnc.name", builder.getStringAttr(in.name));
    usedNames.insert(in.name);
    if (frame().vars.count(in.name))
      error(in.loc) << "network input '" << in.name << "' is declared twice";
    frame().vars[in.name] = Val::ofTensor(body->getArgument(i));
  }
  builder.setInsertionPointToEnd(body);
  exec(net.body);

  Frame &top = frame();
  if (stopped && errorCount >= kMaxErrors)
    emitError(netLoc) << "too many errors (" << errorCount
                      << "); the rest of network '" << net.name
                      << "' was not generated";
  if (!top.returned && !hadError)
    error(net.loc) << "network '" << net.name
                   << "' ends without a 'return'";
  SmallVector<Value> results;
  SmallVector<std::string> names;
  llvm::StringMap<size_t> outputIndex;
  for (auto [k, v] : llvm::enumerate(top.results)) {
    if (v.isPoison()) {
      hadError = true;
      continue;
    }
    if (v.kind != Val::Tensor) {
      error(net.loc) << "network '" << net.name << "' returns "
                     << describe(v) << "; a network returns tensors";
      continue;
    }
    results.push_back(v.t);
    std::string name = top.resultNames[k];
    if (name.empty())
      name = top.results.size() == 1 ? "output" : "output_" + std::to_string(k);
    // Outputs are found by name (the runtime, ONNX export): one name, one
    // output.
    auto [it, inserted] = outputIndex.insert({name, k});
    if (!inserted)
      error(top.resultLocs[k]) << "network '" << net.name
                               << "' has two outputs named '" << name
                               << "' (outputs " << it->second << " and " << k
                               << "); name them apart with 'as NAME'";
    names.push_back(name);
  }
  if (hadError)
    return nullptr;
  store->warnUnused(netLoc);
  func::ReturnOp::create(builder, netLoc, results);
  SmallVector<Type> resultTypes;
  for (Value v : results)
    resultTypes.push_back(v.getType());
  func.setType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, name] : llvm::enumerate(names))
    func.setResultAttr(i, "cnnc.name", builder.getStringAttr(name));
  if (::failed(verify(*module)))
    return nullptr;
  return module;
}

OwningOpRef<ModuleOp> mlir::cnnc::dsl::mlirGen(MLIRContext &ctx,
                                               const ModuleAST &module,
                                               const DslImportOptions &options) {
  return Generator(ctx, module, options).generate();
}
