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

#endif // CNNC_DIALECT_CNN_TRANSFORMS_PASSES_TD
