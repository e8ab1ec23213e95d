//===- Passes.td - cnnc conversion passes ------------------*- tablegen -*-===//
#ifndef CNNC_CONVERSION_PASSES_TD
#define CNNC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertCNNToLinalgPass : Pass<"convert-cnn-to-linalg", "func::FuncOp"> {
  let summary = "Lower cnn ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every cnn op becomes upstream ops on tensors: convolutions and pooling
    become linalg named ops (`linalg.conv_2d_nhwc_hwcf`,
    `linalg.depthwise_conv_2d_nhwc_hwc`, `linalg.pooling_nhwc_max`/`_sum`;
    with layout=nchw or for grouped convolutions their NCHW forms) behind a
    `tensor.pad`; elementwise
    ops, batch norm, LRN, softmax and dense layers become `linalg.generic`;
    concat becomes `tensor.insert_slice`s.

    Before:
    ```mlir
    %y = cnn.relu %x : tensor<1x8x4x4xf32>
    ```
    After:
    ```mlir
    %e = tensor.empty() : tensor<1x8x4x4xf32>
    %y = linalg.generic {...iterator_types = ["parallel", ...]}
           ins(%x : tensor<1x8x4x4xf32>) outs(%e : tensor<1x8x4x4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %z = arith.constant 0.0 : f32
      %m = arith.maximumf %in, %z : f32
      linalg.yield %m : f32
    } -> tensor<1x8x4x4xf32>
    ```
  }];
  let options = [
    Option<"layout", "layout", "std::string", /*default=*/"\"nhwc\"",
           "Activation layout: \"nhwc\" (convolutions, pools, normalization "
           "and elementwise ops compute in NHWC, weights are transposed at "
           "compile time, and NCHW is materialized only where an op needs it: "
           "what CPU codegen vectorizes) or \"nchw\" (every op in the cnn "
           "dialect's NCHW)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // CNNC_CONVERSION_PASSES_TD
