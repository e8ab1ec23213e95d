//===- OnnxExporter.h - cnn dialect to ONNX ---------------------*- C++ -*-===//
//
// Writes a cnn-level module (func @cnnc_main of cnn ops, arith.constant
// weights, dense or dense_resource) as an ONNX ModelProto at opset 13 (14
// when the network uses hard_swish). Node names are the ops' NameLoc names,
// initializers are named like the weight resources, graph inputs and outputs
// take their `cnnc.name`, so that importing the file gives back the same cnn
// IR. silu becomes Sigmoid + Mul; every other op has one ONNX node.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_ONNX_ONNXEXPORTER_H
#define CNNC_FRONTENDS_ONNX_ONNXEXPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::cnnc {

/// Serializes the model to `os`. Ops that have no ONNX equivalent are errors
/// at their location; nothing is written then.
LogicalResult exportCnnModuleToOnnx(ModuleOp module, llvm::raw_ostream &os,
                                    llvm::StringRef entryName = "cnnc_main");

} // namespace mlir::cnnc

#endif // CNNC_FRONTENDS_ONNX_ONNXEXPORTER_H
