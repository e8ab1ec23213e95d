//===- MLIRGenImpl.h - state of the .cnn generator --------------*- C++ -*-===//
//
// Internal to the DSL frontend: the generator, shared by MLIRGen.cpp (the
// evaluation of statements, expressions and block calls) and Layers.cpp (the
// layer vocabulary, each layer checked with the cnn shape rules and built).
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_MLIRGENIMPL_H
#define CNNC_FRONTENDS_DSL_MLIRGENIMPL_H

#include "dsl/AST.h"
#include "dsl/Limits.h"
#include "dsl/MLIRGen.h"
#include "dsl/Weights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::cnnc::dsl {

/// A value of the language: a number, a flag, a string, a list, a tensor,
/// or Poison, the result of an expression that already reported an error
/// (uses of it report nothing more, so one mistake gives one message).
struct Val {
  enum Kind { None, Poison, Int, Float, Bool, Str, List, Tensor };
  Kind kind = None;
  int64_t i = 0;
  double f = 0;
  bool b = false;
  std::string s;
  std::vector<Val> list;
  Value t;
  /// For lists: the values in it, nested lists counted in full (1 for any
  /// other value), the nesting of lists (0 for any other value), and
  /// whether some value in it is Poison. Bounded by kMaxListValues and
  /// kMaxNesting, which keeps copies and recursion over values small.
  int64_t count = 1;
  unsigned depth = 0;
  bool hasPoison = false;

  static Val poison() { return make(Poison); }
  static Val ofInt(int64_t v) {
    Val x = make(Int);
    x.i = v;
    return x;
  }
  static Val ofFloat(double v) {
    Val x = make(Float);
    x.f = v;
    return x;
  }
  static Val ofBool(bool v) {
    Val x = make(Bool);
    x.b = v;
    return x;
  }
  static Val ofStr(std::string v) {
    Val x = make(Str);
    x.s = std::move(v);
    return x;
  }
  static Val ofTensor(Value v) {
    Val x = make(Tensor);
    x.t = v;
    return x;
  }
  static Val ofList(std::vector<Val> v) {
    Val x = make(List);
    x.list = std::move(v);
    x.count = 0;
    for (const Val &e : x.list) {
      x.count += e.count;
      x.depth = std::max(x.depth, e.depth);
      x.hasPoison |= e.isPoison();
    }
    ++x.depth;
    return x;
  }
  bool isPoison() const {
    return kind == Poison || (kind == List && hasPoison);
  }
  bool isNumber() const { return kind == Int || kind == Float; }
  double number() const { return kind == Int ? (double)i : f; }

private:
  static Val make(Kind k) {
    Val v;
    v.kind = k;
    return v;
  }
};

/// "an integer 3", "a tensor [1, 64, 56, 56]", ... for messages.
std::string describe(const Val &v);
std::string shapeStr(ArrayRef<int64_t> shape);
ArrayRef<int64_t> shapeOf(Value v);

/// One activation of the network or of a block instance.
struct Frame {
  llvm::StringMap<Val> vars;
  /// Prefix of the layer names made here ("" or "layer1.bottleneck2").
  std::string prefix;
  /// Counters for automatic layer names, per kind ("conv" -> 2).
  llvm::StringMap<int> counters;
  /// Location of the call that made this instance (null in the network).
  std::optional<Location> caller;
  const BlockAST *block = nullptr;
  bool returned = false;
  std::vector<Val> results;
  std::vector<std::string> resultNames;
  std::vector<SrcLoc> resultLocs;
};

class Generator;

/// A layer call being built: its bound arguments and its name.
struct LayerCall {
  const struct LayerSpec *spec = nullptr;
  const CallExprAST *ast = nullptr;
  /// Arguments by parameter index (unset when not given).
  std::vector<std::optional<Val>> args;
  std::vector<SrcLoc> argLocs;
  /// Extra positional arguments (concat's inputs).
  std::vector<Val> rest;
  /// The `name` argument, when given.
  std::string explicitName;
  /// The layer's full name and location, set by Generator::nameLayer.
  std::string name;
  Location loc;

  explicit LayerCall(Location loc) : loc(loc) {}
};

using LayerFn = Val (Generator::*)(LayerCall &);

/// A layer of the vocabulary: parameter names in positional order (the first
/// `required` are required) and the kind used for automatic names.
struct LayerSpec {
  const char *name;
  std::vector<const char *> params;
  unsigned required;
  const char *kind; // null: the layer makes no named op (dropout, scalars)
  LayerFn fn;
  bool variadic = false;
};

/// The table of layers (Layers.cpp); null when `name` is not a layer.
const LayerSpec *lookupLayer(StringRef name);
/// All layer names, for suggestions and the docs test.
std::vector<StringRef> layerNames();

class Generator {
public:
  Generator(MLIRContext &ctx, const ModuleAST &module,
            const DslImportOptions &options);
  OwningOpRef<ModuleOp> generate();

  //===--- Used by the layers (Layers.cpp) --------------------------------===//

  /// Reports an error at `loc` and remembers that generation failed.
  InFlightDiagnostic error(Location loc);
  InFlightDiagnostic error(const SrcLoc &loc) { return error(toLoc(loc)); }
  /// Records a failure already reported (by a shape rule or the store).
  Val failed() {
    hadError = true;
    return Val::poison();
  }
  Location toLoc(const SrcLoc &loc);
  OpBuilder &getBuilder() { return builder; }
  Frame &frame() { return *frames.back(); }

  /// Gives `call` its full name and location (`kind` numbered per frame).
  /// Fails (reported) past kMaxLayers layers or kMaxFullNameLength.
  LogicalResult nameLayer(LayerCall &call, StringRef kind);
  /// Elements of a weight of `shape`, after checking them against the
  /// limits: kMaxTensorElements, and the weight bytes still allowed
  /// (DslImportOptions::maxWeightBytes). Reports at the layer and fails.
  FailureOr<int64_t> weightElements(LayerCall &call, StringRef suffix,
                                    ArrayRef<int64_t> shape);
  /// Checks a tensor type the network makes (`what`: "input 'x'", "the
  /// result of conv1") against kMaxRank, kMaxDim and kMaxTensorElements.
  LogicalResult checkTensorType(Type type, Location loc, const Twine &what);
  /// A weight of the current layer: "<layer>.<suffix>" from the store.
  FailureOr<Value> weight(LayerCall &call, StringRef suffix,
                          ArrayRef<int64_t> shape, WeightInit init);
  /// A scalar f32 constant (for tensor-number arithmetic).
  Value scalarConstant(float v, Location loc);

  /// Argument accessors; each reports a wrong kind of value at the
  /// argument and fails.
  FailureOr<Value> tensorArg(LayerCall &c, unsigned i);
  FailureOr<int64_t> intArg(LayerCall &c, unsigned i, int64_t dflt);
  FailureOr<double> floatArg(LayerCall &c, unsigned i, double dflt);
  FailureOr<bool> boolArg(LayerCall &c, unsigned i, bool dflt);
  /// A size: an integer in [1, kMaxDim] (channels, units, groups).
  FailureOr<int64_t> sizeArg(LayerCall &c, unsigned i, int64_t dflt);
  FailureOr<std::string> stringArg(LayerCall &c, unsigned i, StringRef dflt);
  /// An integer or a pair [h, w], both in [1, kMaxDim].
  FailureOr<std::pair<int64_t, int64_t>>
  pairArg(LayerCall &c, unsigned i, std::pair<int64_t, int64_t> dflt);
  /// A list of integers, each at most kMaxDim in magnitude.
  FailureOr<SmallVector<int64_t>> intListArg(LayerCall &c, unsigned i);
  SrcLoc argLoc(LayerCall &c, unsigned i);

  /// With seeded weights, a residual sum whose branch ends in a batch norm
  /// damps that batch norm (see MLIRGen.cpp).
  void noteResidual(Value lhs, Value rhs);
  void noteSeededBatchNorm(Operation *op, Value scale) {
    seededBN[op] = scale;
  }

  // Layer implementations (Layers.cpp).
  Val layerConv(LayerCall &c);
  Val layerDwConv(LayerCall &c);
  Val layerMaxPool(LayerCall &c);
  Val layerAvgPool(LayerCall &c);
  Val layerGlobalAvgPool(LayerCall &c);
  Val layerGlobalMaxPool(LayerCall &c);
  Val layerBatchNorm(LayerCall &c);
  Val layerDense(LayerCall &c);
  Val layerRelu(LayerCall &c);
  Val layerRelu6(LayerCall &c);
  Val layerSigmoid(LayerCall &c);
  Val layerTanh(LayerCall &c);
  Val layerSilu(LayerCall &c);
  Val layerHardSwish(LayerCall &c);
  Val layerHardSigmoid(LayerCall &c);
  Val layerLeakyRelu(LayerCall &c);
  Val layerClip(LayerCall &c);
  Val layerSoftmax(LayerCall &c);
  Val layerFlatten(LayerCall &c);
  Val layerReshape(LayerCall &c);
  Val layerPad(LayerCall &c);
  Val layerDropout(LayerCall &c);
  Val layerLRN(LayerCall &c);
  Val layerConcat(LayerCall &c);
  Val layerAdd(LayerCall &c);
  Val layerSub(LayerCall &c);
  Val layerMul(LayerCall &c);
  Val layerDiv(LayerCall &c);
  Val layerChannels(LayerCall &c);
  Val layerHeight(LayerCall &c);
  Val layerWidth(LayerCall &c);
  Val layerShape(LayerCall &c);

  /// Elementwise binary op on two tensors, or a tensor and a number.
  Val binary(Tok op, const Val &lhs, const Val &rhs, Location loc,
             const std::string &explicitName);

private:
  /// Counts `n` evaluation steps; false (reported at `loc`, generation
  /// stops) past kMaxSteps or once generation has stopped.
  bool step(const SrcLoc &loc, int64_t n = 1);
  /// One level of recursion at `loc` (the caller holds a Depth): a step,
  /// and fails (reported) past kMaxEvalDepth levels.
  bool enter(const SrcLoc &loc);
  /// Stops generation: statements not yet run are skipped.
  void stop() { stopped = true; }
  /// Integer arithmetic of the language, with overflow as an error.
  Val intArith(const BinaryExprAST *b, int64_t x, int64_t y);
  /// Checks a list value just built against kMaxListValues and kMaxNesting.
  Val checkList(Val list, const SrcLoc &loc);

  // Statements and expressions (MLIRGen.cpp).
  void exec(const StmtList &body);
  void exec(const StmtAST *stmt);
  Val eval(const ExprAST *expr);
  Val evalCall(const CallExprAST *call);
  Val evalBinary(const BinaryExprAST *b);
  Val callLayer(const LayerSpec &spec, const CallExprAST *call,
                std::vector<Val> &positional,
                std::vector<std::pair<const ArgAST *, Val>> &keywords);
  Val callBlock(const BlockAST &block, const CallExprAST *call,
                std::vector<Val> &positional,
                std::vector<std::pair<const ArgAST *, Val>> &keywords);
  std::string uniqueName(std::string name);
  std::string suggestName(StringRef name, bool functions);

  MLIRContext &ctx;
  const ModuleAST &ast;
  const DslImportOptions &options;
  OpBuilder builder;
  std::unique_ptr<WeightStore> store;
  llvm::StringMap<const BlockAST *> blocks;
  std::vector<std::unique_ptr<Frame>> frames;
  llvm::StringSet<> usedNames;
  /// The next suffix to try for a name already taken ("relu" -> 3).
  llvm::StringMap<int> nextSuffix;
  /// Batch norms whose scale was drawn from the seed (op -> scale value).
  llvm::DenseMap<Operation *, Value> seededBN;
  bool hadError = false;
  /// What the network has used of its limits (Limits.h).
  int64_t steps = 0, layers = 0;
  uint64_t weightBytes = 0;
  unsigned errorCount = 0, evalDepth = 0;
  /// Generation gave up (a limit or too many errors): nothing more runs.
  bool stopped = false;
};

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_MLIRGENIMPL_H
