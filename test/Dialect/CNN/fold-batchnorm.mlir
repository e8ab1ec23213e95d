// RUN: cnnc-opt %s -split-input-file -cnn-fold-batchnorm | FileCheck %s

// W' = W * s and b' = (b - mean) * s + shift with s = scale / sqrt(var + eps):
// filter 0: s = 2 / sqrt(3 + 1) = 1, b' = (1 - 1) * 1 + 0.5 = 0.5
// filter 1: s = 3 / sqrt(8 + 1) = 1, b' = (1 - 2) * 1 + 1 = 0
// So W' == W and b' = [0.5, 0].
// CHECK-LABEL: func @conv_bn
// CHECK-DAG: %[[W:.+]] = arith.constant dense<1.000000e+00> : tensor<2x1x1x1xf32>
// CHECK-DAG: %[[B:.+]] = arith.constant dense_resource<{{.*}}> : tensor<2xf32>
// CHECK: %[[C:.+]] = cnn.conv2d %{{.*}}, %[[W]], %[[B]] strides = [1, 1]
// CHECK-NOT: cnn.batch_norm
// CHECK: return %[[C]]
func.func @conv_bn(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %b = arith.constant dense<1.0> : tensor<2xf32>
  %scale = arith.constant dense<[2.0, 3.0]> : tensor<2xf32>
  %shift = arith.constant dense<[0.5, 1.0]> : tensor<2xf32>
  %mean = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %var = arith.constant dense<[3.0, 8.0]> : tensor<2xf32>
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %1 = cnn.batch_norm %0, %scale, %shift, %mean, %var epsilon = 1.0 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// Weights that are graph inputs cannot be folded at compile time.
// CHECK-LABEL: func @negative_runtime_weights
// CHECK: cnn.conv2d
// CHECK: cnn.batch_norm
func.func @negative_runtime_weights(%x: tensor<1x1x2x2xf32>, %w: tensor<2x1x1x1xf32>, %p: tensor<2xf32>) -> tensor<1x2x2x2xf32> {
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = cnn.batch_norm %0, %p, %p, %p, %p epsilon = 1.0 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}

// -----

// The convolution's output is also used elsewhere: folding would change it.
// CHECK-LABEL: func @negative_conv_other_users
// CHECK: %[[C:.+]] = cnn.conv2d
// CHECK: cnn.batch_norm %[[C]]
// CHECK: cnn.add %{{.*}}, %[[C]]
func.func @negative_conv_other_users(%x: tensor<1x1x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %w = arith.constant dense<1.0> : tensor<2x1x1x1xf32>
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x1x2x2xf32>, tensor<2x1x1x1xf32>) -> tensor<1x2x2x2xf32>
  %1 = cnn.batch_norm %0, %p, %p, %p, %p epsilon = 1.0 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %2 = cnn.add %1, %0 : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  return %2 : tensor<1x2x2x2xf32>
}

// -----

// Batch norm that does not follow a convolution stays.
// CHECK-LABEL: func @negative_no_conv
// CHECK: cnn.batch_norm
func.func @negative_no_conv(%x: tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32> {
  %p = arith.constant dense<1.0> : tensor<2xf32>
  %1 = cnn.batch_norm %x, %p, %p, %p, %p epsilon = 1.0 : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  return %1 : tensor<1x2x2x2xf32>
}
