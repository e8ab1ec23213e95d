//===- onnx_import_fuzzer.cpp - libFuzzer harness of the ONNX importer ----===//
//
// Bytes in (a binary ModelProto, or ONNX textual syntax when they look like
// it), a module or diagnostics out. Each input gets a fresh MLIRContext whose
// diagnostics are swallowed; any crash, sanitizer report, leak or hang is a
// bug in the importer. Built with -DCNNC_FUZZ=ON (frontends/onnx/CMakeLists
// .txt), run as
//
//   onnx-import-fuzzer -max_total_time=300 CORPUS_DIR SEED_DIR...
//
// The buffer is named inside a folder that does not exist, so that external
// data locations resolve to nothing rather than to files of the host.
//
//===----------------------------------------------------------------------===//

#include "onnx/OnnxImporter.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  ctx.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  llvm::StringRef bytes(reinterpret_cast<const char *>(data), size);
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::cnnc::importOnnxBuffer(
      &ctx, bytes, "/nonexistent-cnnc-fuzz/model.onnx");
  (void)module;
  return 0;
}
