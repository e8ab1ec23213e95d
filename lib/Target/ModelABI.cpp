//===- ModelABI.cpp - signature, entry point and weights of a model -------===//
//
// Implements the compiler side of runtime/include/cnnrt/cnnrt_abi.h: the
// signature is recorded on the module while it is still at tensor level, and
// after translation to LLVM IR it becomes the `cnnc_model_signature` constant
// next to a `cnnc_model_entry(void **)` that calls the network with bare
// pointers.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Target/Emission.h"
#include "cnnrt/cnnrt_abi.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include <limits>

using namespace mlir;
using namespace mlir::cnnc;

static DictionaryAttr tensorEntry(Builder &b, StringRef name, Type type) {
  auto rt = cast<RankedTensorType>(type);
  return b.getDictionaryAttr(
      {b.getNamedAttr("name", b.getStringAttr(name)),
       b.getNamedAttr("shape", b.getDenseI64ArrayAttr(rt.getShape()))});
}

namespace {
/// One input or output of a validated `cnnc.signature`.
struct SignatureEntry {
  StringRef name;
  ArrayRef<int64_t> shape;
};

/// A `cnnc.signature` whose every field has been checked.
struct Signature {
  SmallVector<SignatureEntry> inputs, outputs;
  StringRef modelName;
};
} // namespace

/// An attribute for a diagnostic; "nothing" for a missing one.
static std::string describe(Attribute a) {
  if (!a)
    return "nothing";
  std::string s;
  llvm::raw_string_ostream os(s);
  a.print(os);
  return s;
}

static std::string formatShape(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? "," : "") + std::to_string(d);
  return s + "]";
}

/// Reads the module's `cnnc.signature`, checking every field: the names
/// (non-empty, no NUL, which the C strings of the ABI cannot hold), the
/// shapes (static, non-negative, of an element count whose byte size fits
/// in int64) and the counts (int32 in the ABI). The attribute may come
/// from a user's .mlir file, so nothing about it is taken on trust.
static FailureOr<Signature> parseSignature(ModuleOp module) {
  Attribute raw = module->getAttr(kSignatureAttrName);
  auto error = [&]() {
    InFlightDiagnostic d = module.emitError("malformed '");
    d << kSignatureAttrName << "' attribute: ";
    return d;
  };
  if (!raw)
    return module.emitError("module has no '")
           << kSignatureAttrName
           << "' attribute: compile from the cnn or linalg level, or add it";
  auto dict = dyn_cast<DictionaryAttr>(raw);
  if (!dict)
    return error() << "expected a dictionary {inputs = [...], outputs = "
                      "[...], model_name = \"...\"}, got "
                   << raw;
  for (NamedAttribute field : dict)
    if (!llvm::is_contained({"inputs", "outputs", "model_name"},
                            field.getName().getValue()))
      return error() << "unknown field '" << field.getName().getValue()
                     << "' (expected inputs, outputs, model_name)";

  auto checkName = [&](Attribute a, const Twine &where) -> FailureOr<StringRef> {
    auto str = dyn_cast_or_null<StringAttr>(a);
    if (!str)
      return error() << where << ": expected a string, got "
                     << describe(a);
    if (str.getValue().empty())
      return error() << where << ": empty name";
    if (str.getValue().contains('\0'))
      return error() << where << ": name contains a NUL character";
    return str.getValue();
  };

  Signature sig;
  for (StringRef key : {"inputs", "outputs"}) {
    SmallVector<SignatureEntry> &entries =
        key == "inputs" ? sig.inputs : sig.outputs;
    auto list = dyn_cast_or_null<ArrayAttr>(dict.get(key));
    if (!list)
      return error() << "'" << key
                     << "' must be an array of {name = \"...\", shape = "
                        "array<i64: ...>}, got "
                     << describe(dict.get(key));
    if (list.size() > size_t(std::numeric_limits<int32_t>::max()))
      return error() << "too many " << key;
    for (auto [i, a] : llvm::enumerate(list)) {
      std::string where = (key + "[" + Twine(i) + "]").str();
      auto entry = dyn_cast<DictionaryAttr>(a);
      if (!entry)
        return error() << where
                       << ": expected {name = \"...\", shape = array<i64: "
                          "...>}, got "
                       << a;
      for (NamedAttribute field : entry)
        if (!llvm::is_contained({"name", "shape"},
                                field.getName().getValue()))
          return error() << where << ": unknown field '"
                         << field.getName().getValue()
                         << "' (expected name, shape)";
      auto name = checkName(entry.get("name"), where + ".name");
      if (failed(name))
        return failure();
      // Hosts bind tensors by name (cnnrt_find_input, cnnc-run --input).
      for (auto [j, other] : llvm::enumerate(entries))
        if (other.name == *name)
          return error() << where << ".name: '" << *name << "' repeats "
                         << key << "[" << j << "].name";
      auto shape = dyn_cast_or_null<DenseI64ArrayAttr>(entry.get("shape"));
      if (!shape)
        return error() << where << ".shape: expected array<i64: ...>, got "
                       << describe(entry.get("shape"));
      // Bytes of the largest element type (i64) must fit in int64.
      int64_t elements = 1;
      for (int64_t d : shape.asArrayRef()) {
        if (d < 0)
          return error() << where << ".shape "
                         << formatShape(shape.asArrayRef())
                         << ": dimensions must be static and non-negative";
        if (d && elements > std::numeric_limits<int64_t>::max() / 8 / d)
          return error() << where << ".shape "
                         << formatShape(shape.asArrayRef())
                         << ": too many elements";
        elements *= d;
      }
      entries.push_back({*name, shape.asArrayRef()});
    }
  }
  auto modelName = checkName(dict.get("model_name"), "model_name");
  if (failed(modelName))
    return failure();
  sig.modelName = *modelName;
  return sig;
}

/// Checks the signature against @cnnc_main's types while they are still
/// tensors or memrefs: (inputs) -> (outputs), or, after
/// buffer-results-to-out-params, (inputs, outputs) -> ().
static LogicalResult checkSignatureTypes(func::FuncOp func,
                                         const Signature &sig) {
  FunctionType ft = func.getFunctionType();
  size_t numIn = sig.inputs.size(), numOut = sig.outputs.size();
  bool outParams = ft.getNumResults() == 0 && numOut > 0 &&
                   ft.getNumInputs() == numIn + numOut;
  if (!outParams &&
      (ft.getNumInputs() != numIn || ft.getNumResults() != numOut))
    return func.emitError("'")
           << kSignatureAttrName << "' lists " << numIn << " input(s) and "
           << numOut << " output(s) but @" << kEntryFunctionName << " takes "
           << ft.getNumInputs() << " argument(s) and returns "
           << ft.getNumResults() << " result(s)";
  auto check = [&](Type t, const SignatureEntry &e, StringRef kind,
                   size_t index, StringRef what,
                   size_t position) -> LogicalResult {
    auto shaped = dyn_cast<ShapedType>(t);
    auto memref = dyn_cast<MemRefType>(t);
    if (!shaped || !(isa<RankedTensorType>(t) || memref) ||
        !shaped.hasStaticShape() || !shaped.getElementType().isF32() ||
        (memref && !memref.getLayout().isIdentity()))
      return func.emitError() << what << " #" << position
                              << " must be a static f32 tensor or "
                                 "identity-layout memref, got "
                              << t;
    if (shaped.getShape() != e.shape)
      return func.emitError("'")
             << kSignatureAttrName << "' " << kind << " #" << index << " '"
             << e.name << "' has shape " << formatShape(e.shape) << " but @"
             << kEntryFunctionName << "'s " << what << " #" << position
             << " is " << t;
    return success();
  };
  for (auto [i, e] : llvm::enumerate(sig.inputs))
    if (failed(check(ft.getInput(i), e, "input", i, "argument", i)))
      return failure();
  for (auto [i, e] : llvm::enumerate(sig.outputs)) {
    Type t = outParams ? ft.getInput(numIn + i) : ft.getResult(i);
    if (failed(check(t, e, "output", i, outParams ? "argument" : "result",
                     outParams ? numIn + i : i)))
      return failure();
  }
  return success();
}

LogicalResult mlir::cnnc::recordSignature(ModuleOp module) {
  auto func = module.lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!func)
    return module.emitError("no function @")
           << kEntryFunctionName << " to compile";
  if (module->hasAttr(kSignatureAttrName)) {
    // Given with the input: it must describe this function.
    auto sig = parseSignature(module);
    return failed(sig) ? failure() : checkSignatureTypes(func, *sig);
  }
  Builder b(module.getContext());
  SmallVector<Attribute> inputs, outputs;
  FunctionType ft = func.getFunctionType();
  auto check = [&](Type t, StringRef what, unsigned i) -> LogicalResult {
    auto rt = dyn_cast<RankedTensorType>(t);
    if (!rt || !rt.hasStaticShape() || !rt.getElementType().isF32())
      return func.emitError() << what << " #" << i
                              << " must be a static f32 tensor, got " << t;
    return success();
  };
  auto nameOf = [](StringAttr name, const Twine &fallback) {
    return name && !name.getValue().empty() ? name.getValue().str()
                                            : fallback.str();
  };
  for (auto [i, t] : llvm::enumerate(ft.getInputs())) {
    if (failed(check(t, "argument", i)))
      return failure();
    auto name = func.getArgAttrOfType<StringAttr>(i, kTensorNameAttrName);
    inputs.push_back(tensorEntry(b, nameOf(name, "input_" + Twine(i)), t));
  }
  for (auto [i, t] : llvm::enumerate(ft.getResults())) {
    if (failed(check(t, "result", i)))
      return failure();
    auto name = func.getResultAttrOfType<StringAttr>(i, kTensorNameAttrName);
    outputs.push_back(tensorEntry(b, nameOf(name, "output_" + Twine(i)), t));
  }
  auto modelName = module->getAttrOfType<StringAttr>("cnnc.model_name");
  module->setAttr(
      kSignatureAttrName,
      b.getDictionaryAttr(
          {b.getNamedAttr("inputs", b.getArrayAttr(inputs)),
           b.getNamedAttr("outputs", b.getArrayAttr(outputs)),
           b.getNamedAttr("model_name",
                          modelName && !modelName.getValue().empty()
                              ? modelName
                              : b.getStringAttr("model"))}));
  // Names come from the frontend (a NUL in an ONNX name, ...).
  return success(succeeded(parseSignature(module)));
}

SmallVector<WeightBlob> mlir::cnnc::externalizeWeights(ModuleOp module) {
  SmallVector<WeightBlob> blobs;
  module.walk([&](LLVM::GlobalOp global) {
    auto attr =
        dyn_cast_or_null<DenseResourceElementsAttr>(global.getValueOrNull());
    if (!attr)
      return;
    AsmResourceBlob *blob = attr.getRawHandle().getBlob();
    if (!blob)
      return;
    uint64_t align = std::max<uint64_t>(global.getAlignment().value_or(0), 64);
    blobs.push_back({global.getSymName().str(), blob->getData(), align});
    global.removeValueAttr();
    global.setLinkage(LLVM::Linkage::External);
    global.setVisibility_(LLVM::Visibility::Hidden);
    global.setAlignment(align);
  });
  return blobs;
}

namespace {
/// Builds the LLVM constants of cnnrt_abi.h's signature structs.
struct SignatureEmitter {
  llvm::Module &m;
  llvm::LLVMContext &ctx;
  llvm::Type *i32, *ptr;
  llvm::StructType *infoTy;

  explicit SignatureEmitter(llvm::Module &m)
      : m(m), ctx(m.getContext()), i32(llvm::Type::getInt32Ty(ctx)),
        ptr(llvm::PointerType::get(ctx, 0)) {
    // cnnrt_tensor_info: name, dtype, rank, shape.
    infoTy = llvm::StructType::get(ctx, {ptr, i32, i32, ptr});
  }

  llvm::Constant *privateConst(llvm::Constant *init, StringRef name) {
    return new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                                    llvm::GlobalValue::PrivateLinkage, init,
                                    name);
  }
  llvm::Constant *string(StringRef s) {
    return privateConst(llvm::ConstantDataArray::getString(ctx, s), ".str");
  }
  llvm::Constant *tensors(ArrayRef<SignatureEntry> entries) {
    SmallVector<llvm::Constant *> infos;
    for (const SignatureEntry &entry : entries) {
      ArrayRef<int64_t> shape = entry.shape;
      llvm::Constant *shapeC =
          shape.empty()
              ? llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx, 0))
              : privateConst(llvm::ConstantDataArray::get(
                                 ctx, ArrayRef<uint64_t>(
                                          (const uint64_t *)shape.data(),
                                          shape.size())),
                             ".shape");
      infos.push_back(llvm::ConstantStruct::get(
          infoTy, {string(entry.name),
                   llvm::ConstantInt::get(i32, CNNRT_DTYPE_F32),
                   llvm::ConstantInt::get(i32, shape.size()), shapeC}));
    }
    auto *arrTy = llvm::ArrayType::get(infoTy, infos.size());
    return privateConst(llvm::ConstantArray::get(arrTy, infos), ".tensors");
  }
  /// cnnrt_layer_info[] from the module's `cnnc.layers` (may be absent).
  llvm::Constant *layers(ArrayAttr entries) {
    if (!entries || entries.empty())
      return llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx, 0));
    auto *i64 = llvm::Type::getInt64Ty(ctx);
    auto *layerTy = llvm::StructType::get(ctx, {ptr, ptr, i64});
    SmallVector<llvm::Constant *> infos;
    for (Attribute a : entries) {
      auto d = cast<DictionaryAttr>(a);
      infos.push_back(llvm::ConstantStruct::get(
          layerTy,
          {string(cast<StringAttr>(d.get("name")).getValue()),
           string(cast<StringAttr>(d.get("kind")).getValue()),
           llvm::ConstantInt::get(
               i64, cast<IntegerAttr>(d.get("macs")).getInt())}));
    }
    auto *arrTy = llvm::ArrayType::get(layerTy, infos.size());
    return privateConst(llvm::ConstantArray::get(arrTy, infos), ".layers");
  }
};
} // namespace

/// The x86 (or AArch64) features of CNNRT_X86_CHECKED_FEATURES that `tm`
/// lets generated code use, comma-separated: what a host must have to run
/// the library.
static std::string requiredFeatures(const llvm::TargetMachine &tm) {
  const llvm::MCSubtargetInfo *sti = tm.getMCSubtargetInfo();
  const llvm::Triple &triple = tm.getTargetTriple();
  SmallVector<StringRef> checked;
  if (triple.isX86())
    StringRef(CNNRT_X86_CHECKED_FEATURES).split(checked, ',');
  else if (triple.isAArch64())
    checked.push_back("neon");
  std::string required;
  for (StringRef f : checked)
    if (sti && sti->checkFeatures(("+" + f).str()))
      required += (required.empty() ? "" : ",") + f.str();
  return required;
}

/// Adds `cnnc_model_signature` and `cnnc_model_entry` to the translated
/// module.
LogicalResult addModelABI(ModuleOp module, llvm::Module &m,
                          const TargetInfo &target,
                          const llvm::TargetMachine &tm) {
  // Checked again here: an LLVM-dialect input never went through
  // recordSignature. Its types are bare pointers by now, so only the counts
  // can be compared.
  FailureOr<Signature> sig = parseSignature(module);
  if (failed(sig))
    return failure();
  llvm::Function *main = m.getFunction(kEntryFunctionName);
  if (!main)
    return module.emitError("no function ") << kEntryFunctionName;
  size_t numBuffers = sig->inputs.size() + sig->outputs.size();
  if (main->arg_size() != numBuffers || !main->getReturnType()->isVoidTy() ||
      llvm::any_of(main->args(), [](const llvm::Argument &a) {
        return !a.getType()->isPointerTy();
      }))
    return module.emitError("@")
           << kEntryFunctionName << " takes " << main->arg_size()
           << " arguments after lowering; '" << kSignatureAttrName
           << "' expects " << numBuffers << " bare pointers ("
           << sig->inputs.size() << " inputs then " << sig->outputs.size()
           << " outputs) and no results";

  SignatureEmitter e(m);
  llvm::LLVMContext &ctx = m.getContext();
  Attribute layersAttr = module->getAttr("cnnc.layers");
  auto layers = dyn_cast_or_null<ArrayAttr>(layersAttr);
  if (layersAttr && !layers)
    return module.emitError("malformed 'cnnc.layers': expected an array, got ")
           << layersAttr;
  if (layers)
    for (Attribute a : layers) {
      auto d = dyn_cast<DictionaryAttr>(a);
      auto name = d ? dyn_cast_or_null<StringAttr>(d.get("name")) : nullptr;
      auto kind = d ? dyn_cast_or_null<StringAttr>(d.get("kind")) : nullptr;
      auto macs = d ? dyn_cast_or_null<IntegerAttr>(d.get("macs")) : nullptr;
      if (!name || !kind || !macs || macs.getValue().isNegative() ||
          name.getValue().empty() || name.getValue().contains('\0') ||
          kind.getValue().contains('\0'))
        return module.emitError("malformed 'cnnc.layers' entry ")
               << a
               << ": expected {name: non-empty string, kind: string, macs: int >= 0} "
                  "without NUL characters";
    }
  // cnnrt_model_signature, field by field.
  auto *sigTy = llvm::StructType::get(
      ctx, {e.i32, e.i32, e.i32, e.ptr, e.ptr, e.ptr, e.ptr, e.i32, e.ptr,
            e.ptr});
  auto *sigInit = llvm::ConstantStruct::get(
      sigTy,
      {llvm::ConstantInt::get(e.i32, CNNRT_ABI_VERSION),
       llvm::ConstantInt::get(e.i32, sig->inputs.size()),
       llvm::ConstantInt::get(e.i32, sig->outputs.size()),
       e.tensors(sig->inputs), e.tensors(sig->outputs),
       e.string(sig->modelName), e.string(target.description()),
       llvm::ConstantInt::get(e.i32, layers ? layers.size() : 0),
       e.layers(layers), e.string(requiredFeatures(tm))});
  auto *sigVar = new llvm::GlobalVariable(
      m, sigTy, /*isConstant=*/true, llvm::GlobalValue::ExternalLinkage,
      sigInit, "cnnc_model_signature");
  sigVar->setVisibility(llvm::GlobalValue::HiddenVisibility);

  auto *entryTy =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {e.ptr}, false);
  auto *entry = llvm::Function::Create(
      entryTy, llvm::GlobalValue::ExternalLinkage, "cnnc_model_entry", m);
  entry->setVisibility(llvm::GlobalValue::HiddenVisibility);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", entry));
  SmallVector<llvm::Value *> args;
  for (size_t i = 0; i < numBuffers; ++i) {
    llvm::Value *slot = b.CreateConstGEP1_64(e.ptr, entry->getArg(0), i);
    args.push_back(b.CreateLoad(e.ptr, slot));
  }
  b.CreateCall(main, args);
  b.CreateRetVoid();
  return success();
}
