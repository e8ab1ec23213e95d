//===- dsl_fuzzer.cpp - libFuzzer harness of the DSL frontend -------------===//
//
// Text in, a module or diagnostics out: every input runs the lexer, the
// parser and the generator (seeded weights, verified module) in a fresh
// context, with diagnostics swallowed. A crash, a sanitizer report, a hang
// or a blown memory limit is a bug in frontends/dsl. Built with -DCNNC_FUZZ=ON
// (clang); see frontends/dsl/CMakeLists.txt for how to run it.
//
//===----------------------------------------------------------------------===//

#include "dsl/DslFrontend.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext ctx(mlir::MLIRContext::Threading::DISABLED);
  ctx.getDiagEngine().registerHandler(
      [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::cnnc::DslImportOptions options;
  options.seed = 1;
  // Far below the default, so that legal but large networks stay within
  // libFuzzer's memory limit; the limit itself is what is being tested.
  options.maxWeightBytes = uint64_t(64) << 20;
  llvm::StringRef text(reinterpret_cast<const char *>(data), size);
  (void)mlir::cnnc::importDslBuffer(&ctx, text, "fuzz.cnn", options);
  return 0;
}
