//===- DslFrontend.cpp - entry points of the DSL frontend -----------------===//
//
// Reads a .cnn file, parses it (syntax errors as diagnostics at
// file:line:col) and generates the module, or prints the syntax tree.
//
//===----------------------------------------------------------------------===//

#include "dsl/DslFrontend.h"
#include "dsl/MLIRGen.h"
#include "dsl/Parser.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::dsl;

OwningOpRef<ModuleOp> mlir::cnnc::importDslBuffer(MLIRContext *ctx,
                                                  StringRef source,
                                                  StringRef bufferName,
                                                  const DslImportOptions &options) {
  Lexer lexer(source, bufferName.str());
  Parser parser(lexer, [&](const SrcLoc &loc, const Twine &msg) {
    emitError(FileLineColLoc::get(ctx, bufferName, loc.line, loc.col)) << msg;
  });
  std::unique_ptr<ModuleAST> ast = parser.parseModule();
  if (!ast)
    return nullptr;
  return mlirGen(*ctx, *ast, options);
}

OwningOpRef<ModuleOp> mlir::cnnc::importDslFile(MLIRContext *ctx,
                                                StringRef path,
                                                const DslImportOptions &options) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buf) {
    emitError(FileLineColLoc::get(ctx, path, 0, 0))
        << "cannot read '" << path << "': " << buf.getError().message();
    return nullptr;
  }
  return importDslBuffer(ctx, (*buf)->getBuffer(), path, options);
}

LogicalResult mlir::cnnc::dumpDslAst(StringRef path, llvm::raw_ostream &os) {
  auto buf = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/true);
  if (!buf) {
    llvm::errs() << path << ": error: cannot read: "
                 << buf.getError().message() << "\n";
    return failure();
  }
  llvm::SourceMgr sm;
  StringRef source = (*buf)->getBuffer();
  unsigned id = sm.AddNewSourceBuffer(std::move(*buf), llvm::SMLoc());
  Lexer lexer(source, path.str());
  Parser parser(lexer, [&](const SrcLoc &loc, const Twine &msg) {
    sm.PrintMessage(llvm::errs(), sm.FindLocForLineAndColumn(id, loc.line, loc.col),
                    llvm::SourceMgr::DK_Error, msg);
  });
  std::unique_ptr<ModuleAST> ast = parser.parseModule();
  if (!ast)
    return failure();
  dump(*ast, os);
  return success();
}
