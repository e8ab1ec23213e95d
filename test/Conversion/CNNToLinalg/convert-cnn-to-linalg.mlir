// RUN: cnnc-opt %s -split-input-file -convert-cnn-to-linalg="layout=nchw" | FileCheck %s
// Each cnn op and each branch of its lowering.

// CHECK-DAG: #[[CH:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func @conv2d_plain_bias
// CHECK: %[[PAD:.+]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[INIT:.+]] = linalg.fill
// CHECK: %[[C:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[PAD]], %{{.*}} : tensor<1x3x10x10xf32>, tensor<8x3x3x3xf32>) outs(%[[INIT]] : tensor<1x8x4x4xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CH]], #{{.*}}]{{.*}} ins(%[[C]], %{{.*}} : tensor<1x8x4x4xf32>, tensor<8xf32>)
// CHECK: arith.addf
// CHECK-NOT: cnn.
func.func @conv2d_plain_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<8x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<1x8x4x4xf32> {
  %0 = cnn.conv2d %x, %w, %b strides = [2, 2] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<8x3x3x3xf32>, tensor<8xf32>) -> tensor<1x8x4x4xf32>
  return %0 : tensor<1x8x4x4xf32>
}

// -----

// CHECK-LABEL: func @conv2d_depthwise
// CHECK-NOT: tensor.pad
// CHECK: %[[W:.+]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2], [3]] : tensor<8x1x3x3xf32> into tensor<8x3x3xf32>
// CHECK: linalg.depthwise_conv_2d_nchw_chw {{.*}} ins(%{{.*}}, %[[W]] :
func.func @conv2d_depthwise(%x: tensor<1x8x8x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 8 : (tensor<1x8x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// CHECK-LABEL: func @conv2d_grouped
// CHECK-DAG: tensor.expand_shape %{{.*}} {{\[\[}}0], [1, 2], [3], [4]] {{.*}} : tensor<1x8x8x8xf32> into tensor<1x2x4x8x8xf32>
// CHECK-DAG: tensor.expand_shape %{{.*}} {{\[\[}}0, 1], [2], [3], [4]] {{.*}} : tensor<6x4x3x3xf32> into tensor<2x3x4x3x3xf32>
// CHECK: %[[C:.+]] = linalg.conv_2d_ngchw_gfchw
// CHECK: tensor.collapse_shape %[[C]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<1x2x3x6x6xf32> into tensor<1x6x6x6xf32>
func.func @conv2d_grouped(%x: tensor<1x8x8x8xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32> {
  %0 = cnn.conv2d %x, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 2 : (tensor<1x8x8x8xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %0 : tensor<1x6x6x6xf32>
}

// -----

// Ceil mode adds one trailing row and column of -inf padding.
// CHECK-LABEL: func @max_pool_ceil
// CHECK: tensor.pad %{{.*}} low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEGINF:.+]] : f32
// CHECK: linalg.pooling_nchw_max {{.*}} strides = dense<2>
func.func @max_pool_ceil(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x4x4xf32> {
  %0 = cnn.max_pool2d %x kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = true : tensor<1x4x7x7xf32> -> tensor<1x4x4x4xf32>
  return %0 : tensor<1x4x4x4xf32>
}

// -----

// Without count_include_pad the corner windows divide by 4, edges by 6.
// CHECK-LABEL: func @avg_pool_exclude_pad
// CHECK-DAG: %[[DIV:.+]] = arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK-DAG: %[[SUM:.+]] = linalg.pooling_nchw_sum
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %[[DIV]] :
// CHECK: arith.divf
func.func @avg_pool_exclude_pad(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = cnn.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = false : tensor<1x4x3x3xf32> -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// CHECK-LABEL: func @avg_pool_include_pad
// CHECK: arith.constant dense<9.000000e+00> : tensor<3x3xf32>
func.func @avg_pool_include_pad(%x: tensor<1x4x3x3xf32>) -> tensor<1x4x3x3xf32> {
  %0 = cnn.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1] ceil_mode = false count_include_pad = true : tensor<1x4x3x3xf32> -> tensor<1x4x3x3xf32>
  return %0 : tensor<1x4x3x3xf32>
}

// -----

// CHECK-LABEL: func @global_avg_pool
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.addf
// CHECK: arith.constant 4.900000e+01 : f32
// CHECK: tensor.expand_shape {{.*}} into tensor<1x4x1x1xf32>
func.func @global_avg_pool(%x: tensor<1x4x7x7xf32>) -> tensor<1x4x1x1xf32> {
  %0 = cnn.global_avg_pool %x : tensor<1x4x7x7xf32> -> tensor<1x4x1x1xf32>
  return %0 : tensor<1x4x1x1xf32>
}

// -----

// Broadcasting: [4,1,1] against [1,4,2,2] reads (d1, 0, 0).
// CHECK-DAG: #[[BCAST:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
// CHECK-LABEL: func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[BCAST]], #{{.*}}]
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<1x4x2x2xf32>, %b: tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32> {
  %0 = cnn.add %a, %b : (tensor<1x4x2x2xf32>, tensor<4x1x1xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// Sigmoid is 1 / (1 + exp(-x)) with -x clamped to [-87, 89] and exp built
// from FMAs and exponent bits (no math.exp).
// CHECK-LABEL: func @activations
// CHECK: arith.maximumf
// CHECK: arith.minimumf
// CHECK: arith.negf
// CHECK: arith.maximumf %{{.*}}, %[[LO:.*]] : f32
// CHECK: arith.minimumf %{{.*}}, %[[HI:.*]] : f32
// CHECK: math.fma
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.shli
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.divf
// CHECK: math.tanh
// CHECK: arith.cmpf olt
// CHECK: arith.select
func.func @activations(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = cnn.relu %x : tensor<4xf32>
  %1 = cnn.clip %0 min = 0.0 max = 6.0 : tensor<4xf32>
  %2 = cnn.sigmoid %1 : tensor<4xf32>
  %3 = cnn.tanh %2 : tensor<4xf32>
  %4 = cnn.leaky_relu %3 alpha = 0.1 : tensor<4xf32>
  return %4 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @batch_norm
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK: math.rsqrt
func.func @batch_norm(%x: tensor<1x4x2x2xf32>, %p: tensor<4xf32>) -> tensor<1x4x2x2xf32> {
  %0 = cnn.batch_norm %x, %p, %p, %p, %p epsilon = 1.0e-05 : (tensor<1x4x2x2xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<1x4x2x2xf32>
  return %0 : tensor<1x4x2x2xf32>
}

// -----

// alpha = 1: the bias is the accumulator's initial value.
// CHECK-DAG: #[[A:.+]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @dense_transposed_b
// CHECK: %[[INIT:.+]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<10xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[BT]], #{{.*}}], iterator_types = ["parallel", "parallel", "reduction"]} {{.*}} outs(%[[INIT]]
func.func @dense_transposed_b(%x: tensor<1x16xf32>, %w: tensor<10x16xf32>, %b: tensor<10xf32>) -> tensor<1x10xf32> {
  %0 = cnn.dense %x, %w, %b transpose_a = false transpose_b = true alpha = 1.0 beta = 1.0 : (tensor<1x16xf32>, tensor<10x16xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %0 : tensor<1x10xf32>
}

// -----

// alpha != 1: an epilogue scales the product and adds beta * C.
// CHECK-LABEL: func @dense_alpha_beta
// CHECK: linalg.fill
// CHECK: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.generic
// CHECK: arith.constant 5.000000e-01 : f32
// CHECK: arith.constant 2.000000e+00 : f32
func.func @dense_alpha_beta(%x: tensor<16x2xf32>, %w: tensor<16x10xf32>, %b: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = cnn.dense %x, %w, %b transpose_a = true transpose_b = false alpha = 0.5 beta = 2.0 : (tensor<16x2xf32>, tensor<16x10xf32>, tensor<2x10xf32>) -> tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func @softmax
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
func.func @softmax(%x: tensor<2x10xf32>) -> tensor<2x10xf32> {
  %0 = cnn.softmax %x axis = 1 : tensor<2x10xf32>
  return %0 : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func @lrn
// CHECK: tensor.pad %{{.*}} low[0, 2, 0, 0] high[0, 2, 0, 0]
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK: math.powf
func.func @lrn(%x: tensor<1x8x2x2xf32>) -> tensor<1x8x2x2xf32> {
  %0 = cnn.lrn %x size = 5 alpha = 1.0e-04 beta = 0.75 bias = 1.0 : tensor<1x8x2x2xf32> -> tensor<1x8x2x2xf32>
  return %0 : tensor<1x8x2x2xf32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x7x3x3xf32>
// CHECK: %[[S0:.+]] = tensor.insert_slice %{{.*}} into %[[E]][0, 0, 0, 0] [1, 2, 3, 3]
// CHECK: tensor.insert_slice %{{.*}} into %[[S0]][0, 2, 0, 0] [1, 5, 3, 3]
func.func @concat(%a: tensor<1x2x3x3xf32>, %b: tensor<1x5x3x3xf32>) -> tensor<1x7x3x3xf32> {
  %0 = cnn.concat %a, %b axis = 1 : (tensor<1x2x3x3xf32>, tensor<1x5x3x3xf32>) -> tensor<1x7x3x3xf32>
  return %0 : tensor<1x7x3x3xf32>
}

// -----

// CHECK-LABEL: func @flatten
// CHECK: tensor.collapse_shape {{.*}} into tensor<63xf32>
// CHECK: tensor.expand_shape {{.*}} into tensor<1x63xf32>
func.func @flatten(%a: tensor<1x7x3x3xf32>) -> tensor<1x63xf32> {
  %0 = cnn.flatten %a axis = 1 : tensor<1x7x3x3xf32> -> tensor<1x63xf32>
  return %0 : tensor<1x63xf32>
}

// -----

// CHECK-LABEL: func @pad_constant
// CHECK: tensor.pad %{{.*}} low[0, 0, 1, 2] high[0, 0, 3, 4]
func.func @pad_constant(%a: tensor<1x1x3x3xf32>) -> tensor<1x1x7x9xf32> {
  %0 = cnn.pad %a pads = [0, 0, 1, 2, 0, 0, 3, 4] mode = "constant" value = 1.5 : tensor<1x1x3x3xf32> -> tensor<1x1x7x9xf32>
  return %0 : tensor<1x1x7x9xf32>
}

// -----

// CHECK-LABEL: func @pad_reflect
// CHECK: linalg.index
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK: tensor.extract
func.func @pad_reflect(%a: tensor<1x1x3x3xf32>) -> tensor<1x1x5x5xf32> {
  %0 = cnn.pad %a pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = "reflect" value = 0.0 : tensor<1x1x3x3xf32> -> tensor<1x1x5x5xf32>
  return %0 : tensor<1x1x5x5xf32>
}

// -----

// The epilogue: conv + residual, then the activation, in one generic.
// CHECK-LABEL: func @conv2d_epilogue
// CHECK-SAME: %[[R:[a-z0-9]+]]: tensor<1x4x8x8xf32>)
// CHECK: %[[C:.+]] = linalg.conv_2d_nchw_fchw
// CHECK: linalg.generic {{.*}} ins(%[[C]], %[[R]] :
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: arith.minimumf
func.func @conv2d_epilogue(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>, %r: tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %0 = cnn.conv2d %x, %w residual %r strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 activation = "clip" params = [0.0, 6.0] : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>, tensor<1x4x8x8xf32>) -> tensor<1x4x8x8xf32>
  return %0 : tensor<1x4x8x8xf32>
}

// -----

// A reshape to and from rank 0 takes an empty reassociation.
// CHECK-LABEL: func @reshape_rank0
// CHECK: %[[F:.+]] = tensor.collapse_shape %{{.+}} {{\[}}[0, 1]] : tensor<1x1xf32> into tensor<1xf32>
// CHECK: %[[C:.+]] = tensor.collapse_shape %[[F]] [] : tensor<1xf32> into tensor<f32>
// CHECK: tensor.expand_shape %[[C]] [] output_shape [1] : tensor<f32> into tensor<1xf32>
func.func @reshape_rank0(%x: tensor<1x1xf32>) -> tensor<1xf32> {
  %0 = cnn.reshape %x shape = [] : tensor<1x1xf32> -> tensor<f32>
  %1 = cnn.reshape %0 shape = [1] : tensor<f32> -> tensor<1xf32>
  return %1 : tensor<1xf32>
}
