//===- OnnxImporter.h - ONNX model to cnn dialect ---------------*- C++ -*-===//
//
// The public entry points of the ONNX frontend. An ONNX model (binary
// ModelProto or ONNX textual syntax) becomes a module with one func.func made
// of cnn ops, arith.constant weights (resource-backed) and func.return:
//
//   module attributes {cnnc.model_name = "<graph>", cnnc.opset = 13 : i64} {
//     func.func @cnnc_main(%arg0: tensor<1x1x28x28xf32> {cnnc.name = "input"})
//         -> (tensor<1x10xf32> {cnnc.name = "logits"}) { ... }
//   }
//
// All types are ranked, static and f32. Every op is located at
// NameLoc(<node name or "<OpType>_<index>">, FileLineColLoc(<path>, 0, 0)).
// Shape computations on int64 tensors are folded at import time.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_ONNX_ONNXIMPORTER_H
#define CNNC_FRONTENDS_ONNX_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <string>

namespace mlir::cnnc {

struct OnnxImportOptions {
  /// Name of the generated entry function.
  std::string entryName = "cnnc_main";
  /// Overrides for graph input shapes, by input name.
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
};

/// Reads a binary ModelProto (.onnx) or ONNX textual syntax (.onnxtxt,
/// detected by extension or by content) and imports it. Errors go to the
/// context's diagnostic engine; returns null on failure.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext *ctx, llvm::StringRef path,
                                     const OnnxImportOptions &options = {});

/// Imports a model held in memory; `bufferName` names it in locations and
/// messages (and, for external tensor data, gives the directory to look in).
OwningOpRef<ModuleOp> importOnnxBuffer(MLIRContext *ctx, llvm::StringRef bytes,
                                       llvm::StringRef bufferName,
                                       const OnnxImportOptions &options = {});

/// Writes docs/onnx-ops.md: the table of the ONNX ops that the importer takes
/// (op, domain, opsets, versions, limits), generated from its op table.
/// False when the op table and its notes disagree (an op without notes, a
/// refused version newer than an imported one, an op also listed as not
/// supported): a bug to fix in the table.
bool printOnnxOpTable(llvm::raw_ostream &os);

} // namespace mlir::cnnc

#endif // CNNC_FRONTENDS_ONNX_ONNXIMPORTER_H
