// RUN: cnnc-opt %s -split-input-file -cnn-recognize-blocks | FileCheck %s
// RUN: cnnc-opt %s -split-input-file -cnn-recognize-blocks -cnn-inline-blocks | FileCheck %s --check-prefix=INLINE

// Two residual blocks in a row, each an identity skip fused into the last
// convolution's epilogue. The second block's input is the first's result.
// CHECK-LABEL: func @two_residuals
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>)
// CHECK: %[[B1:.+]] = cnn.residual %[[X]] skip = "identity" : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32> {
// CHECK-NEXT: ^bb0(%[[IN1:.+]]: tensor<1x4x8x8xf32>):
// CHECK-NEXT:   %[[A:.+]] = cnn.conv2d %[[IN1]], %{{.*}} activation = "relu"
// CHECK-NEXT:   %[[R:.+]] = cnn.conv2d %[[A]], %{{.*}} residual %[[IN1]]
// CHECK-NEXT:   cnn.yield %[[R]]
// CHECK-NEXT: }
// CHECK: %[[B2:.+]] = cnn.residual %[[B1]] skip = "identity"
// CHECK: return %[[B2]]
// INLINE-LABEL: func @two_residuals
// INLINE-NOT: cnn.residual
// INLINE-NOT: cnn.yield
// INLINE-COUNT-4: cnn.conv2d
func.func @two_residuals(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4x3x3xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "relu" : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.conv2d %0, %w residual %x strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "relu" : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = cnn.conv2d %1, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "relu" : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %3 = cnn.conv2d %2, %w residual %1 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "relu" : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %3 : tensor<1x4x8x8xf32>
}

// -----

// A projection skip (strided 1x1 convolution of the input) with an add and
// relu that were not fused (the body ends in a squeeze-excite multiply).
// CHECK-LABEL: func @projection_se
// CHECK: cnn.residual %{{.*}} skip = "projection" : tensor<1x4x8x8xf32> -> tensor<1x8x4x4xf32>
// CHECK: cnn.global_avg_pool
// CHECK: cnn.sigmoid
// CHECK: cnn.mul
// CHECK: cnn.add
// CHECK: %[[OUT:.+]] = cnn.relu
// CHECK-NEXT: cnn.yield %[[OUT]]
func.func @projection_se(%x: tensor<1x4x8x8xf32>) -> tensor<1x8x4x4xf32> {
  %w = arith.constant dense<0.1> : tensor<8x4x3x3xf32>
  %wp = arith.constant dense<0.2> : tensor<8x4x1x1xf32>
  %b = cnn.conv2d %x, %w strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32>
  %g = cnn.global_avg_pool %b : tensor<1x8x4x4xf32> -> tensor<1x8x1x1xf32>
  %s = cnn.sigmoid %g : tensor<1x8x1x1xf32>
  %m = cnn.mul %b, %s : (tensor<1x8x4x4xf32>, tensor<1x8x1x1xf32>) -> tensor<1x8x4x4xf32>
  %p = cnn.conv2d %x, %wp strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x4x4xf32>
  %a = cnn.add %m, %p : (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  %r = cnn.relu %a : tensor<1x8x4x4xf32>
  return %r : tensor<1x8x4x4xf32>
}

// -----

// An inception block whose third branch splits again (Inception v3's 1x3 /
// 3x1 pair): the inner concatenation stays inside the outer block; one
// block is counted.
// CHECK-LABEL: func @nested_inception
// CHECK: cnn.inception %{{.*}} : tensor<1x4x8x8xf32> -> tensor<1x16x8x8xf32> {
// CHECK: cnn.max_pool2d
// CHECK: cnn.concat {{.*}} -> tensor<1x8x8x8xf32>
// CHECK: %[[C:.+]] = cnn.concat {{.*}} -> tensor<1x16x8x8xf32>
// CHECK-NEXT: cnn.yield %[[C]]
// CHECK-NOT: cnn.inception
func.func @nested_inception(%x: tensor<1x4x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %w1 = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %w13 = arith.constant dense<0.1> : tensor<4x4x1x3xf32>
  %w31 = arith.constant dense<0.1> : tensor<4x4x3x1xf32>
  %a = cnn.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %p = cnn.max_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] ceil_mode = false : tensor<1x4x8x8xf32> -> tensor<1x4x8x8xf32>
  %b0 = cnn.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %b1 = cnn.conv2d %b0, %w13 strides = [1, 1] pads = [0, 1, 0, 1] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x3xf32>) -> tensor<1x4x8x8xf32>
  %b2 = cnn.conv2d %b0, %w31 strides = [1, 1] pads = [1, 0, 1, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x3x1xf32>) -> tensor<1x4x8x8xf32>
  %b = cnn.concat %b1, %b2 axis = 1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
  %c = cnn.concat %a, %p, %b axis = 1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>, tensor<1x8x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}

// -----

// negative_: a value computed inside a would-be block is also used outside
// it (a tap on the branch), so the block cannot be closed; a concat on the
// batch axis is not an inception block; an add of a broadcast bias is not
// a residual.
// CHECK-LABEL: func @negative_cases
// CHECK-NOT: cnn.inception
// CHECK-NOT: cnn.residual
func.func @negative_cases(%x: tensor<1x4x8x8xf32>, %bias: tensor<1x4x1x1xf32>) -> (tensor<1x8x8x8xf32>, tensor<1x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<1x4x8x8xf32>) {
  %w1 = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %a = cnn.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %b = cnn.conv2d %x, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %c = cnn.concat %a, %b axis = 1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x8x8x8xf32>
  %n = cnn.concat %x, %x axis = 0 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %d = cnn.add %x, %bias : (tensor<1x4x8x8xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %c, %b, %n, %d : tensor<1x8x8x8xf32>, tensor<1x4x8x8xf32>, tensor<2x4x8x8xf32>, tensor<1x4x8x8xf32>
}
