//===- Passes.h - cnn dialect graph passes ----------------------*- C++ -*-===//
#ifndef CNNC_DIALECT_CNN_TRANSFORMS_PASSES_H
#define CNNC_DIALECT_CNN_TRANSFORMS_PASSES_H

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::cnn {

#define GEN_PASS_DECL
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cnnc/Dialect/CNN/Transforms/Passes.h.inc"

} // namespace mlir::cnn

#endif // CNNC_DIALECT_CNN_TRANSFORMS_PASSES_H
