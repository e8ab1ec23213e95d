//===- Passes.td - cnnc CPU codegen passes -----------------*- tablegen -*-===//
#ifndef CNNC_CODEGEN_CPU_PASSES_TD
#define CNNC_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def CPUInterchangeLoopsPass : Pass<"cnnc-cpu-interchange-loops", "func::FuncOp"> {
  let summary = "Order convolution and pooling loops so the innermost loop "
                "runs along a contiguous output row";
  let description = [{
    The baseline CPU schedule, before strategy selection exists: each
    convolution and pooling op is generalized and its loops are reordered as
    (outer parallel loops, reduction loops, output row, output column), so
    that the innermost loop updates a contiguous output row from a contiguous
    (or strided) input row with a broadcast weight, which LLVM's loop
    vectorizer turns into vector FMAs. Without it, the innermost loop is the
    kernel-width reduction, which stays scalar.

    Before (loops n, f, oh, ow, c, kh, kw):
    ```mlir
    linalg.conv_2d_nchw_fchw ins(%x, %w : ...) outs(%y : ...)
    ```
    After (loops n, f, c, kh, kw, oh, ow):
    ```mlir
    linalg.generic {iterator_types = ["parallel", "parallel", "reduction",
        "reduction", "reduction", "parallel", "parallel"], ...}
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def CPULowerVectorsPass : Pass<"cnnc-cpu-lower-vectors", "func::FuncOp"> {
  let summary = "Hoist loop-invariant vector transfers and lower contractions "
                "to FMAs, after bufferization";
  let description = [{
    The second half of the convolution schedule of cnnc-cpu-vectorize-conv:
    on buffers, accumulator reads and writes that do not change across the
    reduction loops are hoisted out of them (so accumulators stay in
    registers), and each vector lowering runs as its own pattern set:
    contractions as outer products, transfer permutations, outer products
    to FMAs, transfers to rank 1, broadcasts, transposes, shape casts.
    Lowering `vector.contract` with the default dot-product strategy instead
    runs about twenty times slower.
  }];
  let dependentDialects = ["::mlir::transform::TransformDialect",
                           "::mlir::vector::VectorDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def CPUVectorizeConvPass : Pass<"cnnc-cpu-vectorize-conv", "func::FuncOp"> {
  let summary = "Tile NHWC convolutions into register blocks and vectorize "
                "them";
  let description = [{
    Every statically shaped `linalg.conv_2d_nhwc_hwcf` gets a register tile
    chosen from the target's vector width and register count: an output
    block of `ow` pixels by `f` filters (f a multiple of the vector length
    where F allows, ow * f / VL accumulators within the register file), then
    the reduction tiled by (1, 1, c). The tiled convolution is decomposed
    into a 1-D convolution and vectorized, its initializer (fill or bias
    broadcast) fused into the tile. Tile sizes always divide the dimensions,
    so every tile has a static shape. The schedule is applied with the
    transform dialect (see docs/codegen-notes.md).

    Before:
    ```mlir
    %c = linalg.conv_2d_nhwc_hwcf ins(%x, %w : tensor<1x58x58x64xf32>,
           tensor<3x3x64x64xf32>) outs(%init : tensor<1x56x56x64xf32>)
    ```
    After (AVX2: tile ow = 4, f = 16, c = 4):
    ```mlir
    scf.for %oh ... scf.for %ow step 4 ... scf.for %f step 16 ...
      scf.for %kh ... scf.for %kw ... scf.for %c step 4 ...
        vector.contract ... : vector<1x4x4xf32>, vector<4x16xf32> into vector<1x4x16xf32>
    ```
  }];
  let options = [
    Option<"vectorBits", "vector-bits", "unsigned", /*default=*/"256",
           "Vector register width of the target in bits (128, 256 or 512)">
  ];
  let dependentDialects = ["::mlir::transform::TransformDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

#endif // CNNC_CODEGEN_CPU_PASSES_TD
