//===- Passes.td - cnn dialect graph passes ----------------*- tablegen -*-===//
#ifndef CNNC_DIALECT_CNN_TRANSFORMS_PASSES_TD
#define CNNC_DIALECT_CNN_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def CNNFoldBatchNormPass : Pass<"cnn-fold-batchnorm", "func::FuncOp"> {
  let summary = "Fold inference batch norm into the preceding convolution";
  let description = [{
    A `cnn.batch_norm` whose input is a `cnn.conv2d` with constant weights
    (and no fused epilogue), with constant statistics, disappears: with
    s = scale / sqrt(variance + epsilon) per output channel, the convolution's
    weights become W * s and its bias (b - mean) * s + bias. The folded
    weights are new resource blobs computed at compile time.

    Before:
    ```mlir
    %c = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] group = 1 : ...
    %y = cnn.batch_norm %c, %scale, %bias, %mean, %var epsilon = 1.0e-05 : ...
    ```
    After:
    ```mlir
    %y = cnn.conv2d %x, %w_folded, %b_folded strides = [1, 1]
           pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CNNFuseActivationPass : Pass<"cnn-fuse-activation", "func::FuncOp"> {
  let summary = "Fuse residual adds and activations into convolution "
                "epilogues";
  let description = [{
    `cnn.add(conv, skip)` becomes the convolution with `residual` `skip`, and
    an activation (relu, clip, leaky_relu, hard_sigmoid, sigmoid, tanh, silu,
    hard_swish) of a convolution becomes its `activation`, when the
    convolution has no other user. ResNet's relu(bn(conv(x)) + skip) ends as
    one op once batch norm has been folded.

    Before:
    ```mlir
    %c = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] group = 1 : ...
    %s = cnn.add %c, %skip : ...
    %y = cnn.relu %s : tensor<1x64x56x56xf32>
    ```
    After:
    ```mlir
    %y = cnn.conv2d %x, %w, %b residual %skip strides = [1, 1]
           pads = [1, 1, 1, 1] dilations = [1, 1] group = 1
           activation = "relu" : ...
    ```
  }];
}

def CNNFuseSqueezeExcitePass : Pass<"cnn-fuse-squeeze-excite",
                                    "func::FuncOp"> {
  let summary = "Move a squeeze-excite gate into the weights of the "
                "convolutions that consume the gated tensor";
  let description = [{
    A squeeze-excite block ends in `y = x * g` with one gate per channel,
    g of shape [1, C, 1, 1]. When every user of y is an ungrouped convolution
    reading it as its input, each gets x as input and weights scaled per
    input channel instead, `W' = W * g` (a `cnn.mul` broadcasting g over
    [Cout, C, KH, KW]): conv(x * g, W) = conv(x, W * g), since zero padding
    commutes with the scaling. Applied where it pays: the weights scaled are
    fewer than the activations (in EfficientNet's and MobileNetV3's blocks,
    the 1x1 projection after the gate: C*Cout weights instead of C*H*W
    activations, and one pass over the expanded activations less). Batch 1
    only: with a batch, each sample has its own gate. SE-ResNet's gate feeds
    the residual add instead; elementwise fusion puts the scaling, the add
    and the relu in one loop there.

    Before:
    ```mlir
    %y = cnn.mul %x, %g : (tensor<1x144x56x56xf32>, tensor<1x144x1x1xf32>) -> tensor<1x144x56x56xf32>
    %p = cnn.conv2d %y, %w, %b ... : (tensor<1x144x56x56xf32>, tensor<24x144x1x1xf32>, tensor<24xf32>) -> ...
    ```
    After:
    ```mlir
    %ws = cnn.mul %w, %g : (tensor<24x144x1x1xf32>, tensor<1x144x1x1xf32>) -> tensor<24x144x1x1xf32>
    %p = cnn.conv2d %x, %ws, %b ... : (tensor<1x144x56x56xf32>, tensor<24x144x1x1xf32>, tensor<24xf32>) -> ...
    ```
  }];
}

def CNNRecognizeBlocksPass : Pass<"cnn-recognize-blocks", "func::FuncOp"> {
  let summary = "Represent inception and residual blocks as cnn.inception "
                "and cnn.residual ops";
  let description = [{
    Runs after batch-norm folding and epilogue fusion. A block ends at a
    root: a channel `cnn.concat` (inception), or a convolution with a fused
    `residual`, or a `cnn.add` of two same-shaped tensors with its
    activation if one follows (residual). Its input is the nearest value X
    such that everything the root computes from, back to X, is used only
    inside the block (weights excepted); then those ops move into the
    region of a block op taking X. Roots are visited last to first, so a
    block nested in another (Inception v3's split 1x3 / 3x1 branches) stays
    inside the outer one rather than becoming a block of its own.

    `cnnc --report` prints the counts ("blocks: 9 inception, 0 residual");
    they are also pass statistics, where LLVM is built with statistics.

    Before:
    ```mlir
    %a = cnn.conv2d %x, %w1, %b1 ... activation = "relu" ...
    %b = cnn.conv2d %a, %w2, %b2 residual %x ... activation = "relu" ...
    ```
    After:
    ```mlir
    %b = cnn.residual %x skip = "identity" : ... {
    ^bb0(%in: tensor<...>):
      %a = cnn.conv2d %in, %w1, %b1 ... activation = "relu" ...
      %r = cnn.conv2d %a, %w2, %b2 residual %in ... activation = "relu" ...
      cnn.yield %r : tensor<...>
    }
    ```
  }];
  let statistics = [
    Statistic<"numInception", "inception-blocks", "Inception blocks found">,
    Statistic<"numResidual", "residual-blocks", "Residual blocks found">
  ];
}

def CNNInlineBlocksPass : Pass<"cnn-inline-blocks", "func::FuncOp"> {
  let summary = "Replace cnn.inception and cnn.residual by their bodies";
  let description = [{
    The first step of lowering: a block op's body moves in front of it with
    the block input for the region argument, and the yielded value replaces
    the block's result.
  }];
}

def CNNFactorizeKernelsPass : Pass<"cnn-factorize-kernels", "func::FuncOp"> {
  let summary = "Factorize NxN convolutions into 1xN then Nx1, and 5x5 "
                "into 3x3 then 3x3, under an error budget (opt-in)";
  let description = [{
    For a convolution with constant weights W [Cout, Cin/G, N, N] (N >= 2,
    no dilation; G groups, depthwise included), each group's kernel is
    reshaped to the matrix M[(o, kh), (i, kw)] of size (Cout/G * N) x
    (Cin/G * N). A rank-r factorization M = B A is exactly a 1xN
    convolution A (r channels per group, the width pads and stride) followed
    by an Nx1 convolution B (the height pads and stride, the bias and the
    epilogue). The SVD gives the best rank r; the pass takes the smallest r
    whose relative reconstruction error ||M - M_r||_F / ||M||_F is at most
    `tolerance` in every group, and rewrites the convolution only when the
    two convolutions need fewer multiply-accumulates than the one they
    replace. Exactly separable or low-rank kernels factorize losslessly; a
    full-rank kernel under a tight budget is left alone.

    A 5x5 kernel may instead become a 3x3 convolution (stride 1, the original
    pads, r channels per group) then a 3x3 convolution (the stride, no pads,
    the bias and epilogue): K[o][i] = sum_m A[o][m] * B[m][i], fitted by
    alternating least squares from an SVD start, the ranks tried bounded
    below by a DFT rank test. Of the two, the rewrite with fewer MACs that
    meets the budget is taken.

    Each rewrite is reported as a remark (shapes, rank, MACs before and
    after, reconstruction error), and the function gets a summary remark.

    Before:
    ```mlir
    %y = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [2, 2, 2, 2] ...
           : (..., tensor<64x32x5x5xf32>, ...) -> ...
    ```
    After (rank 16):
    ```mlir
    %m = cnn.conv2d %x, %a strides = [1, 1] pads = [0, 2, 0, 2] ...
           : (..., tensor<16x32x1x5xf32>) -> ...
    %y = cnn.conv2d %m, %bw, %b strides = [1, 1] pads = [2, 0, 2, 0] ...
           : (..., tensor<64x16x5x1xf32>, ...) -> ...
    ```
  }];
  let options = [
    Option<"tolerance", "tolerance", "double", /*default=*/"1e-5",
           "Largest relative Frobenius reconstruction error per kernel">,
    Option<"maxMatrix", "max-matrix", "int64_t", /*default=*/"1024",
           "Skip kernels whose smaller matrix side exceeds this (compile "
           "time of the decomposition)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def CNNSplitBatchPass : Pass<"cnn-split-batch", "ModuleOp"> {
  let summary = "Run the per-image trunk of a batched network one image at "
                "a time";
  let description = [{
    For a public function whose inputs all have the same batch N >= 2 in
    dim 0, the longest prefix of ops that keep images apart (convolutions,
    pooling, batch norm, activations, elementwise ops with constants that
    do not vary over the batch, concatenation, flatten, reshape and softmax
    off the batch axis, pads that leave the batch alone) moves into a new
    private function `<name>_image` of one image, marked `cnnc.network = N`
    (the number of calls per run).
    The prefix becomes an `scf.forall` over the N images that calls it (an
    `scf.for` when the trunk's convolutions over the whole batch are fewer
    than `min-parallel-macs` multiply-adds).
    The prefix ends at the first dense layer (its weights are read once for
    the whole batch) or at the first op not known to keep images apart. A
    function without a convolution in that prefix is left alone.

    Each layer of the trunk then works on one image's activations, which
    stay in cache from one layer to the next, and the images of the batch
    run on different threads (libcnnrt's pool runs the forall; the layers'
    own parallel loops run inline inside it).

    Before:
    ```mlir
    func.func @cnnc_main(%x: tensor<8x3x32x32xf32>) -> tensor<8x10xf32> {
      %c = cnn.conv2d %x, %w, %b ... -> tensor<8x16x32x32xf32>
      %g = cnn.global_avg_pool %c : ... -> tensor<8x16x1x1xf32>
      %f = cnn.flatten %g axis = 1 : ... -> tensor<8x16xf32>
      %y = cnn.dense %f, %wd, %bd ... -> tensor<8x10xf32>
      return %y : tensor<8x10xf32>
    }
    ```
    After:
    ```mlir
    func.func private @cnnc_main_image(%x: tensor<1x3x32x32xf32>)
        -> tensor<1x16xf32> attributes {cnnc.network = 8 : i64} {
      %c = cnn.conv2d %x, %w, %b ... -> tensor<1x16x32x32xf32>
      ...
    }
    func.func @cnnc_main(%x: tensor<8x3x32x32xf32>) -> tensor<8x10xf32> {
      %e = tensor.empty() : tensor<8x16xf32>
      %f = scf.forall (%n) in (8) shared_outs(%o = %e) -> tensor<8x16xf32> {
        %xi = tensor.extract_slice %x[%n, 0, 0, 0] [1, 3, 32, 32] [1, 1, 1, 1]
        %fi = func.call @cnnc_main_image(%xi) : ...
        scf.forall.in_parallel {
          tensor.parallel_insert_slice %fi into %o[%n, 0] [1, 16] [1, 1]
        }
      }
      %y = cnn.dense %f, %wd, %bd ... -> tensor<8x10xf32>
      return %y : tensor<8x10xf32>
    }
    ```
  }];
  let options = [
    Option<"minParallelMacs", "min-parallel-macs", "int64_t",
           /*default=*/"16777216",
           "Below this many convolution multiply-adds in the trunk over the "
           "whole batch, a sequential scf.for replaces the scf.forall (waking "
           "threads would cost more than the work)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // CNNC_DIALECT_CNN_TRANSFORMS_PASSES_TD
