//===- Pipelines.h - cnnc pass pipelines ------------------------*- C++ -*-===//
//
// The stages of compilation, each a pipeline that cnnc-opt can also run:
//   cnn            --cnnc-cnn-graph-pipeline------>  cnn (fused)
//   cnn (tensors)  --cnnc-cnn-to-linalg-pipeline-->  linalg (tensors)
//   linalg         --cnnc-cpu-pipeline------------>  LLVM dialect
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_PIPELINES_PIPELINES_H
#define CNNC_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::cnnc {

struct CPUPipelineOptions : public PassPipelineOptions<CPUPipelineOptions> {
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse elementwise linalg ops before bufferization"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Vector register width of the target in bits"),
      llvm::cl::init(256)};
  PassOptions::Option<int64_t> winogradTile{
      *this, "winograd-tile",
      llvm::cl::desc("cnnc-cpu-winograd on 3x3 stride-1 convolutions: 0 "
                     "chooses the output tile per convolution, 2 or 4 forces "
                     "it, -1 leaves them direct"),
      llvm::cl::init(0)};
  PassOptions::Option<bool> outlineLayers{
      *this, "outline-layers",
      llvm::cl::desc("Outline each layer into its own function, with "
                     "profiling marks between them"),
      llvm::cl::init(true)};
};

struct CNNToLinalgPipelineOptions
    : public PassPipelineOptions<CNNToLinalgPipelineOptions> {
  PassOptions::Option<bool> graphPasses{
      *this, "graph-passes",
      llvm::cl::desc("Run the cnn graph passes (batch-norm folding, "
                     "residual and activation fusion) before lowering"),
      llvm::cl::init(true)};
  PassOptions::Option<double> factorize{
      *this, "factorize",
      llvm::cl::desc("Factorize NxN convolutions into 1xN then Nx1 where the "
                     "relative reconstruction error is at most this (off "
                     "when not positive)"),
      llvm::cl::init(0.0)};
  PassOptions::Option<bool> splitBatch{
      *this, "split-batch",
      llvm::cl::desc("With a batch of N >= 2 images, run the per-image "
                     "trunk of the network one image at a time "
                     "(cnn-split-batch)"),
      llvm::cl::init(true)};
};

/// The cnn graph passes: fold batch norm into convolutions, (with a positive
/// `factorizeTolerance`, factorize kernels,) fuse residual adds and
/// activations into convolution epilogues, recognize blocks.
LogicalResult buildCNNGraphPipeline(OpPassManager &pm,
                                    double factorizeTolerance = 0);

/// (Graph passes, then) cnn ops to linalg/tensor/arith/math on tensors (with
/// `split-batch`, the per-image trunk of a batched network in a function of
/// its own first).
LogicalResult
buildCNNToLinalgPipeline(OpPassManager &pm,
                         const CNNToLinalgPipelineOptions &options = {});

/// linalg on tensors to the LLVM dialect: bufferization with outputs as
/// out-parameters, loops, and the LLVM conversions (bare-pointer calling
/// convention at the entry point).
LogicalResult buildCPUPipeline(OpPassManager &pm,
                               const CPUPipelineOptions &options);

/// Registers the pipelines above with the pass registry (for cnnc-opt).
void registerCNNCPipelines();

/// Registers every dialect cnnc's pipelines use.
void registerCNNCDialects(DialectRegistry &registry);

} // namespace mlir::cnnc

#endif // CNNC_PIPELINES_PIPELINES_H
