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

using namespace mlir;
using namespace mlir::cnnc;

static DictionaryAttr tensorEntry(Builder &b, StringRef name, Type type) {
  auto rt = cast<RankedTensorType>(type);
  return b.getDictionaryAttr(
      {b.getNamedAttr("name", b.getStringAttr(name)),
       b.getNamedAttr("shape", b.getDenseI64ArrayAttr(rt.getShape()))});
}

LogicalResult mlir::cnnc::recordSignature(ModuleOp module) {
  if (module->hasAttr(kSignatureAttrName))
    return success();
  auto func = module.lookupSymbol<func::FuncOp>(kEntryFunctionName);
  if (!func)
    return module.emitError("no function @")
           << kEntryFunctionName << " to compile";
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
  for (auto [i, t] : llvm::enumerate(ft.getInputs())) {
    if (failed(check(t, "argument", i)))
      return failure();
    auto name = func.getArgAttrOfType<StringAttr>(i, kTensorNameAttrName);
    inputs.push_back(tensorEntry(
        b, name ? name.getValue() : ("input_" + Twine(i)).str(), t));
  }
  for (auto [i, t] : llvm::enumerate(ft.getResults())) {
    if (failed(check(t, "result", i)))
      return failure();
    auto name = func.getResultAttrOfType<StringAttr>(i, kTensorNameAttrName);
    outputs.push_back(tensorEntry(
        b, name ? name.getValue() : ("output_" + Twine(i)).str(), t));
  }
  auto modelName = module->getAttrOfType<StringAttr>("cnnc.model_name");
  module->setAttr(
      kSignatureAttrName,
      b.getDictionaryAttr(
          {b.getNamedAttr("inputs", b.getArrayAttr(inputs)),
           b.getNamedAttr("outputs", b.getArrayAttr(outputs)),
           b.getNamedAttr("model_name",
                          modelName ? modelName : b.getStringAttr("model"))}));
  return success();
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
  llvm::Constant *tensors(ArrayAttr entries) {
    SmallVector<llvm::Constant *> infos;
    for (Attribute a : entries) {
      auto d = cast<DictionaryAttr>(a);
      ArrayRef<int64_t> shape =
          cast<DenseI64ArrayAttr>(d.get("shape")).asArrayRef();
      llvm::Constant *shapeC =
          shape.empty()
              ? llvm::ConstantPointerNull::get(llvm::PointerType::get(ctx, 0))
              : privateConst(llvm::ConstantDataArray::get(
                                 ctx, ArrayRef<uint64_t>(
                                          (const uint64_t *)shape.data(),
                                          shape.size())),
                             ".shape");
      infos.push_back(llvm::ConstantStruct::get(
          infoTy,
          {string(cast<StringAttr>(d.get("name")).getValue()),
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

/// Adds `cnnc_model_signature` and `cnnc_model_entry` to the translated
/// module.
LogicalResult addModelABI(ModuleOp module, llvm::Module &m,
                          const TargetInfo &target) {
  auto sig = module->getAttrOfType<DictionaryAttr>(kSignatureAttrName);
  if (!sig)
    return module.emitError("module has no '")
           << kSignatureAttrName
           << "' attribute: compile from the cnn or linalg level, or add it";
  auto inputs = cast<ArrayAttr>(sig.get("inputs"));
  auto outputs = cast<ArrayAttr>(sig.get("outputs"));
  llvm::Function *main = m.getFunction(kEntryFunctionName);
  if (!main)
    return module.emitError("no function ") << kEntryFunctionName;
  size_t numBuffers = inputs.size() + outputs.size();
  if (main->arg_size() != numBuffers || !main->getReturnType()->isVoidTy())
    return module.emitError("@")
           << kEntryFunctionName << " takes " << main->arg_size()
           << " arguments after lowering; expected " << numBuffers
           << " bare pointers (inputs then outputs) and no results";

  SignatureEmitter e(m);
  llvm::LLVMContext &ctx = m.getContext();
  auto layers = module->getAttrOfType<ArrayAttr>("cnnc.layers");
  if (layers)
    for (Attribute a : layers) {
      auto d = dyn_cast<DictionaryAttr>(a);
      if (!d || !isa_and_nonnull<StringAttr>(d.get("name")) ||
          !isa_and_nonnull<StringAttr>(d.get("kind")) ||
          !isa_and_nonnull<IntegerAttr>(d.get("macs")))
        return module.emitError("malformed 'cnnc.layers' entry ")
               << a << ": expected {name: string, kind: string, macs: int}";
    }
  auto *sigTy = llvm::StructType::get(
      ctx, {e.i32, e.i32, e.i32, e.ptr, e.ptr, e.ptr, e.ptr, e.i32, e.ptr});
  auto *sigInit = llvm::ConstantStruct::get(
      sigTy,
      {llvm::ConstantInt::get(e.i32, CNNRT_ABI_VERSION),
       llvm::ConstantInt::get(e.i32, inputs.size()),
       llvm::ConstantInt::get(e.i32, outputs.size()), e.tensors(inputs),
       e.tensors(outputs),
       e.string(cast<StringAttr>(sig.get("model_name")).getValue()),
       e.string(target.description()),
       llvm::ConstantInt::get(e.i32, layers ? layers.size() : 0),
       e.layers(layers)});
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
