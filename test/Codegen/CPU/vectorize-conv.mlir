// The shapes here are small; min-parallel-work=0 keeps their parallel
// loops (the default leaves convolutions under 2^18 multiply-adds serial,
// checked by the SERIAL run).
// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-vectorize-conv="vector-bits=256 min-parallel-work=0" | FileCheck %s --check-prefix=AVX2
// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-vectorize-conv="vector-bits=512 min-parallel-work=0" | FileCheck %s --check-prefix=AVX512
// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-vectorize-conv="vector-bits=256" | FileCheck %s --check-prefix=SERIAL

// ResNet-50's 3x3 conv: AVX2 takes 6 pixels x 16 filters (12 ymm
// accumulators) over the first 54 pixels of each row and 2 x 32 for the
// last two (8 accumulators, enough for the FMA latency), AVX-512 8 pixels x 32 filters (16 zmm); both step the input
// channels by 4. Threads split the output rows: the row loop is an
// scf.forall writing one row each.
// AVX2-LABEL: func @conv3x3
// AVX2: scf.forall (%[[ROW:.*]]) in (56) shared_outs
// AVX2: scf.for %{{.*}} = %c0 to %c54 step %c6
// AVX2: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c16
// AVX2: vector.contract {{.*}} : vector<6x4xf32>, vector<4x16xf32> into vector<6x16xf32>
// AVX2: vector.contract {{.*}} : vector<2x4xf32>, vector<4x32xf32> into vector<2x32xf32>
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
// 6-pixel tile, pixel 6 a tile of its own. The 3 input channels are taken
// one at a time: each input value is then one broadcast from memory (as a
// 3-channel step, the strided 6x3 input patch went through registers and
// the stack: ResNet-50's stem 3.37 -> 2.60 ms). With stride 2 the
// vectorizer emits one contraction per output pixel.
// AVX2-LABEL: func @odd_shapes
// AVX2: iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x1x6x10xf32>)
// AVX2-COUNT-6: vector.contract {{.*}} : vector<1xf32>, vector<1x10xf32> into vector<10xf32>
// AVX2: iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x1x1x10xf32>)
// AVX2: vector.contract {{.*}} : vector<1xf32>, vector<1x10xf32> into vector<10xf32>
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
// one (scf.forall); the rows are not split again. With no epilogue, the
// fill still joins each register tile: its zeros start the accumulators
// instead of a pass over the output.
// (The splat weights here fold into vector constants; E2E tests check the
// numbers of real packed weights.)
// AVX2-LABEL: func @packed_filters
// AVX2-NOT: linalg.fill
// AVX2: scf.forall (%{{.*}}) = (0) to (256) step (16) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x7x7x256xf32>)
// AVX2-NOT: scf.forall
// AVX2: scf.for %{{.*}} = %c0 to %c7 step %c1 iter_args(%{{.*}} = %{{.*}}) -> (tensor<1x7x6x16xf32>)
// AVX2: %[[ZERO:.+]] = vector.transfer_write %{{.*}} : vector<6x16xf32>, tensor<1x1x6x16xf32>
// AVX2: scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args(%{{.*}} = %[[ZERO]])
// AVX2: vector.contract {{.*}} : vector<6x4xf32>, vector<4x16xf32> into vector<6x16xf32>
// AVX2-NOT: linalg.
// AVX512-LABEL: func @packed_filters
// AVX512: scf.forall (%{{.*}}) = (0) to (256) step (32) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x7x7x256xf32>)
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

// -----

// The epilogue (bias + ReLU here) and the fill are fused into the register
// tile: each 6x16 tile (and the 2x16 remainder) is zeroed, accumulated over
// the input channels and finished (bias, max) before the next, all inside
// the row forall. No separate pass over the output remains. The remainder
// of 2 pixels takes 32 filters (8 accumulator chains) rather than 16.
// AVX2-LABEL: func @fused_epilogue
// AVX2: scf.forall (%{{.*}}) in (56) shared_outs
// AVX2: scf.for %{{.*}} = %c0 to %c54 step %c6
// AVX2: scf.for %{{.*}} = %c0 to %c64 step %c16
// AVX2: %[[ZERO:.+]] = vector.transfer_write %{{.*}}, %{{.*}} : vector<6x16xf32>, tensor<1x1x6x16xf32>
// AVX2: %[[ACC:.+]] = scf.for %{{.*}} = %c0 to %c64 step %c4 iter_args(%{{.*}} = %[[ZERO]]) -> (tensor<1x1x6x16xf32>)
// AVX2: vector.contract {{.*}} : vector<6x4xf32>, vector<4x16xf32> into vector<6x16xf32>
// AVX2: %[[SUM:.+]] = vector.transfer_read %[[ACC]]
// AVX2: %[[B:.+]] = arith.addf %[[SUM]], %{{.*}} : vector<6x16xf32>
// AVX2: arith.maximumf %[[B]], %{{.*}} : vector<6x16xf32>
// AVX2: arith.maximumf {{.*}} : vector<2x32xf32>
// AVX2: tensor.parallel_insert_slice
// AVX2-NOT: linalg.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#ch = affine_map<(d0, d1, d2, d3) -> (d3)>
func.func @fused_epilogue(%in: tensor<1x56x56x64xf32>, %w: tensor<1x1x64x64xf32>, %b: tensor<64xf32>) -> tensor<1x56x56x64xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x56x56x64xf32>, tensor<1x1x64x64xf32>) outs(%f : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x56x56x64xf32>, tensor<64xf32>) outs(%e : tensor<1x56x56x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x56x56x64xf32>
  return %r : tensor<1x56x56x64xf32>
}

// -----

// With packed weights the epilogue joins each filter block: a block loop
// (scf.forall over 16 blocks of 16 filters) holds the fill, the convolution
// and the residual add + ReLU of its 16 channels. The 7-pixel rows do not
// take a 6-pixel tile, so inside each block (while its weights are in
// cache) the columns are split into 0-5, in 6 x 16 tiles along the rows,
// and column 6, whose one pixel per row would leave two accumulators: it
// runs down the column instead, 7 rows x 8 filters.
// AVX2-LABEL: func @fused_packed_residual
// AVX2: scf.forall (%{{.*}}) = (0) to (256) step (16) shared_outs(%{{.*}}) -> (tensor<1x7x7x256xf32>)
// AVX2: scf.for %{{.*}} = %c0 to %c7 step %c1 iter_args(%{{.*}}) -> (tensor<1x7x6x16xf32>)
// AVX2: vector.contract {{.*}} into vector<6x16xf32>
// AVX2: arith.addf %{{.*}}, %{{.*}} : vector<6x16xf32>
// AVX2: arith.maximumf %{{.*}}, %{{.*}} : vector<6x16xf32>
// AVX2: %[[LEFT:.+]] = tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 7, 6, 16]
// AVX2: scf.for %{{.*}} = %c0 to %c16 step %c8 iter_args(%{{.*}}) -> (tensor<1x7x1x16xf32>)
// AVX2: vector.contract {{.*}} : vector<7x4xf32>, vector<4x8xf32> into vector<7x8xf32>
// AVX2: arith.maximumf %{{.*}}, %{{.*}} : vector<7x1x8xf32>
// AVX2: %[[BLOCK:.+]] = tensor.insert_slice %{{.*}} into %[[LEFT]][0, 0, 6, 0] [1, 7, 1, 16]
// AVX2: tensor.parallel_insert_slice %[[BLOCK]]
// AVX2-NOT: linalg.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @fused_packed_residual(%in: tensor<1x7x7x1024xf32>, %res: tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<1x1x1024x256xf32>
  %e = tensor.empty() : tensor<1x7x7x256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x7x7x1024xf32>, tensor<1x1x1024x256xf32>) outs(%f : tensor<1x7x7x256xf32>) -> tensor<1x7x7x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %res : tensor<1x7x7x256xf32>, tensor<1x7x7x256xf32>) outs(%e : tensor<1x7x7x256xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x7x7x256xf32>
  return %r : tensor<1x7x7x256xf32>
}

// -----

// negative_: an epilogue that is not the convolution's only use (here the
// raw result is returned too) stays a separate op.
// AVX2-LABEL: func @negative_shared_result
// AVX2: vector.contract
// AVX2: linalg.generic
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @negative_shared_result(%in: tensor<1x56x56x64xf32>, %w: tensor<1x1x64x64xf32>) -> (tensor<1x56x56x64xf32>, tensor<1x56x56x64xf32>) {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x56x56x64xf32>, tensor<1x1x64x64xf32>) outs(%f : tensor<1x56x56x64xf32>) -> tensor<1x56x56x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x56x56x64xf32>) outs(%e : tensor<1x56x56x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x56x56x64xf32>
  return %r, %c : tensor<1x56x56x64xf32>, tensor<1x56x56x64xf32>
}

// -----

// Depthwise 3x3, stride 2: rows in parallel, then tiles of 4 pixels x 16
// channels, one kernel row at a time; each row's three taps are FMAs on
// vectors of channels from one 9-pixel input window (with stride 2, one FMA
// per pixel and tap).
// AVX2-LABEL: func @depthwise
// AVX2: scf.forall (%{{.*}}) in (56) shared_outs
// AVX2: scf.for %{{.*}} = %c0 to %c56 step %c4
// AVX2: scf.for %{{.*}} = %c0 to %c96 step %c16
// AVX2: scf.for %{{.*}} = %c0 to %c3 step %c1
// AVX2: vector.transfer_read {{.*}} : tensor<1x9x16xf32>, vector<9x16xf32>
// AVX2-COUNT-12: vector.fma {{.*}} : vector<16xf32>
// AVX2-NOT: linalg.depthwise
func.func @depthwise(%in: tensor<1x113x113x96xf32>, %w: tensor<3x3x96xf32>) -> tensor<1x56x56x96xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x56x56x96xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x96xf32>) -> tensor<1x56x56x96xf32>
  %r = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%in, %w : tensor<1x113x113x96xf32>, tensor<3x3x96xf32>) outs(%f : tensor<1x56x56x96xf32>) -> tensor<1x56x56x96xf32>
  return %r : tensor<1x56x56x96xf32>
}

// -----

// A grouped convolution (NHWGC, 4 groups of 8 -> 16 channels) runs as a
// parallel loop over its groups, each an NHWC convolution on its channel
// slice with that group's packed weights, scheduled like any other. Its
// 14-wide rows would leave 2 pixels after two 6-pixel tiles (16 filters:
// too few to widen to 8 accumulators), and a column tile of 7 rows x 8
// filters has 7 chains, load-bound on its broadcasts: the rows take
// 5-pixel tiles instead, 14 = 5 + 5 + 4, with 10 and 8 accumulators.
// AVX2-LABEL: func @grouped
// AVX2: scf.forall (%[[G:.*]]) in (4) shared_outs(%{{.*}} = %{{.*}}) -> (tensor<1x14x14x4x16xf32>)
// AVX2: tensor.extract_slice %arg0[0, 0, 0, %[[G]], 0] [1, 16, 16, 1, 8] [1, 1, 1, 1, 1] : tensor<1x16x16x4x8xf32> to tensor<1x16x16x8xf32>
// AVX2: vector.contract {{.*}} : vector<5x4xf32>, vector<4x16xf32> into vector<5x16xf32>
// AVX2: vector.contract {{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
// AVX2: tensor.parallel_insert_slice %{{.*}} into %{{.*}}[0, 0, 0, %[[G]], 0] [1, 14, 14, 1, 16]
// AVX2-NOT: linalg.conv
func.func @grouped(%in: tensor<1x16x16x4x8xf32>) -> tensor<1x14x14x4x16xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<4x16x3x3x8xf32>
  %e = tensor.empty() : tensor<1x14x14x4x16xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x14x14x4x16xf32>) -> tensor<1x14x14x4x16xf32>
  %r = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x16x16x4x8xf32>, tensor<4x16x3x3x8xf32>) outs(%f : tensor<1x14x14x4x16xf32>) -> tensor<1x14x14x4x16xf32>
  return %r : tensor<1x14x14x4x16xf32>
}

// -----

// Groups of 4 input and 4 output channels (ResNeXt-50's layer1): a vector
// holds vl / 4 groups. For input channel c, a shuffle repeats lane c of
// each group over the group's lanes, and an FMA with the packed weights of
// those groups for c accumulates; rows are the parallel blocks, tiles of 6
// pixels then the remainder (8 = 6 + 2). Weights [G/p][KH][KW][4][vl].
// The init is a zero fill: the accumulators start as zero vectors and the
// loop writes into the fill's empty tensor (no pass of zeros first).
// AVX2-LABEL: func @small_groups
// AVX2: %[[E:.*]] = tensor.empty() : tensor<1x6x8x8x4xf32>
// AVX2: arith.constant dense<{{.*}}> : tensor<4x3x3x4x8xf32>
// AVX2: %[[IN:.*]] = tensor.collapse_shape %arg0 {{\[\[}}0], [1], [2], [3, 4]] : tensor<1x8x10x8x4xf32> into tensor<1x8x10x32xf32>
// AVX2: %[[OUT:.*]] = tensor.collapse_shape %[[E]]
// AVX2: scf.forall (%{{.*}}) in (6) shared_outs(%{{.*}} = %[[OUT]])
// AVX2: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// AVX2: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// AVX2: vector.transfer_read %[[IN]]
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [0, 0, 0, 0, 4, 4, 4, 4] : vector<8xf32>, vector<8xf32>
// AVX2: vector.fma
// AVX2: vector.shuffle %{{.*}}, %{{.*}} [3, 3, 3, 3, 7, 7, 7, 7] : vector<8xf32>, vector<8xf32>
// AVX2: tensor.expand_shape {{.*}} into tensor<1x6x8x8x4xf32>
// AVX2-NOT: linalg.conv
// AVX512-LABEL: func @small_groups
// AVX512: arith.constant dense<{{.*}}> : tensor<2x3x3x4x16xf32>
// AVX512: vector.shuffle %{{.*}}, %{{.*}} [1, 1, 1, 1, 5, 5, 5, 5, 9, 9, 9, 9, 13, 13, 13, 13] : vector<16xf32>, vector<16xf32>
func.func @small_groups(%x: tensor<1x8x10x8x4xf32>) -> tensor<1x6x8x8x4xf32> {
  %w = arith.constant dense<0.5> : tensor<8x4x3x3x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x6x8x8x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x6x8x8x4xf32>) -> tensor<1x6x8x8x4xf32>
  %c = linalg.conv_2d_nhwgc_gfhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x8x10x8x4xf32>, tensor<8x4x3x3x4xf32>) outs(%f : tensor<1x6x8x8x4xf32>) -> tensor<1x6x8x8x4xf32>
  return %c : tensor<1x6x8x8x4xf32>
}

// -----

// A batch-1 dense layer (a vector times a constant matrix): the weights are
// packed into [N/nt][K][nt] blocks (a splat here, so the packed slices
// fold), one block per parallel task, and each
// step of K is a vector-matrix contraction (x[k] broadcast times a row of
// the block), which lowers to one FMA per accumulator. The input vector is
// not read broadcast across the columns: that form reduces along K inside a
// register (horizontal adds), which made AlexNet's classifier 3% of peak.
// AVX2-LABEL: func @dense_gemv
// AVX2: scf.forall (%{{.*}}) in (2) shared_outs
// AVX2: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %c4
// AVX2: vector.contract {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} : vector<4xf32>, vector<4x64xf32> into vector<64xf32>
// AVX2-NOT: linalg.matmul
func.func @dense_gemv(%x: tensor<1x32xf32>) -> tensor<1x128xf32> {
  %w = arith.constant dense<0.5> : tensor<32x128xf32>
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x128xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x128xf32>) -> tensor<1x128xf32>
  %r = linalg.matmul ins(%x, %w : tensor<1x32xf32>, tensor<32x128xf32>) outs(%f : tensor<1x128xf32>) -> tensor<1x128xf32>
  return %r : tensor<1x128xf32>
}

// -----

// A max pool: output rows split across threads, 4 pixels x 16 channels per
// tile with the -inf fill fused in (no pass over the whole output), one
// window row at a time decomposed to a 1-D pool whose 6 input pixels are
// read once and shared by the 3 taps of the row.
// AVX2-LABEL: func @max_pool
// AVX2: scf.forall (%{{.*}}) in (28) shared_outs
// AVX2: scf.for %{{.*}} = %c0 to %c28 step %c4
// AVX2: scf.for %{{.*}} = %c0 to %c480 step %c16
// AVX2: vector.transfer_write %{{.*}} : vector<4x16xf32>, tensor<1x1x4x16xf32>
// AVX2: scf.for %{{.*}} = %c0 to %c3 step %c1
// AVX2: vector.transfer_read {{.*}} : tensor<1x6x16xf32>, vector<6x16xf32>
// AVX2-COUNT-3: arith.maximumf {{.*}} : vector<4x16xf32>
// AVX2-NOT: linalg.
func.func @max_pool(%in: tensor<1x30x30x480xf32>) -> tensor<1x28x28x480xf32> {
  %ninf = arith.constant 0xFF800000 : f32
  %win = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x28x28x480xf32>
  %f = linalg.fill ins(%ninf : f32) outs(%e : tensor<1x28x28x480xf32>) -> tensor<1x28x28x480xf32>
  %r = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %win : tensor<1x30x30x480xf32>, tensor<3x3xf32>) outs(%f : tensor<1x28x28x480xf32>) -> tensor<1x28x28x480xf32>
  return %r : tensor<1x28x28x480xf32>
}

// -----

// An average pool with its division by the window count per position
// (count_include_pad = 0): the division is the epilogue of each tile. A
// 35-pixel row takes 7 pixels x 8 channels, the tile that divides it.
// AVX2-LABEL: func @avg_pool
// AVX2: scf.forall (%{{.*}}) in (35) shared_outs
// AVX2: scf.for %{{.*}} = %c0 to %c35 step %c7
// AVX2: scf.for %{{.*}} = %c0 to %c288 step %c8
// AVX2: scf.for %{{.*}} = %c0 to %c3 step %c1
// AVX2: arith.addf {{.*}} : vector<7x8xf32>
// AVX2: arith.divf {{.*}} : vector<7x8xf32>
// AVX2-NOT: linalg.
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#hw = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
func.func @avg_pool(%in: tensor<1x37x37x288xf32>, %div: tensor<35x35xf32>) -> tensor<1x35x35x288xf32> {
  %zero = arith.constant 0.0 : f32
  %win = tensor.empty() : tensor<3x3xf32>
  %e = tensor.empty() : tensor<1x35x35x288xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x35x35x288xf32>) -> tensor<1x35x35x288xf32>
  %s = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %win : tensor<1x37x37x288xf32>, tensor<3x3xf32>) outs(%f : tensor<1x35x35x288xf32>) -> tensor<1x35x35x288xf32>
  %r = linalg.generic {indexing_maps = [#id4, #hw, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %div : tensor<1x35x35x288xf32>, tensor<35x35xf32>) outs(%e : tensor<1x35x35x288xf32>) {
  ^bb0(%x: f32, %d: f32, %o: f32):
    %q = arith.divf %x, %d : f32
    linalg.yield %q : f32
  } -> tensor<1x35x35x288xf32>
  return %r : tensor<1x35x35x288xf32>
}

// -----

// A squeeze-excite block's residual: the downsample convolution's epilogue
// adds the body scaled by the gate, read at (n, 0, 0, c), a broadcast over
// the pixels. The 14-pixel rows are split (10 + 4, in 5- and 4-pixel
// tiles) inside each filter block; the gate operand is not sliced by the
// split, and both parts are still vectorized, not left on the scalar path.
// AVX2-LABEL: func @fused_split_gate
// AVX2: scf.forall (%{{.*}}) = (0) to (1024) step (16)
// AVX2: vector.contract {{.*}} into vector<5x16xf32>
// AVX2: arith.mulf {{.*}} : vector<5x16xf32>
// AVX2: vector.contract {{.*}} : vector<4x4xf32>, vector<4x16xf32> into vector<4x16xf32>
// AVX2: arith.mulf {{.*}} : vector<4x16xf32>
// AVX2-NOT: linalg.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#gate = affine_map<(d0, d1, d2, d3) -> (d0, 0, 0, d3)>
func.func @fused_split_gate(%in: tensor<1x14x14x512xf32>, %body: tensor<1x14x14x1024xf32>, %g: tensor<1x1x1x1024xf32>) -> tensor<1x14x14x1024xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<1x1x512x1024xf32>
  %e = tensor.empty() : tensor<1x14x14x1024xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x14x14x1024xf32>) -> tensor<1x14x14x1024xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x14x14x512xf32>, tensor<1x1x512x1024xf32>) outs(%f : tensor<1x14x14x1024xf32>) -> tensor<1x14x14x1024xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #gate, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %body, %g : tensor<1x14x14x1024xf32>, tensor<1x14x14x1024xf32>, tensor<1x1x1x1024xf32>) outs(%e : tensor<1x14x14x1024xf32>) {
  ^bb0(%x: f32, %b: f32, %s: f32, %o: f32):
    %m = arith.mulf %b, %s : f32
    %a = arith.addf %x, %m : f32
    %y = arith.maximumf %a, %cst : f32
    linalg.yield %y : f32
  } -> tensor<1x14x14x1024xf32>
  return %r : tensor<1x14x14x1024xf32>
}

// -----

// Constant weights of a register tile narrower than F are packed at compile
// time, once for both parts of a split row: 14 = 6 + 6 + 2, the 6-pixel
// tiles by 16 filters and the last 2 pixels by 32, both reading blocks of
// one [F/32][1][1][C][32] constant (the 16-filter tile at offset 0 or 16 of
// its block) instead of the [1][1][C][64] weights at a 64-float stride.
// AVX2-LABEL: func @fused_wide_remainder
// AVX2: %[[P:.+]] = arith.constant dense_resource<weights.packed> : tensor<2x1x1x4x32xf32>
// AVX2: scf.forall (%{{.*}}) in (14)
// AVX2: scf.for %{{.*}} = %c0 to %c12 step %c6
// AVX2: scf.for %{{.*}} = %c0 to %c64 step %c16
// AVX2: tensor.extract_slice %[[P]][%{{.*}}, 0, 0, 0, %{{.*}}] [1, 1, 1, 4, 16] [1, 1, 1, 1, 1] : tensor<2x1x1x4x32xf32> to tensor<1x1x4x16xf32>
// AVX2: vector.contract {{.*}} : vector<6x1xf32>, vector<1x16xf32> into vector<6x16xf32>
// AVX2: scf.for %{{.*}} = %c0 to %c64 step %c32
// AVX2: tensor.extract_slice %[[P]][%{{.*}}, 0, 0, 0, %{{.*}}] [1, 1, 1, 4, 32] [1, 1, 1, 1, 1] : tensor<2x1x1x4x32xf32> to tensor<1x1x4x32xf32>
// AVX2: vector.contract {{.*}} : vector<2x1xf32>, vector<1x32xf32> into vector<2x32xf32>
// AVX2: arith.maximumf {{.*}} : vector<2x32xf32>
// AVX2-NOT: linalg.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @fused_wide_remainder(%in: tensor<1x14x14x4xf32>) -> tensor<1x14x14x64xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<[[[[-3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0], [-2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0], [-1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0], [0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0, -2.0, 3.0, 1.0, -1.0, -3.0, 2.0, 0.0]]]]> : tensor<1x1x4x64xf32>
  %e = tensor.empty() : tensor<1x14x14x64xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x14x14x4xf32>, tensor<1x1x4x64xf32>) outs(%f : tensor<1x14x14x64xf32>) -> tensor<1x14x14x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x14x14x64xf32>) outs(%e : tensor<1x14x14x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x14x14x64xf32>
  return %r : tensor<1x14x14x64xf32>
}

// -----

// A residual add whose shortcut is a layer argument that the caller does
// not read again (cnnc.reusable, set by cnnc-outline-layers) writes the
// sum over the shortcut: the row loop's shared output is the argument, each
// tile reads its shortcut vectors and stores the sum back there, in the
// 6x16 tiles and in the 2x32 remainder of the split row.
// AVX2-LABEL: func @residual_in_place
// AVX2: scf.forall (%{{.*}}) in (56) shared_outs(%{{.*}} = %arg1)
// AVX2: vector.contract {{.*}} into vector<6x16xf32>
// AVX2: %[[ACC:.+]] = vector.transfer_read
// AVX2: %[[S:.+]] = vector.transfer_read %[[T:.+]][%c0, %c0, %c0, %c0]
// AVX2: arith.addf %[[ACC]], %[[S]] : vector<6x16xf32>
// AVX2: vector.transfer_write %{{.*}}, %[[T]][%c0, %c0, %c0, %c0]
// AVX2: arith.addf {{.*}} : vector<2x32xf32>
// AVX2: tensor.parallel_insert_slice
// AVX2-NOT: linalg.
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @residual_in_place(%in: tensor<1x56x56x128xf32>, %res: tensor<1x56x56x256xf32> {cnnc.reusable}) -> tensor<1x56x56x256xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<1x1x128x256xf32>
  %e = tensor.empty() : tensor<1x56x56x256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x256xf32>) -> tensor<1x56x56x256xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x56x56x128xf32>, tensor<1x1x128x256xf32>) outs(%f : tensor<1x56x56x256xf32>) -> tensor<1x56x56x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %res : tensor<1x56x56x256xf32>, tensor<1x56x56x256xf32>) outs(%e : tensor<1x56x56x256xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x56x56x256xf32>
  return %r : tensor<1x56x56x256xf32>
}

// -----

// Without the mark the shortcut may be read later: the sum goes to a new
// tensor.
// AVX2-LABEL: func @residual_kept
// AVX2: %[[E:.+]] = tensor.empty() : tensor<1x56x56x256xf32>
// AVX2: scf.forall (%{{.*}}) in (56) shared_outs(%{{.*}} = %[[E]])
// AVX2: arith.addf {{.*}} : vector<6x16xf32>
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @residual_kept(%in: tensor<1x56x56x128xf32>, %res: tensor<1x56x56x256xf32>) -> tensor<1x56x56x256xf32> {
  %cst = arith.constant 0.0 : f32
  %w = arith.constant dense<1.0> : tensor<1x1x128x256xf32>
  %e = tensor.empty() : tensor<1x56x56x256xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x56x56x256xf32>) -> tensor<1x56x56x256xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x56x56x128xf32>, tensor<1x1x128x256xf32>) outs(%f : tensor<1x56x56x256xf32>) -> tensor<1x56x56x256xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %res : tensor<1x56x56x256xf32>, tensor<1x56x56x256xf32>) outs(%e : tensor<1x56x56x256xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x56x56x256xf32>
  return %r : tensor<1x56x56x256xf32>
}

// -----

// A convolution of fewer than 2^18 multiply-adds (LeNet-5's second layer:
// 10x10x16 outputs of 150 each, 240K) is not worth waking a worker: with
// the default min-parallel-work its rows run in a serial loop, vectorized
// as any other. The same layer at 16x16 (614K) keeps its parallel rows.
// SERIAL-LABEL: func @small_conv_serial
// SERIAL-NOT: scf.forall
// SERIAL: scf.for %{{.*}} = %c0 to %c10 step %c1
// SERIAL: vector.contract
// SERIAL-NOT: scf.forall
// SERIAL-LABEL: func @larger_conv_parallel
// SERIAL: scf.forall (%{{.*}}) in (16)
// SERIAL: vector.contract
func.func @small_conv_serial(%in: tensor<1x14x14x6xf32>, %w: tensor<5x5x6x16xf32>, %b: tensor<16xf32>) -> tensor<1x10x10x16xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x10x10x16xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x10x10x16xf32>) -> tensor<1x10x10x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x14x14x6xf32>, tensor<5x5x6x16xf32>) outs(%f : tensor<1x10x10x16xf32>) -> tensor<1x10x10x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x10x10x16xf32>, tensor<16xf32>) outs(%e : tensor<1x10x10x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x10x10x16xf32>
  return %r : tensor<1x10x10x16xf32>
}
func.func @larger_conv_parallel(%in: tensor<1x20x20x6xf32>, %w: tensor<5x5x6x16xf32>, %b: tensor<16xf32>) -> tensor<1x16x16x16xf32> {
  %cst = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x16x16xf32>
  %f = linalg.fill ins(%cst : f32) outs(%e : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%in, %w : tensor<1x20x20x6xf32>, tensor<5x5x6x16xf32>) outs(%f : tensor<1x16x16x16xf32>) -> tensor<1x16x16x16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %b : tensor<1x16x16x16xf32>, tensor<16xf32>) outs(%e : tensor<1x16x16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %cst : f32
    linalg.yield %m : f32
  } -> tensor<1x16x16x16xf32>
  return %r : tensor<1x16x16x16xf32>
}
