//===- cnnc-onnx-import.cpp - import one ONNX model and print it ----------===//
//
// Debugging aid and the driver of the frontend's lit tests:
//
//   cnnc-onnx-import [--input-shape NAME=1x3x224x224]... [--entry NAME]
//                    [--print-weights] [--print-locations] MODEL
//   cnnc-onnx-import --list-ops
//
// MODEL is a binary .onnx or ONNX textual syntax (.onnxtxt). Prints the
// imported module, or the diagnostics and exits with 1. The weights (the
// dialect_resources section) are printed only with --print-weights.
// --list-ops prints the table of supported ops, docs/onnx-ops.md, generated
// from the importer's op table.
//
//===----------------------------------------------------------------------===//

#include "onnx/OnnxImporter.h"

#include "cnnc/Dialect/CNN/IR/CNNDialect.h"
#include "cnnc/Support/DiagnosticPrinter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

static bool parseShape(llvm::StringRef spec, cnnc::OnnxImportOptions &options) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty())
    return false;
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<llvm::StringRef> parts;
  dims.split(parts, 'x');
  for (llvm::StringRef p : parts) {
    int64_t d;
    if (p.getAsInteger(10, d))
      return false;
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return true;
}

int main(int argc, char **argv) {
  if (argc == 2 && llvm::StringRef(argv[1]) == "--list-ops") {
    if (cnnc::printOnnxOpTable(llvm::outs()))
      return 0;
    llvm::errs() << "cnnc-onnx-import: the op table is inconsistent (an op "
                    "without notes, a refused version newer than an "
                    "imported one, or an op listed as both supported and "
                    "not); see frontends/onnx/OpSchemas.cpp\n";
    return 1;
  }
  cnnc::OnnxImportOptions options;
  llvm::StringRef file;
  bool printWeights = false;
  bool printLocations = false;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    llvm::StringRef value;
    if (arg == "--input-shape" && i + 1 < argc) {
      value = argv[++i];
    } else if (arg.consume_front("--input-shape=")) {
      value = arg;
    } else if (arg == "--entry" && i + 1 < argc) {
      options.entryName = argv[++i];
      continue;
    } else if (arg.consume_front("--entry=")) {
      options.entryName = arg.str();
      continue;
    } else if (arg == "--print-weights") {
      printWeights = true;
      continue;
    } else if (arg == "--print-locations") {
      printLocations = true;
      continue;
    } else if (!arg.starts_with("-") && file.empty()) {
      file = arg;
      continue;
    } else {
      file = "";
      break;
    }
    if (!parseShape(value, options)) {
      llvm::errs() << "cnnc-onnx-import: bad --input-shape '" << value
                   << "' (expected NAME=1x3x224x224)\n";
      return 2;
    }
  }
  if (file.empty()) {
    llvm::errs()
        << "usage: cnnc-onnx-import [--input-shape NAME=DxDx...]... "
           "[--entry NAME] [--print-weights] [--print-locations] MODEL\n"
           "       cnnc-onnx-import --list-ops\n";
    return 2;
  }

  MLIRContext ctx;
  ctx.loadDialect<cnn::CNNDialect, func::FuncDialect, arith::ArithDialect>();
  ctx.getDiagEngine().registerHandler([](Diagnostic &diag) {
    cnnc::printDiagnostic(diag, llvm::errs());
    return success();
  });
  OwningOpRef<ModuleOp> module = cnnc::importOnnxFile(&ctx, file, options);
  if (!module)
    return 1;
  OpPrintingFlags flags;
  // Without --print-weights, leave out the dialect_resources section (local
  // scope prints no file metadata). elideLargeResourceString would still
  // hex-encode every blob before eliding it: gigabytes for VGG-size models.
  if (!printWeights)
    flags.useLocalScope();
  if (printLocations)
    flags.enableDebugInfo(/*enable=*/true, /*prettyForm=*/true);
  module->print(llvm::outs(), flags);
  llvm::outs() << "\n";
  return 0;
}
