//===- CNNDialect.h - cnn dialect -------------------------------*- C++ -*-===//
#ifndef CNNC_DIALECT_CNN_IR_CNNDIALECT_H
#define CNNC_DIALECT_CNN_IR_CNNDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "cnnc/Dialect/CNN/IR/CNNOpsDialect.h.inc"

#endif // CNNC_DIALECT_CNN_IR_CNNDIALECT_H
