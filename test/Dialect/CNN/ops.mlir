// RUN: cnnc-opt %s | cnnc-opt | FileCheck %s
// Round trip of every cnn op through the printer and parser.

// CHECK-LABEL: func @conv2d_grouped_bias
func.func @conv2d_grouped_bias(%x: tensor<1x8x9x9xf32>, %w: tensor<16x4x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x5x5xf32> {
  // CHECK: cnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] group = 2
  %0 = cnn.conv2d %x, %w, %b strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] group = 2 : (tensor<1x8x9x9xf32>, tensor<16x4x3x3xf32>, tensor<16xf32>) -> tensor<1x16x5x5xf32>
  return %0 : tensor<1x16x5x5xf32>
}

// CHECK-LABEL: func @conv2d_dilated_asymmetric
func.func @conv2d_dilated_asymmetric(%x: tensor<1x3x10x10xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x7x6xf32> {
  // CHECK: cnn.conv2d %{{.*}}, %{{.*}} strides = [1, 1] pads = [0, 0, 1, 0] dilations = [2, 2]
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 1, 0] dilations = [2, 2] group = 1 : (tensor<1x3x10x10xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x7x6xf32>
  return %0 : tensor<1x4x7x6xf32>
}

// CHECK-LABEL: func @pools
func.func @pools(%x: tensor<1x4x7x7xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>) {
  // CHECK: cnn.max_pool2d {{.*}} ceil_mode = true
  %0 = cnn.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  // CHECK: cnn.avg_pool2d {{.*}} count_include_pad = false
  %1 = cnn.avg_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x4x7x7xf32> -> tensor<1x4x3x3xf32>
  // CHECK: cnn.global_avg_pool
  %2 = cnn.global_avg_pool %x : tensor<1x4x7x7xf32> -> tensor<1x4x1x1xf32>
  // CHECK: cnn.global_max_pool
  %3 = cnn.global_max_pool %x : tensor<1x4x7x7xf32> -> tensor<1x4x1x1xf32>
  return %0, %1, %2, %3 : tensor<1x4x4x4xf32>, tensor<1x4x3x3xf32>, tensor<1x4x1x1xf32>, tensor<1x4x1x1xf32>
}

// CHECK-LABEL: func @elementwise
func.func @elementwise(%x: tensor<1x4x2x2xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32> {
  // CHECK: cnn.add
  %0 = cnn.add %x, %s : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: cnn.sub
  %1 = cnn.sub %0, %x : (tensor<1x4x2x2xf32>, tensor<1x4x2x2xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: cnn.mul
  %2 = cnn.mul %1, %s : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: cnn.div
  %3 = cnn.div %2, %s : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: cnn.relu
  %4 = cnn.relu %3 : tensor<1x4x2x2xf32>
  // CHECK: cnn.clip {{.*}} min = 0.000000e+00 max = 6.000000e+00
  %5 = cnn.clip %4 min = 0.0 max = 6.0 : tensor<1x4x2x2xf32>
  // CHECK: cnn.sigmoid
  %6 = cnn.sigmoid %5 : tensor<1x4x2x2xf32>
  // CHECK: cnn.tanh
  %7 = cnn.tanh %6 : tensor<1x4x2x2xf32>
  // CHECK: cnn.leaky_relu {{.*}} alpha = 1.000000e-01
  %8 = cnn.leaky_relu %7 alpha = 0.1 : tensor<1x4x2x2xf32>
  // CHECK: cnn.hard_sigmoid {{.*}} alpha = 2.000000e-01 beta = 5.000000e-01
  %9 = cnn.hard_sigmoid %8 alpha = 0.2 beta = 0.5 : tensor<1x4x2x2xf32>
  // CHECK: cnn.hard_swish
  %10 = cnn.hard_swish %9 : tensor<1x4x2x2xf32>
  // CHECK: cnn.silu
  %11 = cnn.silu %10 : tensor<1x4x2x2xf32>
  return %11 : tensor<1x4x2x2xf32>
}

// CHECK-LABEL: func @norm_dense_softmax
func.func @norm_dense_softmax(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>, %w: tensor<16x10xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  // CHECK: cnn.batch_norm {{.*}} epsilon = 9.99999974E-6
  %0 = cnn.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  // CHECK: cnn.lrn {{.*}} size = 3
  %1 = cnn.lrn %0 size = 3 alpha = 1.0e-04 beta = 0.75 bias = 1.0 : tensor<1x4x2x2xf32> -> tensor<1x4x2x2xf32>
  // CHECK: cnn.flatten {{.*}} axis = 1
  %2 = cnn.flatten %1 axis = 1 : tensor<1x4x2x2xf32> -> tensor<1x16xf32>
  // CHECK: cnn.dense {{.*}} transpose_a = false transpose_b = false
  %3 = cnn.dense %2, %w, %b transpose_a = false transpose_b = false alpha = 1.0 beta = 1.0 : (tensor<1x16xf32>, tensor<16x10xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  // CHECK: cnn.softmax {{.*}} axis = 1
  %4 = cnn.softmax %3 axis = 1 : tensor<1x10xf32>
  return %4 : tensor<1x10xf32>
}

// CHECK-LABEL: func @shapes
func.func @shapes(%a: tensor<1x2x3x3xf32>, %b: tensor<1x5x3x3xf32>) -> (tensor<1x63xf32>, tensor<1x7x5x5xf32>) {
  // CHECK: cnn.concat {{.*}} axis = 1
  %0 = cnn.concat %a, %b axis = 1 : (tensor<1x2x3x3xf32>, tensor<1x5x3x3xf32>) -> tensor<1x7x3x3xf32>
  // CHECK: cnn.reshape {{.*}} shape = [1, 63]
  %1 = cnn.reshape %0 shape = [1, 63] : tensor<1x7x3x3xf32> -> tensor<1x63xf32>
  // CHECK: cnn.pad {{.*}} mode = "reflect"
  %2 = cnn.pad %0 pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = "reflect" value = 0.0 : tensor<1x7x3x3xf32> -> tensor<1x7x5x5xf32>
  return %1, %2 : tensor<1x63xf32>, tensor<1x7x5x5xf32>
}

// CHECK-LABEL: func @conv2d_epilogue
func.func @conv2d_epilogue(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>, %b: tensor<4xf32>, %r: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK: cnn.conv2d %{{.*}}, %{{.*}}, %{{.*}} residual %{{.*}} strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "clip" params = [0.000000e+00, 6.000000e+00]
  %0 = cnn.conv2d %x, %w, %b residual %r strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "clip" params = [0.0, 6.0] : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<4xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}
