// RUN: cnnc-opt %s -split-input-file -cnn-fuse-activation | FileCheck %s

// relu(conv(x) + skip): one convolution with a residual and a relu.
// CHECK-LABEL: func @residual_relu
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x8x8xf32>, %[[SKIP:.+]]: tensor<1x4x8x8xf32>)
// CHECK: %[[C:.+]] = cnn.conv2d %[[X]], %{{.*}} residual %[[SKIP]] strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "relu"
// CHECK-NOT: cnn.add
// CHECK-NOT: cnn.relu
// CHECK: return %[[C]]
func.func @residual_relu(%x: tensor<1x4x8x8xf32>, %skip: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4x3x3xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.add %skip, %0 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  %2 = cnn.relu %1 : tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// CHECK-LABEL: func @clip_params
// CHECK: cnn.conv2d {{.*}} activation = "clip" params = [0.000000e+00, 6.000000e+00]
// CHECK-NOT: cnn.clip
func.func @clip_params(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x1x3x3xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 4 : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.clip %0 min = 0.0 max = 6.0 : tensor<1x4x8x8xf32>
  return %1 : tensor<1x4x8x8xf32>
}

// -----

// A second activation stays outside; the first is fused.
// CHECK-LABEL: func @negative_second_activation
// CHECK: %[[C:.+]] = cnn.conv2d {{.*}} activation = "silu"
// CHECK: cnn.sigmoid %[[C]]
func.func @negative_second_activation(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.silu %0 : tensor<1x4x8x8xf32>
  %2 = cnn.sigmoid %1 : tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// The pre-activation value is used too: nothing can be fused.
// CHECK-LABEL: func @negative_multiple_users
// CHECK: %[[C:.+]] = cnn.conv2d
// CHECK-NOT: activation
// CHECK: cnn.relu %[[C]]
// CHECK: cnn.add
func.func @negative_multiple_users(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.relu %0 : tensor<1x4x8x8xf32>
  %2 = cnn.add %1, %0 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// A broadcasting add is not an epilogue.
// CHECK-LABEL: func @negative_broadcast_add
// CHECK: cnn.conv2d
// CHECK-NOT: residual
// CHECK: cnn.add
func.func @negative_broadcast_add(%x: tensor<1x4x8x8xf32>, %s: tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.add %0, %s : (tensor<1x4x8x8xf32>, tensor<4x1x1xf32>) -> tensor<1x4x8x8xf32>
  return %1 : tensor<1x4x8x8xf32>
}

// -----

// x * sigmoid(x) (SiLU as exported by frameworks without the op), in either
// operand order, becomes one silu activation in the convolution epilogue.
// CHECK-LABEL: func @silu_from_mul
// CHECK: %[[C:.+]] = cnn.conv2d {{.*}} activation = "silu"
// CHECK-NOT: cnn.sigmoid
// CHECK-NOT: cnn.mul
// CHECK: return %[[C]]
func.func @silu_from_mul(%x: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x4x1x1xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x8x8xf32>, tensor<4x4x1x1xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.sigmoid %0 : tensor<1x4x8x8xf32>
  %2 = cnn.mul %1, %0 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}

// -----

// negative_: x * sigmoid(y) is a gate (squeeze-excite), not SiLU.
// CHECK-LABEL: func @negative_gate
// CHECK: cnn.sigmoid
// CHECK: cnn.mul
// CHECK-NOT: cnn.silu
func.func @negative_gate(%x: tensor<1x4x8x8xf32>, %y: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %1 = cnn.sigmoid %y : tensor<1x4x8x8xf32>
  %2 = cnn.mul %x, %1 : (tensor<1x4x8x8xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %2 : tensor<1x4x8x8xf32>
}
