// A small network with its `cnnc.signature` given, for signature.test
// (which rewrites the signature with set_signature.py).
module attributes {cnnc.signature = {inputs = [{name = "image", shape = array<i64: 1, 3, 8, 8>}], model_name = "tiny", outputs = [{name = "scores", shape = array<i64: 1, 10>}]}} {
func.func @cnnc_main(%x: tensor<1x3x8x8xf32> {cnnc.name = "image"}) -> (tensor<1x10xf32> {cnnc.name = "scores"}) {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.relu %0 : tensor<1x4x8x8xf32>
  %2 = cnn.max_pool2d %1 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %3 = cnn.flatten %2 axis = 1 : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wd = arith.constant dense<0.01> : tensor<10x64xf32>
  %4 = cnn.dense %3, %wd transpose_a = false transpose_b = true alpha = 1.0 beta = 1.0 : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32>
  return %4 : tensor<1x10xf32>
}
}
