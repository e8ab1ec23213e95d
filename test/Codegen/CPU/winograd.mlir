// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-winograd | FileCheck %s
// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-winograd=tile=2 | FileCheck %s --check-prefix=TWO

#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#f = affine_map<(d0, d1, d2, d3) -> (d3)>

// A 28x28 output with 64 channels and filters: F(4x4, 3x3) on 7x7 tiles.
// The weights become 36 transformed 64x64 matrices (a GFHWC constant), the
// input transform a parallel loop over tile rows, the products one grouped
// 1x1 convolution, and the output transform applies the bias + relu
// epilogue to its vectors, in place of the epilogue op.
// With tile=2: F(2x2, 3x3), 14x14 tiles of 16 points.
// CHECK-LABEL: func @bias_relu
// CHECK-DAG: %[[U:.*]] = arith.constant dense_resource<weights.winograd4> : tensor<36x64x1x1x64xf32>
// CHECK: %[[V:.*]] = scf.forall (%{{.*}}) in (7) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x7x7x36x64xf32>)
// CHECK: vector.transfer_read %arg0
// CHECK: vector.transfer_write {{.*}} : vector<8xf32>, tensor<1x1x7x36x64xf32>
// CHECK: %[[P:.*]] = linalg.conv_2d_nhwgc_gfhwc {{.*}} ins(%[[V]], %[[U]] : tensor<1x7x7x36x64xf32>, tensor<36x64x1x1x64xf32>)
// CHECK: %[[Y:.*]] = scf.forall (%{{.*}}) in (7) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x28x28x64xf32>)
// CHECK: vector.transfer_read %[[P]]
// CHECK: arith.maximumf {{.*}} : vector<8xf32>
// CHECK: return %[[Y]]
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.generic
// TWO-LABEL: func @bias_relu
// TWO: linalg.conv_2d_nhwgc_gfhwc {{.*}} : tensor<1x14x14x16x64xf32>, tensor<16x64x1x1x64xf32>)
func.func @bias_relu(%x: tensor<1x30x30x64xf32>) -> tensor<1x28x28x64xf32> {
  %w = arith.constant dense<0.01> : tensor<3x3x64x64xf32>
  %b = arith.constant dense<0.5> : tensor<64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x28x28x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x64xf32>) outs(%fill : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %y = linalg.generic {indexing_maps = [#id, #f, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
    ins(%c, %b : tensor<1x28x28x64xf32>, tensor<64xf32>) outs(%e : tensor<1x28x28x64xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x28x28x64xf32>
  return %y : tensor<1x28x28x64xf32>
}

// -----

// 30x30 (not a multiple of 4) with no epilogue: the input is zero-extended
// to whole tiles (34x34), full tile rows run in the parallel loop and the
// last, half-used tile row after it; the result is written into the fill's
// tensor.
// CHECK-LABEL: func @partial_tiles
// CHECK: linalg.fill {{.*}} -> tensor<1x34x34x64xf32>
// CHECK: linalg.conv_2d_nhwgc_gfhwc {{.*}} -> tensor<1x8x8x36x64xf32>
// CHECK: scf.forall (%{{.*}}) in (7) {{.*}} -> (tensor<1x30x30x64xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 28, 0, 0] [1, 2, 30, 64]
// CHECK: tensor.insert_slice %{{.*}}[0, 28, 0, 0] [1, 2, 30, 64]
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @partial_tiles(%x: tensor<1x32x32x64xf32>) -> tensor<1x30x30x64xf32> {
  %w = arith.constant dense<0.01> : tensor<3x3x64x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x30x30x64xf32>
  %fill = linalg.fill ins(%zero : f32) outs(%e : tensor<1x30x30x64xf32>) -> tensor<1x30x30x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x32x32x64xf32>, tensor<3x3x64x64xf32>) outs(%fill : tensor<1x30x30x64xf32>) -> tensor<1x30x30x64xf32>
  return %c : tensor<1x30x30x64xf32>
}

// -----

// Left direct: stride 2; 16 input channels (below 32, where the transforms
// cost more than they save); a 5x5 output (9 tiles of 2x2, 4 of 4x4: too
// few products); run-time weights; an init that is not zero (it would be
// dropped). A forced tile (tile=2) takes the 5x5 output, and nothing else.
// CHECK-LABEL: func @negative_cases
// CHECK-COUNT-5: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.conv_2d_nhwgc_gfhwc
// TWO-LABEL: func @negative_cases
// TWO-COUNT-2: linalg.conv_2d_nhwc_hwcf
// TWO: linalg.conv_2d_nhwgc_gfhwc {{.*}} -> tensor<1x3x3x16x64xf32>
// TWO-COUNT-2: linalg.conv_2d_nhwc_hwcf
func.func @negative_cases(%x: tensor<1x30x30x64xf32>, %x32: tensor<1x30x30x16xf32>, %s: tensor<1x7x7x64xf32>, %wr: tensor<3x3x64x64xf32>) -> (tensor<1x14x14x64xf32>, tensor<1x28x28x64xf32>, tensor<1x5x5x64xf32>, tensor<1x28x28x64xf32>, tensor<1x28x28x64xf32>) {
  %w = arith.constant dense<0.01> : tensor<3x3x64x64xf32>
  %w32 = arith.constant dense<0.01> : tensor<3x3x16x64xf32>
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e14 = tensor.empty() : tensor<1x14x14x64xf32>
  %f14 = linalg.fill ins(%zero : f32) outs(%e14 : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %strided = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
    ins(%x, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x64xf32>) outs(%f14 : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %e28 = tensor.empty() : tensor<1x28x28x64xf32>
  %f28 = linalg.fill ins(%zero : f32) outs(%e28 : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %narrow = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x32, %w32 : tensor<1x30x30x16xf32>, tensor<3x3x16x64xf32>) outs(%f28 : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %e5 = tensor.empty() : tensor<1x5x5x64xf32>
  %f5 = linalg.fill ins(%zero : f32) outs(%e5 : tensor<1x5x5x64xf32>) -> tensor<1x5x5x64xf32>
  %small = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%s, %w : tensor<1x7x7x64xf32>, tensor<3x3x64x64xf32>) outs(%f5 : tensor<1x5x5x64xf32>) -> tensor<1x5x5x64xf32>
  %runtime = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %wr : tensor<1x30x30x64xf32>, tensor<3x3x64x64xf32>) outs(%f28 : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %f1 = linalg.fill ins(%one : f32) outs(%e28 : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  %ones = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x30x30x64xf32>, tensor<3x3x64x64xf32>) outs(%f1 : tensor<1x28x28x64xf32>) -> tensor<1x28x28x64xf32>
  return %strided, %narrow, %small, %runtime, %ones : tensor<1x14x14x64xf32>, tensor<1x28x28x64xf32>, tensor<1x5x5x64xf32>, tensor<1x28x28x64xf32>, tensor<1x28x28x64xf32>
}

// -----

// The automatic tile by output size: 14x14 takes F(4x4, 3x3) on 4x4 tiles
// (16 tiles, 2.9 products per output); 7x7 has 4 such tiles, too few, and
// takes F(2x2, 3x3) on 4x4 tiles (16 tiles, 5.2 products per output).
// CHECK-LABEL: func @auto_tile
// CHECK: linalg.conv_2d_nhwgc_gfhwc {{.*}} -> tensor<1x4x4x36x64xf32>
// CHECK: linalg.conv_2d_nhwgc_gfhwc {{.*}} -> tensor<1x4x4x16x64xf32>
// CHECK-NOT: linalg.conv_2d_nhwc_hwcf
func.func @auto_tile(%x: tensor<1x16x16x64xf32>, %s: tensor<1x9x9x64xf32>) -> (tensor<1x14x14x64xf32>, tensor<1x7x7x64xf32>) {
  %w = arith.constant dense<0.01> : tensor<3x3x64x64xf32>
  %zero = arith.constant 0.0 : f32
  %e14 = tensor.empty() : tensor<1x14x14x64xf32>
  %f14 = linalg.fill ins(%zero : f32) outs(%e14 : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %c14 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%x, %w : tensor<1x16x16x64xf32>, tensor<3x3x64x64xf32>) outs(%f14 : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %e7 = tensor.empty() : tensor<1x7x7x64xf32>
  %f7 = linalg.fill ins(%zero : f32) outs(%e7 : tensor<1x7x7x64xf32>) -> tensor<1x7x7x64xf32>
  %c7 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
    ins(%s, %w : tensor<1x9x9x64xf32>, tensor<3x3x64x64xf32>) outs(%f7 : tensor<1x7x7x64xf32>) -> tensor<1x7x7x64xf32>
  return %c14, %c7 : tensor<1x14x14x64xf32>, tensor<1x7x7x64xf32>
}

// -----

// A bad tile option is an error.
// RUN: not cnnc-opt %s -split-input-file -cnnc-cpu-winograd=tile=3 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: error: cnnc-cpu-winograd: tile must be 0, 2 or 4, got 3
func.func @bad_tile() {
  return
}
