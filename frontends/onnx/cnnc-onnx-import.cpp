//===- cnnc-onnx-import.cpp - import one ONNX model and print it ----------===//
//
// Debugging aid and the driver of the frontend's lit tests:
//
//   cnnc-onnx-import [--input-shape NAME=1x3x224x224]... [--entry NAME]
//                    [--print-weights] [--print-locations] MODEL
//
// MODEL is a binary .onnx or ONNX textual syntax (.onnxtxt). Prints the
// imported module, or the diagnostics and exits with 1. The weights (the
// dialect_resources section) are printed only with --print-weights.
//
//===----------------------------------------------------------------------===//

#include "onnx/OnnxImporter.h"

#include "cnnc/Dialect/CNN/IR/CNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

/// Prints `<file>: node '<name>': error: <message>` for node locations and
/// `<file>: error: <message>` for file-level ones.
static void printLocation(Location loc, llvm::raw_ostream &os) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    printLocation(name.getChildLoc(), os);
    os << "node '" << name.getName().getValue() << "': ";
    return;
  }
  if (auto file = dyn_cast<FileLineColLoc>(loc)) {
    os << file.getFilename().getValue();
    if (file.getLine() != 0)
      os << ":" << file.getLine() << ":" << file.getColumn();
    os << ": ";
    return;
  }
  if (!isa<UnknownLoc>(loc))
    os << loc << ": ";
}

static void printDiagnostic(Diagnostic &diag) {
  llvm::raw_ostream &os = llvm::errs();
  printLocation(diag.getLocation(), os);
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    os << "error: ";
    break;
  case DiagnosticSeverity::Warning:
    os << "warning: ";
    break;
  case DiagnosticSeverity::Note:
    os << "note: ";
    break;
  case DiagnosticSeverity::Remark:
    os << "remark: ";
    break;
  }
  os << diag.str() << "\n";
  for (Diagnostic &note : diag.getNotes())
    printDiagnostic(note);
}

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
           "[--entry NAME] [--print-weights] [--print-locations] MODEL\n";
    return 2;
  }

  MLIRContext ctx;
  ctx.loadDialect<cnn::CNNDialect, func::FuncDialect, arith::ArithDialect>();
  ctx.getDiagEngine().registerHandler([](Diagnostic &diag) {
    printDiagnostic(diag);
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
