//===- Passes.h - cnnc CPU codegen passes -----------------------*- C++ -*-===//
#ifndef CNNC_CODEGEN_CPU_PASSES_H
#define CNNC_CODEGEN_CPU_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::cnnc {

#define GEN_PASS_DECL
#include "cnnc/Codegen/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "cnnc/Codegen/CPU/Passes.h.inc"

} // namespace mlir::cnnc

#endif // CNNC_CODEGEN_CPU_PASSES_H
