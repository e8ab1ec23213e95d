//===- MLIRGen.h - .cnn syntax tree to cnn dialect --------------*- C++ -*-===//
//
// Generates the cnn-dialect module of a parsed .cnn file, in the manner of
// Toy's MLIRGen. Generation evaluates the network: block calls are inlined
// with their arguments, `repeat` and `if` are unrolled, every layer's shapes
// are inferred and checked (cnn/IR/CNNShapes.h) before the op is built, and
// weights come from the WeightStore.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_MLIRGEN_H
#define CNNC_FRONTENDS_DSL_MLIRGEN_H

#include "dsl/DslFrontend.h"

namespace mlir::cnnc::dsl {

struct ModuleAST;

/// Null after reporting errors to the context's diagnostic engine.
OwningOpRef<ModuleOp> mlirGen(MLIRContext &ctx, const ModuleAST &module,
                              const DslImportOptions &options);

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_MLIRGEN_H
