// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-parallelize | FileCheck %s

// An NHWC elementwise op splits along its rows (56 >= 16 tiles); the
// channels, innermost, stay whole.
// CHECK-LABEL: func @relu_nhwc
// CHECK: scf.forall (%[[H:.*]]) in (56) shared_outs(%[[O:.*]] = %{{.*}}) -> (tensor<1x56x56x64xf32>)
// CHECK:   linalg.generic {{.*}} ins(%{{.*}} : tensor<1x1x56x64xf32>) outs(%{{.*}} : tensor<1x1x56x64xf32>)
// CHECK:   tensor.parallel_insert_slice %{{.*}} into %[[O]][0, %[[H]], 0, 0] [1, 1, 56, 64]
func.func @relu_nhwc(%x: tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x56x56x64xf32>) outs(%e : tensor<1x56x56x64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.maximumf %a, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x56x56x64xf32>
  return %r : tensor<1x56x56x64xf32>
}

// -----

// 7 rows are too few tiles: the columns are split too (7 x 7 = 49).
// Depthwise convolution: the reductions (kernel window) are never split.
// CHECK-LABEL: func @depthwise_small
// CHECK: scf.forall (%{{.*}}, %{{.*}}) in (7, 7)
// CHECK:   linalg.depthwise_conv_2d_nhwc_hwc {{.*}} outs(%{{.*}} : tensor<1x1x1x960xf32>)
func.func @depthwise_small(%x: tensor<1x9x9x960xf32>, %w: tensor<3x3x960xf32>, %init: tensor<1x7x7x960xf32>) -> tensor<1x7x7x960xf32> {
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x9x9x960xf32>, tensor<3x3x960xf32>) outs(%init : tensor<1x7x7x960xf32>) -> tensor<1x7x7x960xf32>
  return %r : tensor<1x7x7x960xf32>
}

// -----

// negative_: too little work to pay for waking a thread; global pooling
// (one value per channel) has no parallel dimension to split but the
// batch, which is 1, and the channels, which are innermost.
// CHECK-LABEL: func @negative_cases
// CHECK-NOT: scf.forall
func.func @negative_cases(%x: tensor<1x4x4x8xf32>, %big: tensor<1x8x8x1024xf32>, %acc: tensor<1x1024xf32>) -> (tensor<1x4x4x8xf32>, tensor<1x1024xf32>) {
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %small = linalg.generic {indexing_maps = [affine_map<(n, h, w, c) -> (n, h, w, c)>, affine_map<(n, h, w, c) -> (n, h, w, c)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.addf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, h, w, c)>, affine_map<(n, c, h, w) -> (n, c)>], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%big : tensor<1x8x8x1024xf32>) outs(%acc : tensor<1x1024xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<1x1024xf32>
  return %small, %sum : tensor<1x4x4x8xf32>, tensor<1x1024xf32>
}
