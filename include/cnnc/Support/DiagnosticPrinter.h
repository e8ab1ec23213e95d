//===- DiagnosticPrinter.h - how cnnc tools print diagnostics ---*- C++ -*-===//
//
// ONNX files have no line numbers: a diagnostic located at a node prints as
// `<file>: node '<name>': error: <message>`, a file-level one as
// `<file>: error: <message>`, with notes after their diagnostic.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_SUPPORT_DIAGNOSTICPRINTER_H
#define CNNC_SUPPORT_DIAGNOSTICPRINTER_H

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::cnnc {

/// Prints `diag` and its notes to `os`, each line starting with `prefix`
/// (e.g. "cnnc: ").
void printDiagnostic(Diagnostic &diag, llvm::raw_ostream &os,
                     llvm::StringRef prefix = "");

} // namespace mlir::cnnc

#endif // CNNC_SUPPORT_DIAGNOSTICPRINTER_H
