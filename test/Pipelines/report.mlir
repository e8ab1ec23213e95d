// RUN: cnnc %s --target=x86-64-v3 --report --emit=obj -o %t.o | FileCheck %s
// RUN: cnnc %s --target=x86-64-v3 --report --no-graph-passes --emit=obj -o %t.o | FileCheck %s --check-prefix=UNFUSED

// MACs by hand: conv 4 filters x 8x8 outputs x (3 channels x 3x3) = 6912;
// dense 10 x 64 = 640; total 7552. Parameters: 108 + 4 + 640 floats = 3008 B.
// Peak: the input (768 B), the conv output (1024 B) and the pool output
// (256 B) are live together while the pool runs.
// (FileCheck collapses runs of spaces: one space in a pattern matches a run.)
// CHECK: layer op inputs output MACs lowering
// CHECK-NEXT: conv cnn.conv2d+relu 1x3x8x8 1x4x8x8 6912 linalg.conv_2d_nhwc_hwcf
// CHECK-NEXT: pool cnn.max_pool2d 1x4x8x8 1x4x4x4 0 linalg.pooling_nchw_max
// CHECK: fc cnn.dense 1x64 1x10 640 linalg.generic (contraction)
// CHECK: total: 5 layers, 7.552 KMACs (7552), parameters 3.008 KB, activations {{.*}} peak live 2.048 KB
// UNFUSED: relu cnn.relu 1x4x8x8 1x4x8x8 0
// UNFUSED: total: 6 layers

func.func @cnnc_main(%x: tensor<1x3x8x8xf32> {cnnc.name = "image"}) -> (tensor<1x10xf32> {cnnc.name = "scores"}) {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32> loc("conv")
  %1 = cnn.relu %0 : tensor<1x4x8x8xf32> loc("relu")
  %2 = cnn.max_pool2d %1 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32> loc("pool")
  %3 = cnn.flatten %2 axis = 1 : tensor<1x4x4x4xf32> -> tensor<1x64xf32> loc("flatten")
  %wd = arith.constant dense<0.01> : tensor<10x64xf32>
  %4 = cnn.dense %3, %wd transpose_a = false transpose_b = true alpha = 1.0 beta = 1.0 : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32> loc("fc")
  %5 = cnn.softmax %4 axis = 1 : tensor<1x10xf32> loc("softmax")
  return %5 : tensor<1x10xf32>
}
