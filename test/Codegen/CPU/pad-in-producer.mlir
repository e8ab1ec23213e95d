// RUN: cnnc-opt %s -split-input-file -cnnc-pad-in-producer | FileCheck %s
// RUN: cnnc-opt %s -split-input-file -cnnc-pad-in-producer \
// RUN:   -cnnc-cpu-vectorize-conv="vector-bits=256 min-parallel-work=0" | FileCheck %s --check-prefix=FUSED

// A relu epilogue feeding a 3x3 convolution's zero padding: the epilogue
// writes into the interior of the padded tensor, only the four border slabs
// are filled, and the pad is gone.
// CHECK-LABEL: func @epilogue_then_pad
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x10x10x16xf32>
// CHECK: %[[TOP:.*]] = tensor.extract_slice %[[E]][0, 0, 0, 0] [1, 1, 10, 16]
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[TOP]] : tensor<1x1x10x16xf32>)
// CHECK: %[[E1:.*]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0, 0, 0] [1, 1, 10, 16]
// CHECK: tensor.extract_slice %[[E1]][0, 9, 0, 0] [1, 1, 10, 16]
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 0, 0] [1, 8, 1, 16]
// CHECK: tensor.extract_slice %{{.*}}[0, 1, 9, 0] [1, 8, 1, 16]
// CHECK: %[[B:.*]] = tensor.insert_slice %{{.*}}[0, 1, 9, 0] [1, 8, 1, 16]
// CHECK: %[[IN:.*]] = tensor.extract_slice %[[B]][0, 1, 1, 0] [1, 8, 8, 16]
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%[[IN]] : tensor<1x8x8x16xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[R]] into %[[B]][0, 1, 1, 0] [1, 8, 8, 16]
// CHECK-NOT: tensor.pad
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[P]], %{{.*}} : tensor<1x10x10x16xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @epilogue_then_pad(%x: tensor<1x8x8x16xf32>, %w: tensor<3x3x16x16xf32>) -> tensor<1x8x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x16xf32> to tensor<1x10x10x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<1x10x10x16xf32>, tensor<3x3x16x16xf32>) outs(%f : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %c : tensor<1x8x8x16xf32>
}

// -----

// A max pool's -inf padding after a convolution with a fill init: the
// border gets -inf, and the convolution's zero fill moves to the interior.
// CHECK-LABEL: func @conv_then_pool_pad
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x4x4xf32>)
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<1x1x5x4xf32>)
// CHECK: linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<1x4x1x4xf32>)
// CHECK: %[[IN:.*]] = tensor.extract_slice %{{.*}}[0, 1, 1, 0] [1, 4, 4, 4]
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[Z:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[IN]] : tensor<1x4x4x4xf32>)
// CHECK: linalg.conv_2d_nhwc_hwcf {{.*}} outs(%[[Z]] : tensor<1x4x4x4xf32>)
// CHECK-NOT: tensor.pad
func.func @conv_then_pool_pad(%x: tensor<1x4x4x4xf32>, %w: tensor<1x1x4x4xf32>) -> tensor<1x5x5x4xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x4x4x4xf32>, tensor<1x1x4x4xf32>) outs(%f : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %p = tensor.pad %c low[0, 1, 1, 0] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %ninf : f32
  } : tensor<1x4x4x4xf32> to tensor<1x5x5x4xf32>
  return %p : tensor<1x5x5x4xf32>
}

// -----

// negative_: the producer's result has a second user (the pad would have to
// be a copy anyway), the source is a function argument, and the padding
// value is not a constant.
// CHECK-LABEL: func @negative_cases
// CHECK-COUNT-3: tensor.pad
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @negative_cases(%x: tensor<4x4xf32>, %v: f32) -> (tensor<6x6xf32>, tensor<4x4xf32>, tensor<6x6xf32>, tensor<6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x4xf32>
  %p = tensor.pad %r low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %q = tensor.pad %x low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.minimumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x4xf32>
  %t = tensor.pad %s low[1, 1] high[1, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<4x4xf32> to tensor<6x6xf32>
  return %p, %r, %q, %t : tensor<6x6xf32>, tensor<4x4xf32>, tensor<6x6xf32>, tensor<6x6xf32>
}

// -----

// With cnnc-cpu-vectorize-conv after it: the convolution's fill is moved to
// the interior of the padded tensor along with its in-place epilogue, so the
// fused row loop shares the interior slice and the result is inserted back
// where it already is (bufferization makes that no copy).
// FUSED-LABEL: func @conv_relu_into_padded
// FUSED: %[[IN:.*]] = tensor.extract_slice %[[B:.*]][0, 1, 1, 0] [1, 8, 8, 32]
// FUSED: %[[R:.*]] = scf.forall (%{{.*}}) in (8) shared_outs(%{{.*}} = %[[IN]])
// FUSED: vector.contract
// FUSED: arith.maximumf
// FUSED: tensor.insert_slice %[[R]] into %[[B]][0, 1, 1, 0] [1, 8, 8, 32]
#id3 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @conv_relu_into_padded(%x: tensor<1x8x8x16xf32>, %w: tensor<1x1x16x32xf32>, %bias: tensor<32xf32>) -> tensor<1x10x10x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x8x8x16xf32>, tensor<1x1x16x32xf32>) outs(%f : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  %r = linalg.generic {indexing_maps = [#id3, #ch, #id3], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bias : tensor<1x8x8x32xf32>, tensor<32xf32>) outs(%e : tensor<1x8x8x32xf32>) {
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x32xf32>
  %p = tensor.pad %r low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x32xf32> to tensor<1x10x10x32xf32>
  return %p : tensor<1x10x10x32xf32>
}
