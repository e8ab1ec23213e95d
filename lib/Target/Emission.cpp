//===- Emission.cpp - LLVM IR, objects and linking ------------------------===//

#include "cnnc/Target/Emission.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::cnnc;

LogicalResult addModelABI(ModuleOp module, llvm::Module &m,
                          const TargetInfo &target,
                          const llvm::TargetMachine &tm);

FailureOr<std::unique_ptr<llvm::TargetMachine>>
mlir::cnnc::createTargetMachine(const TargetInfo &target, std::string &error) {
  static const bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    llvm::InitializeAllAsmParsers();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(target.triple);
  const llvm::Target *t = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!t)
    return failure();
  llvm::TargetOptions options;
  // Multiply-adds become FMAs: faster, and no less accurate.
  options.AllowFPOpFusion = llvm::FPOpFusion::Fast;
  std::unique_ptr<llvm::TargetMachine> tm(t->createTargetMachine(
      triple, target.cpu, target.features, options, llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm) {
    error = "cannot create a target machine for " + target.description();
    return failure();
  }
  return tm;
}

FailureOr<std::unique_ptr<llvm::Module>>
mlir::cnnc::translateToLLVMIR(ModuleOp module, llvm::LLVMContext &ctx,
                              llvm::TargetMachine &tm,
                              const TargetInfo &target, bool optimize) {
  DialectRegistry registry;
  registerAllToLLVMIRTranslations(registry);
  module.getContext()->appendDialectRegistry(registry);
  std::unique_ptr<llvm::Module> m = translateModuleToLLVMIR(module, ctx);
  if (!m)
    return module.emitError("translation to LLVM IR failed");
  m->setTargetTriple(tm.getTargetTriple());
  m->setDataLayout(tm.createDataLayout());
  if (failed(addModelABI(module, *m, target, tm)))
    return failure();
  // The model stub's allocation functions (runtime/src/ModelAlloc.c) return
  // fresh memory, as malloc does: tell the optimizer.
  for (const char *name :
       {"_mlir_memref_to_llvm_alloc", "_mlir_memref_to_llvm_aligned_alloc"})
    if (llvm::Function *f = m->getFunction(name))
      f->addRetAttr(llvm::Attribute::NoAlias);
  // LLVM keeps generic x86-64-v4 code at 256 bits; cnnc's AVX-512 targets
  // mean 512-bit vectors.
  if (target.vectorBits >= 512)
    for (llvm::Function &f : *m)
      if (!f.isDeclaration())
        f.addFnAttr("prefer-vector-width", std::to_string(target.vectorBits));
  std::string verifyErrors;
  llvm::raw_string_ostream os(verifyErrors);
  if (llvm::verifyModule(*m, &os))
    return module.emitError("generated LLVM IR is invalid: ") << verifyErrors;
  if (optimize) {
    // O2, not O3: on one function holding a whole network, O3's extra loop
    // passes cost 4x the compile time (Inception v3: 67 s vs 17 s) for ~10%
    // of run time. Outlining layers into functions will lift this.
    auto transformer = makeOptimizingTransformer(2, 0, &tm);
    if (llvm::Error err = transformer(m.get()))
      return module.emitError("LLVM optimization failed: ")
             << llvm::toString(std::move(err));
  }
  return m;
}

std::unique_ptr<llvm::Module>
mlir::cnnc::buildWeightsModule(ArrayRef<WeightBlob> weights,
                               llvm::LLVMContext &ctx,
                               llvm::TargetMachine &tm) {
  auto m = std::make_unique<llvm::Module>("cnnc_weights", ctx);
  m->setTargetTriple(tm.getTargetTriple());
  m->setDataLayout(tm.createDataLayout());
  for (const WeightBlob &w : weights) {
    llvm::Constant *init = llvm::ConstantDataArray::getRaw(
        llvm::StringRef(w.data.data(), w.data.size()), w.data.size(),
        llvm::Type::getInt8Ty(ctx));
    auto *gv = new llvm::GlobalVariable(*m, init->getType(), true,
                                        llvm::GlobalValue::ExternalLinkage,
                                        init, w.symbol);
    gv->setVisibility(llvm::GlobalValue::HiddenVisibility);
    gv->setAlignment(llvm::Align(w.alignment));
  }
  return m;
}

LogicalResult mlir::cnnc::emitCode(llvm::Module &module,
                                   llvm::TargetMachine &tm, bool assembly,
                                   llvm::SmallVectorImpl<char> &out,
                                   std::string &error) {
  llvm::raw_svector_ostream os(out);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             assembly ? llvm::CodeGenFileType::AssemblyFile
                                      : llvm::CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit this file type";
    return failure();
  }
  pm.run(module);
  return success();
}

LogicalResult mlir::cnnc::linkSharedLibrary(ArrayRef<std::string> objects,
                                            llvm::StringRef output,
                                            llvm::StringRef stubArchive,
                                            llvm::StringRef linker,
                                            std::string &error) {
  if (!llvm::sys::fs::exists(stubArchive)) {
    error = "model stub archive not found at '" + stubArchive.str() +
            "' (set CNNC_RUNTIME_DIR to the directory holding "
            "libcnnrt_model.a)";
    return failure();
  }
  auto linkerPath = llvm::sys::findProgramByName(linker);
  if (!linkerPath) {
    error = "linker '" + linker.str() + "' not found";
    return failure();
  }
  // Only the stub's API leaves the library; generated code and weights stay
  // hidden so that several models load side by side.
  llvm::SmallString<128> script;
  int fd;
  if (llvm::sys::fs::createTemporaryFile("cnnc-exports", "map", fd, script)) {
    error = "cannot create a temporary file";
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << "{ global: cnnrt_lib_*; local: *; };\n";
  }
  std::vector<std::string> args = {*linkerPath,
                                   "-shared",
                                   "-o",
                                   output.str(),
                                   "--version-script=" + script.str().str(),
                                   "-z",
                                   "noexecstack",
                                   "-z",
                                   "relro",
                                   "-z",
                                   "now",
                                   "--gc-sections",
                                   "-O1"};
  for (const std::string &o : objects)
    args.push_back(o);
  // Nothing in generated code refers to the stub: pull it in whole.
  args.push_back("--whole-archive");
  args.push_back(stubArchive.str());
  args.push_back("--no-whole-archive");
  for (const char *dir : {"/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu",
                          "/lib64", "/usr/lib64", "/usr/lib"})
    if (llvm::sys::fs::is_directory(dir))
      args.push_back(std::string("-L") + dir);
  args.push_back("-lm");
  args.push_back("-lc");
  SmallVector<llvm::StringRef> argRefs(args.begin(), args.end());
  std::string msg;
  int rc = llvm::sys::ExecuteAndWait(*linkerPath, argRefs, std::nullopt, {}, 0,
                                     0, &msg);
  llvm::sys::fs::remove(script);
  if (rc != 0) {
    error = "linking " + output.str() + " failed" +
            (msg.empty() ? "" : ": " + msg) + " (command:";
    for (auto &a : args)
      error += " " + a;
    error += ")";
    return failure();
  }
  return success();
}
