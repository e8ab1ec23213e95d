//===- Pipelines.cpp - cnnc pass pipelines --------------------------------===//
//
// Pipelines are spelled in the textual pass-pipeline syntax so that what the
// driver runs is exactly what a user can paste into cnnc-opt.
//
//===----------------------------------------------------------------------===//

#include "cnnc/Pipelines/Pipelines.h"
#include "cnnc/Codegen/CPU/Passes.h"
#include "cnnc/Conversion/Passes.h"
#include "cnnc/Dialect/CNN/Transforms/Passes.h"
#include "cnnc/Dialect/CNN/IR/CNNDialect.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/FuncBufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/Transforms/BufferizableOpInterfaceImpl.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"

using namespace mlir;
using namespace mlir::cnnc;

LogicalResult mlir::cnnc::buildCNNGraphPipeline(OpPassManager &pm,
                                                double factorizeTolerance) {
  std::string factorize;
  if (factorizeTolerance > 0)
    factorize = llvm::formatv("cnn-factorize-kernels{{tolerance={0:e}},",
                              factorizeTolerance)
                    .str();
  return parsePassPipeline("func.func(canonicalize,cnn-fold-batchnorm," +
                               factorize +
                               "cnn-fuse-activation,cnn-fuse-squeeze-excite,cse,"
                               "cnn-recognize-blocks)",
                           pm);
}

LogicalResult mlir::cnnc::buildCNNToLinalgPipeline(
    OpPassManager &pm, const CNNToLinalgPipelineOptions &options) {
  if (options.graphPasses &&
      failed(buildCNNGraphPipeline(pm, options.factorize)))
    return failure();
  return parsePassPipeline(
      std::string("func.func(cnn-inline-blocks),") +
          (options.splitBatch ? "cnn-split-batch," : "") +
          "func.func(convert-cnn-to-linalg,canonicalize,cse)",
      pm);
}

LogicalResult mlir::cnnc::buildCPUPipeline(OpPassManager &pm,
                                           const CPUPipelineOptions &options) {
  std::string p;
  if (options.fuseElementwise)
    p += "func.func(cnnc-fuse-elementwise,canonicalize,cse),";
  p += "func.func(cnnc-pad-in-producer,cnnc-concat-in-place),";
  if (options.outlineLayers)
    p += "cnnc-outline-layers{instrument},";
  p += "func.func(";
  if (options.winogradTile >= 0)
    p += "cnnc-cpu-winograd{vector-bits=" +
         std::to_string(options.vectorBits) +
         " tile=" + std::to_string(options.winogradTile) + "},";
  p += "cnnc-cpu-vectorize-conv{vector-bits=" +
       std::to_string(options.vectorBits) +
       "},cnnc-cpu-parallelize,canonicalize,loop-invariant-subset-hoisting,"
       "cnnc-cpu-fold-tile-writes,canonicalize,cse),";
  p += "one-shot-bufferize{bufferize-function-boundaries "
       "function-boundary-type-conversion=identity-layout-map},"
       "drop-equivalent-buffer-results,"
       "buffer-results-to-out-params{hoist-static-allocs "
       "modify-public-functions},"
       "buffer-deallocation-pipeline,cnnc-cpu-plan-activations,"
       "cnnc-cpu-outline-parallel,"
       "func.func(scf-forall-to-for,cnnc-cpu-lower-vectors,"
       "cnnc-cpu-approximate-math,canonicalize,cse,"
       "cnnc-cpu-interchange-loops,convert-linalg-to-loops,"
       "convert-vector-to-scf{full-unroll}),"
       "canonicalize,cse,"
       "convert-scf-to-cf,expand-strided-metadata,lower-affine,"
       "convert-vector-to-llvm,"
       // Heap allocations call the model stub (runtime/src/ModelAlloc.c),
       // which records them so that a run whose allocation fails can free
       // what it holds and return CNNRT_ERROR_OUT_OF_MEMORY.
       "finalize-memref-to-llvm{use-aligned-alloc use-generic-functions},"
       "convert-math-to-llvm,convert-math-to-libm,"
       "convert-arith-to-llvm,convert-index-to-llvm,"
       "convert-func-to-llvm{use-bare-ptr-memref-call-conv},"
       "convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts,"
       "cnnc-cpu-lower-parallel-calls,canonicalize,cse";
  return parsePassPipeline(p, pm);
}

void mlir::cnnc::registerCNNCPipelines() {
  cnn::registerCNNPasses();
  registerCNNCConversionPasses();
  registerCNNCCPUPasses();
  PassPipelineRegistration<>(
      "cnnc-cnn-graph-pipeline",
      "Fold batch norm and fuse epilogues on the cnn dialect",
      [](OpPassManager &pm) { (void)buildCNNGraphPipeline(pm); });
  PassPipelineRegistration<CNNToLinalgPipelineOptions>(
      "cnnc-cnn-to-linalg-pipeline",
      "Run the graph passes and lower the cnn dialect to linalg on tensors",
      [](OpPassManager &pm, const CNNToLinalgPipelineOptions &options) {
        (void)buildCNNToLinalgPipeline(pm, options);
      });
  PassPipelineRegistration<CPUPipelineOptions>(
      "cnnc-cpu-pipeline",
      "Lower linalg on tensors to the LLVM dialect for CPUs",
      [](OpPassManager &pm, const CPUPipelineOptions &options) {
        (void)buildCPUPipeline(pm, options);
      });
}

void mlir::cnnc::registerCNNCDialects(DialectRegistry &registry) {
  // Codegen relies on external interface models (tiling, bufferization,
  // value bounds) of many upstream dialects; registering all of them keeps
  // cnnc and cnnc-opt behaving the same.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<cnn::CNNDialect>();
}
