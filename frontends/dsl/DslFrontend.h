//===- DslFrontend.h - the cnnc network language ----------------*- C++ -*-===//
//
// Public entry points of the DSL frontend: a .cnn file (docs/dsl.md) becomes
// the same kind of module as an ONNX model,
//
//   module attributes {cnnc.model_name = "<network>"} {
//     func.func @cnnc_main(%arg0: tensor<1x3x224x224xf32> {cnnc.name = "input"})
//         -> (tensor<1x1000xf32> {cnnc.name = "probs"}) { ... }
//   }
//
// made of cnn ops and arith.constant weights (dense_resource blobs named like
// the weights, e.g. "conv1.weight"). Every op is located at
// NameLoc(<layer name>, FileLineColLoc(<file>, line, col)); inside a block
// instance the file location is a CallSiteLoc whose caller is the call.
// Errors go to the context's diagnostic engine with those locations.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_DSLFRONTEND_H
#define CNNC_FRONTENDS_DSL_DSLFRONTEND_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::cnnc {

struct DslImportOptions {
  /// Name of the generated entry function.
  std::string entryName = "cnnc_main";
  /// A safetensors file holding the weights by layer name ("conv1.weight").
  std::string weightsFile;
  /// Without a weights file: draw weights from this seed (He-normal conv and
  /// dense weights, near-identity batch norms). One of the two is required.
  std::optional<uint64_t> seed;
  /// The most bytes of weights a network may have, all tensors together
  /// (read or drawn); checked before anything is allocated. Networks that
  /// need more are an error at the layer that passes the limit.
  uint64_t maxWeightBytes = uint64_t(4) << 30;
};

/// Parses a .cnn file and generates its network. Returns null after
/// reporting errors (several when they are independent).
OwningOpRef<ModuleOp> importDslFile(MLIRContext *ctx, llvm::StringRef path,
                                    const DslImportOptions &options = {});

/// Same, for a buffer; `bufferName` names it in locations.
OwningOpRef<ModuleOp> importDslBuffer(MLIRContext *ctx, llvm::StringRef source,
                                      llvm::StringRef bufferName,
                                      const DslImportOptions &options = {});

/// Parses a .cnn file and prints its syntax tree to `os`. Syntax errors are
/// printed to stderr with the source line and a caret.
LogicalResult dumpDslAst(llvm::StringRef path, llvm::raw_ostream &os);

} // namespace mlir::cnnc

#endif // CNNC_FRONTENDS_DSL_DSLFRONTEND_H
