//===- Passes.td - cnnc conversion passes ------------------*- tablegen -*-===//
#ifndef CNNC_CONVERSION_PASSES_TD
#define CNNC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertCNNToLinalgPass : Pass<"convert-cnn-to-linalg", "func::FuncOp"> {
  let summary = "Lower cnn ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Every cnn op becomes upstream ops on tensors, still NCHW: convolutions
    and pooling become linalg named ops (`linalg.conv_2d_nchw_fchw`,
    `linalg.conv_2d_ngchw_gfchw`, `linalg.depthwise_conv_2d_nchw_chw`,
    `linalg.pooling_nchw_max`/`_sum`) behind a `tensor.pad`; elementwise
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
    Option<"convLayout", "conv-layout", "std::string", /*default=*/"\"nhwc\"",
           "Layout of ungrouped convolutions: \"nhwc\" (NHWC activations, "
           "HWCF weights transposed at compile time, behind transposes; what "
           "CPU codegen vectorizes) or \"nchw\" (linalg.conv_2d_nchw_fchw)">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

#endif // CNNC_CONVERSION_PASSES_TD
