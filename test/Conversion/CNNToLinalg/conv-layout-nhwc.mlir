// RUN: cnnc-opt %s -split-input-file -convert-cnn-to-linalg="conv-layout=nhwc" | FileCheck %s
// RUN: not cnnc-opt %s -split-input-file -convert-cnn-to-linalg="conv-layout=nwhc" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: conv-layout must be nhwc or nchw, got 'nwhc'

// Ungrouped convolutions compute in NHWC/HWCF behind transposes; constant
// weights are transposed at compile time (E2E tests check the numbers).
// CHECK-DAG: #[[TOHWC:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d1, d2)>
// CHECK-DAG: #[[TOCHW:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3, d1)>
// CHECK-DAG: #[[BIAS:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @conv_nhwc
// CHECK-DAG: %[[W:.+]] = arith.constant dense_resource<{{.*}}> : tensor<1x2x1x2xf32>
// CHECK-DAG: %[[IN:.+]] = linalg.generic {indexing_maps = [#[[TOHWC]], #{{.*}}]{{.*}} outs(%{{.*}} : tensor<1x4x4x1xf32>)
// CHECK-DAG: %[[INIT:.+]] = linalg.fill {{.*}} -> tensor<1x4x3x2xf32>
// CHECK: %[[C:.+]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[IN]], %[[W]] : tensor<1x4x4x1xf32>, tensor<1x2x1x2xf32>) outs(%[[INIT]] : tensor<1x4x3x2xf32>)
// CHECK: %[[T:.+]] = linalg.generic {indexing_maps = [#[[TOCHW]], #{{.*}}]{{.*}} ins(%[[C]] : tensor<1x4x3x2xf32>) outs(%{{.*}} : tensor<1x2x4x3xf32>)
// The bias joins in the epilogue.
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BIAS]], #{{.*}}]{{.*}} ins(%[[T]], %{{.*}} : tensor<1x2x4x3xf32>, tensor<2xf32>)
// CHECK-NOT: linalg.conv_2d_nchw_fchw
func.func @conv_nhwc(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x4x3xf32> {
  %w = arith.constant dense<[[[[1.0, 0.0]]], [[[0.0, 2.0]]]]> : tensor<2x1x1x2xf32>
  %b = arith.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x1x4x4xf32>, tensor<2x1x1x2xf32>, tensor<2xf32>) -> tensor<1x2x4x3xf32>
  return %0 : tensor<1x2x4x3xf32>
}

// -----

// Grouped convolutions keep their NCHW lowering.
// CHECK-LABEL: func @negative_grouped
// CHECK: linalg.depthwise_conv_2d_nchw_chw
func.func @negative_grouped(%x: tensor<1x4x4x4xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<1x4x2x2xf32> {
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 4 : (tensor<1x4x4x4xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x2x2xf32>
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
