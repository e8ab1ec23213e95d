// RUN: cnnc-opt %s -split-input-file -verify-diagnostics
// Every shape rule of the cnn ops reports what disagrees.

func.func @conv_group_not_dividing(%x: tensor<1x6x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{group 4 does not divide the input channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 4 : (tensor<1x6x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_channel_mismatch(%x: tensor<1x6x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{weight shape [4, 3, 3, 3] expects 3 input channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x6x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_kernel_too_large(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x5x5xf32>) {
  // expected-error @+2 {{kernel [5, 5] (dilations [1, 1]) is larger than the padded input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x3x2x2xf32>, tensor<4x3x5x5xf32>) -> tensor<1x4x1x1xf32>
  return
}

// -----

func.func @conv_bad_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{strides must be two positive integers, got [0, 1]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [0, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_bad_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<5xf32>) {
  // expected-error @+2 {{bias of shape [5] does not match 4 output channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<5xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_wrong_result(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+2 {{inferred type(s) 'tensor<1x4x6x6xf32>' are incompatible with return type(s) of operation 'tensor<1x4x8x8xf32>'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return
}

// -----

func.func @pool_pad_exceeds_kernel(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+2 {{pads [2, 2, 2, 2] must be smaller than the kernel [2, 2]}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [2, 2, 2, 2] dilations = [1, 1] ceil_mode = false : tensor<1x3x8x8xf32> -> tensor<1x3x6x6xf32>
  return
}

// -----

func.func @pool_window_too_large(%x: tensor<1x3x2x2xf32>) {
  // expected-error @+2 {{pooling window [3, 3] is larger than the padded input}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [0, 0, 0, 0] ceil_mode = false count_include_pad = false : tensor<1x3x2x2xf32> -> tensor<1x3x1x1xf32>
  return
}

// -----

func.func @broadcast_mismatch(%a: tensor<1x4x2x2xf32>, %b: tensor<3x1x1xf32>) {
  // expected-error @+2 {{shapes [1, 4, 2, 2] and [3, 1, 1] do not broadcast}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.add %a, %b : (tensor<1x4x2x2xf32>, tensor<3x1x1xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @batch_norm_channels(%x: tensor<1x4x2x2xf32>, %p: tensor<3xf32>) {
  // expected-error @+2 {{batch norm scale of shape [3] does not match 4 channels}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 : (tensor<1x4x2x2xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @dense_inner(%a: tensor<1x16xf32>, %w: tensor<10x15xf32>) {
  // expected-error @+2 {{inner dimensions differ: input [1, 16] and weight [10, 15] (transposed)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.dense %a, %w transpose_a = false transpose_b = true alpha = 1.0 beta = 1.0 : (tensor<1x16xf32>, tensor<10x15xf32>) -> tensor<1x10xf32>
  return
}

// -----

func.func @concat_mismatch(%a: tensor<1x2x3x3xf32>, %b: tensor<1x2x4x3xf32>) {
  // expected-error @+2 {{concat inputs [1, 2, 3, 3] and [1, 2, 4, 3] differ outside axis 1}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.concat %a, %b axis = 1 : (tensor<1x2x3x3xf32>, tensor<1x2x4x3xf32>) -> tensor<1x4x3x3xf32>
  return
}

// -----

func.func @reshape_count(%a: tensor<1x2x3x3xf32>) {
  // expected-error @+2 {{cannot reshape [1, 2, 3, 3] (18 elements) to [1, 20] (20 elements)}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.reshape %a shape = [1, 20] : tensor<1x2x3x3xf32> -> tensor<1x20xf32>
  return
}

// -----

func.func @pad_mode(%a: tensor<1x2x3x3xf32>) {
  // expected-error @+2 {{unknown pad mode 'wrap'}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.pad %a pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = "wrap" value = 0.0 : tensor<1x2x3x3xf32> -> tensor<1x2x5x5xf32>
  return
}

// -----

func.func @softmax_axis(%a: tensor<1x10xf32>) {
  // expected-error @+1 {{softmax axis 2 is out of range}}
  %0 = cnn.softmax %a axis = 2 : tensor<1x10xf32>
  return
}

// -----

func.func @flatten_axis(%a: tensor<1x10xf32>) {
  // expected-error @+2 {{flatten axis 3 is out of range}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.flatten %a axis = 3 : tensor<1x10xf32> -> tensor<1x10xf32>
  return
}

// -----

func.func @lrn_size(%a: tensor<1x4x2x2xf32>) {
  // expected-error @+2 {{LRN size must be positive, got 0}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.lrn %a size = 0 alpha = 1.0e-04 beta = 0.75 bias = 1.0 : tensor<1x4x2x2xf32> -> tensor<1x4x2x2xf32>
  return
}

// -----

func.func @conv_unknown_activation(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{unknown activation 'gelu'}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 activation = "gelu" : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_activation_params(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{activation 'clip' takes 2 parameters, got 1}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 activation = "clip" params = [6.0] : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

func.func @conv_residual_type(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %r: tensor<1x4x8x8xf32>) {
  // expected-error @+1 {{residual of type 'tensor<1x4x8x8xf32>' does not match the result type 'tensor<1x4x6x6xf32>'}}
  %0 = cnn.conv2d %x, %w residual %r strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x6x6xf32>
  return
}

// -----

// Size limits: pads that make the output absurd are refused, not overflowed.
func.func @conv_pads_absurd(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x2000006x2000006xf32> {
  // expected-error @+2 {{conv output of shape [1, 4, 2000006, 2000006] has more than 68719476736 elements (2^36), the limit of one tensor}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1000000, 1000000, 1000000, 1000000] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x2000006x2000006xf32>
  return %0 : tensor<1x4x2000006x2000006xf32>
}

// -----

func.func @conv_pads_over_dim_limit(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+2 {{must be at most 2147483647}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [4611686018427387904, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

func.func @dense_too_many_macs(%x: tensor<131072x131072xf32>, %w: tensor<131072x131072xf32>) -> tensor<131072x131072xf32> {
  // expected-error @+2 {{takes more than 1125899906842624 multiply-adds (2^50), the limit of one layer}}
  // expected-error @+1 {{failed to infer returned types}}
  %0 = cnn.dense %x, %w transpose_a = false transpose_b = true alpha = 1.0 beta = 1.0 : (tensor<131072x131072xf32>, tensor<131072x131072xf32>) -> tensor<131072x131072xf32>
  return %0 : tensor<131072x131072xf32>
}
