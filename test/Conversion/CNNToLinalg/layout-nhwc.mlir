// RUN: cnnc-opt %s -split-input-file -convert-cnn-to-linalg="layout=nhwc" | FileCheck %s
// RUN: not cnnc-opt %s -split-input-file -convert-cnn-to-linalg="layout=nwhc" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: layout must be nhwc or nchw, got 'nwhc'

// Layout propagation: activations turn NHWC once, at the network input, and
// back to NCHW once, where flatten needs it. Convolution, relu and max pool
// in between read each other's NHWC results directly.
// CHECK-DAG: #[[TONHWC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-DAG: #[[TONCHW:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-LABEL: func @chain
// CHECK: %[[IN:.+]] = linalg.generic {indexing_maps = [#[[TONHWC]], {{.*}} ins(%arg0 : tensor<1x2x4x4xf32>) outs(%{{.*}} : tensor<1x4x4x2xf32>)
// CHECK: %[[PAD:.+]] = tensor.pad %[[IN]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[C1:.+]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[PAD]], %{{.*}} : tensor<1x6x6x2xf32>, tensor<3x3x2x4xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK: %[[R:.+]] = linalg.generic {{.*}} ins(%[[C1]] : tensor<1x4x4x4xf32>)
// CHECK: arith.maximumf
// CHECK: %[[P:.+]] = linalg.pooling_nhwc_max {{.*}} ins(%[[R]], %{{.*}} : tensor<1x4x4x4xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<1x2x2x4xf32>)
// CHECK: %[[C2:.+]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[P]], %{{.*}} : tensor<1x2x2x4xf32>, tensor<1x1x4x8xf32>)
// CHECK: %[[OUT:.+]] = linalg.generic {indexing_maps = [#[[TONCHW]], {{.*}} ins(%[[C2]] : tensor<1x2x2x8xf32>) outs(%{{.*}} : tensor<1x8x2x2xf32>)
// CHECK: tensor.collapse_shape %[[OUT]]
// CHECK-NOT: cnnc.to_nchw
func.func @chain(%x: tensor<1x2x4x4xf32>) -> tensor<1x32xf32> {
  %w = arith.constant dense<1.0> : tensor<4x2x3x3xf32>
  %w2 = arith.constant dense<0.5> : tensor<8x4x1x1xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x2x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  %1 = cnn.relu %0 : tensor<1x4x4x4xf32>
  %2 = cnn.max_pool2d %1 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x4x4x4xf32> -> tensor<1x4x2x2xf32>
  %3 = cnn.conv2d %2, %w2 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x2x2xf32>, tensor<8x4x1x1xf32>) -> tensor<1x8x2x2xf32>
  %4 = cnn.flatten %3 axis = 1 : tensor<1x8x2x2xf32> -> tensor<1x32xf32>
  return %4 : tensor<1x32xf32>
}

// -----

// Depthwise convolutions compute in NHWC with [KH, KW, C] weights; a
// channel-broadcast multiply (squeeze-excite) reads its [N, C, 1, 1] operand
// through a permuted map, and the residual add stays NHWC.
// CHECK-DAG: #[[SE:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, 0, 0)>
// CHECK-LABEL: func @depthwise_se
// CHECK: %[[DW:.+]] = linalg.depthwise_conv_2d_nhwc_hwc {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x6x6x4xf32>, tensor<3x3x4xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[SE]], #{{.*}}]{{.*}} ins(%[[DW]], %arg1 : tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK-NOT: linalg.depthwise_conv_2d_nchw_chw
func.func @depthwise_se(%x: tensor<1x4x4x4xf32>, %s: tensor<1x4x1x1xf32>) -> tensor<1x4x4x4xf32> {
  %w = arith.constant dense<1.0> : tensor<4x1x3x3xf32>
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 4 : (tensor<1x4x4x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x4x4xf32>
  %1 = cnn.mul %0, %s : (tensor<1x4x4x4xf32>, tensor<1x4x1x1xf32>) -> tensor<1x4x4x4xf32>
  return %1 : tensor<1x4x4x4xf32>
}

// -----

// Ungrouped convolutions compute in NHWC/HWCF; constant weights are
// transposed at compile time, the bias joins in the NHWC epilogue.
// CHECK-DAG: #[[BIAS:.+]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func @conv_bias
// CHECK-DAG: %[[W:.+]] = arith.constant dense_resource<{{.*}}> : tensor<1x2x1x2xf32>
// CHECK: %[[C:.+]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %[[W]] : tensor<1x4x4x1xf32>, tensor<1x2x1x2xf32>) outs(%{{.*}} : tensor<1x4x3x2xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BIAS]], #{{.*}}]{{.*}} ins(%[[C]], %{{.*}} : tensor<1x4x3x2xf32>, tensor<2xf32>)
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv_bias(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 0.0]]], [[[0.0, 2.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}

// -----

// Grouped (not depthwise) convolutions compute in NHWGC, a reshape of NHWC:
// the channels split into (group, channel), the weights in GFHWC order (a
// run-time transpose here: the weights are an argument).
// CHECK-LABEL: func @grouped
// CHECK: %[[IN:.+]] = tensor.expand_shape %{{.+}} {{\[\[}}0], [1], [2], [3, 4]] output_shape [1, 4, 4, 2, 2] : tensor<1x4x4x4xf32> into tensor<1x4x4x2x2xf32>
// CHECK: %[[W:.+]] = linalg.generic {{.*}} outs(%{{.+}} : tensor<2x2x3x3x2xf32>)
// CHECK: %[[C:.+]] = linalg.conv_2d_nhwgc_gfhwc {{.*}} ins(%[[IN]], %[[W]] : tensor<1x4x4x2x2xf32>, tensor<2x2x3x3x2xf32>) outs(%{{.+}} : tensor<1x2x2x2x2xf32>)
// CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x2x2x2x2xf32> into tensor<1x2x2x4xf32>
// CHECK-NOT: linalg.conv_2d_ngchw_gfchw
func.func @grouped(%x: tensor<1x4x4x4xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x2x2xf32> {
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 2 : (tensor<1x4x4x4xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Weights that are graph inputs are transposed at run time.
// CHECK-LABEL: func @runtime_weights
// CHECK-SAME: %[[WARG:[a-z0-9]+]]: tensor<3x2x1x1xf32>
// CHECK: linalg.generic {{.*}} ins(%[[WARG]] : tensor<3x2x1x1xf32>) outs(%{{.*}} : tensor<1x1x2x3xf32>)
func.func @runtime_weights(%x: tensor<1x2x4x4xf32>, %w: tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32> {
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x2x4x4xf32>, tensor<3x2x1x1xf32>) -> tensor<1x3x4x4xf32>
  return %0 : tensor<1x3x4x4xf32>
}
