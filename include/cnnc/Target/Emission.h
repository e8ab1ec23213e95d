//===- Emission.h - LLVM IR, objects and shared libraries -------*- C++ -*-===//
//
// The back end of cnnc: an LLVM-dialect module becomes LLVM IR with the model
// ABI of cnnrt_abi.h (entry point and signature), is optimized and emitted as
// an object by an in-process TargetMachine, and is linked by ld.lld with the
// runtime's model stub into a shared library. Weights never pass through
// LLVM IR text: they are moved out of the MLIR module as raw blobs and emitted
// as their own object.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_TARGET_EMISSION_H
#define CNNC_TARGET_EMISSION_H

#include "cnnc/Target/TargetInfo.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/Module.h"
#include "llvm/Target/TargetMachine.h"
#include <memory>

namespace mlir::cnnc {

/// Name of the network's function, as frontends create it.
inline constexpr llvm::StringLiteral kEntryFunctionName = "cnnc_main";
/// Module attribute holding the signature recorded before lowering.
inline constexpr llvm::StringLiteral kSignatureAttrName = "cnnc.signature";
/// Argument/result attribute holding the frontend's tensor name.
inline constexpr llvm::StringLiteral kTensorNameAttrName = "cnnc.name";

/// Records the entry function's tensor-level signature (names, shapes) as a
/// module attribute, so that it survives lowering. No-op if already present.
LogicalResult recordSignature(ModuleOp module);

/// A weight moved out of the module: the bytes stay owned by the MLIR
/// context's resource blob.
struct WeightBlob {
  std::string symbol;
  ArrayRef<char> data;
  uint64_t alignment;
};

/// Turns every LLVM-dialect global initialized from a resource blob into an
/// external declaration and returns the blobs.
SmallVector<WeightBlob> externalizeWeights(ModuleOp llvmModule);

/// Builds the TargetMachine for `target` (PIC, aggressive optimization).
FailureOr<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const TargetInfo &target, std::string &error);

/// Translates an LLVM-dialect module into LLVM IR, adds the model ABI
/// (`cnnc_model_entry`, `cnnc_model_signature`), and runs the O3 pipeline.
FailureOr<std::unique_ptr<llvm::Module>>
translateToLLVMIR(ModuleOp module, llvm::LLVMContext &ctx,
                  llvm::TargetMachine &tm, const TargetInfo &target,
                  bool optimize = true);

/// An LLVM module holding the weights as hidden read-only globals.
std::unique_ptr<llvm::Module> buildWeightsModule(ArrayRef<WeightBlob> weights,
                                                 llvm::LLVMContext &ctx,
                                                 llvm::TargetMachine &tm);

/// Emits assembly or an object file into `out`.
LogicalResult emitCode(llvm::Module &module, llvm::TargetMachine &tm,
                       bool assembly, llvm::SmallVectorImpl<char> &out,
                       std::string &error);

/// Links objects and the model stub archive into a shared library exporting
/// only the cnnrt_lib_* API.
LogicalResult linkSharedLibrary(ArrayRef<std::string> objects,
                                llvm::StringRef output,
                                llvm::StringRef stubArchive,
                                llvm::StringRef linker, std::string &error);

} // namespace mlir::cnnc

#endif // CNNC_TARGET_EMISSION_H
