// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-vectorize-conv="vector-bits=256" | FileCheck %s --check-prefix=AVX2
// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-vectorize-conv="vector-bits=512" | FileCheck %s --check-prefix=AVX512

// ResNet-50's 3x3 conv: AVX2 takes 4 pixels x 16 filters (8 ymm
// accumulators), AVX-512 8 pixels x 32 filters (16 zmm); both step the input
// channels by 4. Threads split the output rows: the row loop is an
// scf.forall writing one row each.
// AVX2-LABEL: func @conv3x3
// AVX2: scf.forall (%[[ROW:.*]]) in (56) shared_outs
// AVX2: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4
// AVX2: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16
// AVX2: vector.contract {{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
// AVX2-NOT: linalg.conv
// AVX2: tensor.parallel_insert_slice %{{.*}}[0, %[[ROW]], 0, 0] [1, 1, 56, 64]
// AVX512-LABEL: func @conv3x3
// AVX512: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c8
// AVX512: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c32
// AVX512: vector.contract {{.*}} : vector<8x4xf32>, vector<4x32xf32> into vector<8x32xf32>
func.func @conv3x3(%in: tensor<1x58x58x64xf32>, %w: tensor<3x3x64x64xf32>) -> tensor<1x56x56x64xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x58x58x64xf32>, tensor<3x3x64x64xf32>) outs(%f : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  return %r : tensor<1x56x56x64xf32>
}

// -----

// Every tile has a static shape. 10 filters are taken whole (two vectors),
// which leaves room for 6 pixels; 6 does not divide the 7-pixel row and its
// largest divisor that fits is 1, so the row is split: pixels 0-5 are one
// 6-pixel tile, pixel 6 a tile of its own. The 3 input channels are one step.
// With stride 2 the vectorizer emits one contraction per output pixel.
// AVX2-LABEL: func @odd_shapes
// AVX2: iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x1x6x10xf32>)
// AVX2-COUNT-6: vector.contract {{.*}} : vector<3xf32>, vector<3x10xf32> into vector<10xf32>
// AVX2: iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x1x1x10xf32>)
// AVX2: vector.contract {{.*}} : vector<3xf32>, vector<3x10xf32> into vector<10xf32>
// AVX2-NOT: linalg.conv
func.func @odd_shapes(%in: tensor<1x15x15x3xf32>, %w: tensor<3x3x3x10xf32>) -> tensor<1x7x7x10xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x10xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x10xf32>) -> tensor<1x7x7x10xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : tensor<1x15x15x3xf32>, tensor<3x3x3x10xf32>) outs(%f : tensor<1x7x7x10xf32>) -> tensor<1x7x7x10xf32>
  return %r : tensor<1x7x7x10xf32>
}

// -----

// Constant weights above 256 KiB (3x3x128x256 floats: 1.1 MiB) are packed
// at compile time into blocks of the filter tile, [F/16][KH][KW][C][16] on
// AVX2, and the filter-block loop goes outside the pixel loops: one block
// stays in cache while every pixel uses it. The block loop is the parallel
// one (scf.forall); the rows are not split again.
// (The splat weights here fold into vector constants; E2E tests check the
// numbers of real packed weights.)
// AVX2-LABEL: func @packed_filters
// AVX2: scf.forall (%{{.*}}) in (16) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x7x7x256xf32>)
// AVX2-NOT: scf.forall
// AVX2: scf.for %{{.*}} = %c0 to %c7 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x7x6x16xf32>)
// AVX2: vector.contract {{.*}} : vector<6x4xf32>, vector<4x16xf32> into vector<6x16xf32>
// AVX512-LABEL: func @packed_filters
// AVX512: scf.forall (%{{.*}}) in (8) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x7x7x256xf32>)
func.func @packed_filters(%in: tensor<1x9x9x128xf32>) -> tensor<1x7x7x256xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<3x3x128x256xf32>
  %e = tensor.empty() : tensor<1x7x7x256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x9x9x128xf32>, tensor<3x3x128x256xf32>) outs(%f : tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32>
  return %r : tensor<1x7x7x256xf32>
}

// -----

// negative_: weights that are not constants cannot be packed; the schedule
// still applies, with the filter loop outermost (and serial: splitting rows
// would read every filter block once per thread).
// AVX2-LABEL: func @negative_runtime_weights
// AVX2-NOT: scf.forall
// AVX2: scf.for %{{.*}} = %c0 to %c256 step %c16
// AVX2: vector.contract
func.func @negative_runtime_weights(%in: tensor<1x9x9x128xf32>, %w: tensor<3x3x128x256xf32>) -> tensor<1x7x7x256xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x7x7x256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32>
  %r = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x9x9x128xf32>, tensor<3x3x128x256xf32>) outs(%f : tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32>
  return %r : tensor<1x7x7x256xf32>
}

// -----

// A dense layer (M = 1): blocks of 8 vectors of columns, K stepped by 4;
// 1000 columns = 15 blocks of 64 and a 40-column tail. Constant weights are
// packed per block (the splat here folds away; E2E tests check numbers).
// AVX2-LABEL: func @dense
// AVX2: scf.forall (%{{.*}}) in (15) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x1000xf32>)
// AVX2: scf.for %{{.*}} = %c0 to %c2048 step %c4 {{.*}} -> (tensor<1x64xf32>)
// AVX2: vector.contract {{.*}} into vector<64xf32>
// AVX2: scf.for %{{.*}} = %c0 to %c2048 step %c4 {{.*}} -> (tensor<1x40xf32>)
// AVX2: vector.contract {{.*}} into vector<40xf32>
func.func @dense(%a: tensor<1x2048xf32>, %init: tensor<1x1000xf32>) -> tensor<1x1000xf32> {
  %w = arith.constant dense<0.5> : tensor<2048x1000xf32>
  %r = linalg.matmul ins(%a, %w : tensor<1x2048xf32>, tensor<2048x1000xf32>) outs(%init : tensor<1x1000xf32>) -> tensor<1x1000xf32>
  return %r : tensor<1x1000xf32>
}
