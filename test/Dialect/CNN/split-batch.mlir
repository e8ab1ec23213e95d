// RUN: cnnc-opt %s -split-input-file -cnn-split-batch="min-parallel-macs=0" | FileCheck %s
// RUN: cnnc-opt %s -split-input-file -cnn-split-batch | FileCheck %s --check-prefix=SEQ

// The per-image trunk (conv, pool, flatten) moves into a function of one
// image; the dense head keeps the batch.
// CHECK-LABEL: func.func private @trunk_head_image
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>) -> tensor<1x64xf32> attributes {cnnc.network = 4 : i64}
// CHECK: %[[W:.+]] = arith.constant dense<1.000000e-01> : tensor<4x3x3x3xf32>
// CHECK: %[[C:.+]] = cnn.conv2d %[[X]], %[[W]] {{.*}} -> tensor<1x4x8x8xf32>
// CHECK: %[[P:.+]] = cnn.max_pool2d %[[C]] {{.*}} -> tensor<1x4x4x4xf32>
// CHECK: %[[F:.+]] = cnn.flatten %[[P]] axis = 1 : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
// CHECK: return %[[F]]
// CHECK-LABEL: func.func @trunk_head
// CHECK-SAME: (%[[XB:.+]]: tensor<4x3x8x8xf32>)
// CHECK: %[[E:.+]] = tensor.empty() : tensor<4x64xf32>
// CHECK: %[[L:.+]] = scf.forall (%[[N:.+]]) in (4) shared_outs(%[[O:.+]] = %[[E]]) -> (tensor<4x64xf32>)
// CHECK:   %[[XI:.+]] = tensor.extract_slice %[[XB]][%[[N]], 0, 0, 0] [1, 3, 8, 8] [1, 1, 1, 1]
// CHECK:   %[[FI:.+]] = func.call @trunk_head_image(%[[XI]])
// CHECK:   tensor.parallel_insert_slice %[[FI]] into %[[O]][%[[N]], 0] [1, 64] [1, 1]
// CHECK: cnn.dense %[[L]], {{.*}} -> tensor<4x10xf32>

// Its 4 x 27,648 multiply-adds are too few to wake threads for: by default
// the images run in a sequential loop.
// SEQ-LABEL: func.func @trunk_head
// SEQ-SAME: (%[[XB:.+]]: tensor<4x3x8x8xf32>)
// SEQ-NOT: scf.forall
// SEQ: %[[E:.+]] = tensor.empty() : tensor<4x64xf32>
// SEQ: %[[L:.+]] = scf.for %[[N:.+]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[O:.+]] = %[[E]]) -> (tensor<4x64xf32>)
// SEQ:   %[[XI:.+]] = tensor.extract_slice %[[XB]][%[[N]], 0, 0, 0] [1, 3, 8, 8] [1, 1, 1, 1]
// SEQ:   %[[FI:.+]] = func.call @trunk_head_image(%[[XI]])
// SEQ:   %[[U:.+]] = tensor.insert_slice %[[FI]] into %[[O]][%[[N]], 0] [1, 64] [1, 1]
// SEQ:   scf.yield %[[U]]
// SEQ: cnn.dense %[[L]], {{.*}} -> tensor<4x10xf32>
func.func @trunk_head(%x: tensor<4x3x8x8xf32>) -> tensor<4x10xf32> {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %wd = arith.constant dense<0.2> : tensor<64x10xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<4x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<4x4x8x8xf32>
  %1 = cnn.max_pool2d %0 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<4x4x8x8xf32> -> tensor<4x4x4x4xf32>
  %2 = cnn.flatten %1 axis = 1 : tensor<4x4x4x4xf32> -> tensor<4x64xf32>
  %3 = cnn.dense %2, %wd transpose_a = false transpose_b = false alpha = 1.0 beta = 1.0 : (tensor<4x64xf32>, tensor<64x10xf32>) -> tensor<4x10xf32>
  return %3 : tensor<4x10xf32>
}

// -----

// A reshape whose target carries the batch gets a target of one image; two
// trunk values used after the trunk are both its results.
// CHECK-LABEL: func.func private @reshape_two_outputs_image
// CHECK-SAME: -> (tensor<1x4x8x8xf32>, tensor<1x256xf32>)
// CHECK: cnn.reshape %{{.*}} shape = [1, 256] : tensor<1x4x8x8xf32> -> tensor<1x256xf32>
// CHECK-LABEL: func.func @reshape_two_outputs
// CHECK: scf.forall (%{{.*}}) in (2) shared_outs(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (tensor<2x4x8x8xf32>, tensor<2x256xf32>)
func.func @reshape_two_outputs(%x: tensor<2x3x8x8xf32>) -> (tensor<2x4x8x8xf32>, tensor<2x10xf32>) {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %wd = arith.constant dense<0.2> : tensor<256x10xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  %1 = cnn.reshape %0 shape = [2, 256] : tensor<2x4x8x8xf32> -> tensor<2x256xf32>
  %2 = cnn.dense %1, %wd transpose_a = false transpose_b = false alpha = 1.0 beta = 1.0 : (tensor<2x256xf32>, tensor<256x10xf32>) -> tensor<2x10xf32>
  return %0, %2 : tensor<2x4x8x8xf32>, tensor<2x10xf32>
}

// -----

// A constant with one value per image (dim 0 = the batch) ends the trunk:
// only the convolution before it is per image.
// CHECK-LABEL: func.func private @per_image_constant_image
// CHECK: cnn.conv2d
// CHECK-NOT: cnn.add
// CHECK: return
// CHECK-LABEL: func.func @per_image_constant
// CHECK: scf.forall
// CHECK: cnn.add
func.func @per_image_constant(%x: tensor<2x3x8x8xf32>) -> tensor<2x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %k = arith.constant dense<1.0> : tensor<2x4x8x8xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  %1 = cnn.add %0, %k : (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  return %1 : tensor<2x4x8x8xf32>
}

// -----

// negative_: batch 1 is left alone.
// CHECK-LABEL: func.func @negative_batch_one
// CHECK-NOT: scf.forall
// CHECK-NOT: _image
func.func @negative_batch_one(%x: tensor<1x3x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// negative_: a softmax over the batch axis mixes images, and the prefix
// before it has no convolution: nothing to split.
// CHECK-LABEL: func.func @negative_softmax_over_batch
// CHECK-NOT: scf.forall
// CHECK: cnn.softmax %{{.*}} axis = 0
// CHECK: cnn.conv2d
func.func @negative_softmax_over_batch(%x: tensor<2x3x8x8xf32>) -> tensor<2x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %0 = cnn.softmax %x axis = 0 : tensor<2x3x8x8xf32>
  %1 = cnn.conv2d %0, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  return %1 : tensor<2x4x8x8xf32>
}

// -----

// negative_: a concatenation along the batch axis is not per image.
// CHECK-LABEL: func.func @negative_concat_batch_axis
// CHECK-NOT: scf.forall
func.func @negative_concat_batch_axis(%x: tensor<2x3x8x8xf32>) -> tensor<4x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %0 = cnn.concat %x, %x axis = 0 : (tensor<2x3x8x8xf32>, tensor<2x3x8x8xf32>) -> tensor<4x3x8x8xf32>
  %1 = cnn.conv2d %0, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<4x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<4x4x8x8xf32>
  return %1 : tensor<4x4x8x8xf32>
}

// -----

// negative_: inputs with different batches are left alone.
// CHECK-LABEL: func.func @negative_mixed_batches
// CHECK-NOT: scf.forall
func.func @negative_mixed_batches(%x: tensor<2x3x8x8xf32>, %y: tensor<3x4x8x8xf32>) -> tensor<2x4x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x8x8xf32>
  return %0 : tensor<2x4x8x8xf32>
}
