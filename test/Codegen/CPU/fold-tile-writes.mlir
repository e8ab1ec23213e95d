// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-fold-tile-writes | FileCheck %s

// One register tile as vectorize-conv leaves it: the fill's zeros, the
// accumulators (written through a rank-reduced slice) and a fused relu
// epilogue. Only the epilogue's write is left; the zeros are forwarded to
// the reduction loop and the accumulators to the epilogue.
// CHECK-LABEL: func @register_tile
// CHECK-SAME: (%[[T:.*]]: tensor<1x1x6x16xf32>,
// CHECK: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<6x16xf32>
// CHECK-NOT: tensor.insert_slice
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[ACC:.*]] = scf.for {{.*}} iter_args(%[[A:.*]] = %[[ZERO]])
// CHECK: %[[RELU:.*]] = arith.maximumf %[[ACC]], %[[ZERO]]
// CHECK-NEXT: %[[W:.*]] = vector.transfer_write %[[RELU]], %[[T]]
// CHECK-NEXT: return %[[W]]
func.func @register_tile(%t: tensor<1x1x6x16xf32>, %x: vector<6x16xf32>)
    -> tensor<1x1x6x16xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %f0 = arith.constant 0.0 : f32
  %zero = arith.constant dense<0.0> : vector<6x16xf32>
  %z = vector.transfer_write %zero, %t[%c0, %c0, %c0, %c0] {in_bounds = [true, true]} : vector<6x16xf32>, tensor<1x1x6x16xf32>
  %s = tensor.extract_slice %z[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1] : tensor<1x1x6x16xf32> to tensor<1x6x16xf32>
  %init = vector.transfer_read %s[%c0, %c0, %c0], %f0 {in_bounds = [true, true]} : tensor<1x6x16xf32>, vector<6x16xf32>
  %acc = scf.for %i = %c0 to %c4 step %c1 iter_args(%a = %init) -> (vector<6x16xf32>) {
    %n = arith.addf %a, %x : vector<6x16xf32>
    scf.yield %n : vector<6x16xf32>
  }
  %w = vector.transfer_write %acc, %s[%c0, %c0, %c0] {in_bounds = [true, true]} : vector<6x16xf32>, tensor<1x6x16xf32>
  %i = tensor.insert_slice %w into %z[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1] : tensor<1x6x16xf32> into tensor<1x1x6x16xf32>
  %r = vector.transfer_read %i[%c0, %c0, %c0, %c0], %f0 {in_bounds = [true, true]} : tensor<1x1x6x16xf32>, vector<6x16xf32>
  %relu = arith.maximumf %r, %zero : vector<6x16xf32>
  %out = vector.transfer_write %relu, %i[%c0, %c0, %c0, %c0] {in_bounds = [true, true]} : vector<6x16xf32>, tensor<1x1x6x16xf32>
  return %out : tensor<1x1x6x16xf32>
}

// -----

// A write that covers only part of its slice (4 of 6 rows) is not folded:
// the rows it leaves keep the slice's own values.
// CHECK-LABEL: func @partial_write
// CHECK: vector.transfer_write %{{.*}} : vector<4x16xf32>, tensor<1x6x16xf32>
// CHECK: tensor.insert_slice
func.func @partial_write(%t: tensor<1x1x6x16xf32>, %v: vector<4x16xf32>)
    -> tensor<1x1x6x16xf32> {
  %c0 = arith.constant 0 : index
  %s = tensor.extract_slice %t[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1] : tensor<1x1x6x16xf32> to tensor<1x6x16xf32>
  %w = vector.transfer_write %v, %s[%c0, %c0, %c0] {in_bounds = [true, true]} : vector<4x16xf32>, tensor<1x6x16xf32>
  %i = tensor.insert_slice %w into %t[0, 0, 0, 0] [1, 1, 6, 16] [1, 1, 1, 1] : tensor<1x6x16xf32> into tensor<1x1x6x16xf32>
  return %i : tensor<1x1x6x16xf32>
}

// -----

// A write into a slice at a nonzero offset lands at that offset of the
// destination, with the slice's dropped unit dimension skipped by the map.
// CHECK-LABEL: func @offset_slice
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: vector.transfer_write %{{.*}}, %{{.*}}[%[[C0]], %[[C0]], %[[C2]], %[[C0]]] {in_bounds = [true, true]} : vector<2x16xf32>, tensor<1x1x8x16xf32>
// CHECK-NOT: tensor.insert_slice
func.func @offset_slice(%t: tensor<1x1x8x16xf32>, %v: vector<2x16xf32>)
    -> tensor<1x1x8x16xf32> {
  %c0 = arith.constant 0 : index
  %s = tensor.extract_slice %t[0, 0, 2, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<1x1x8x16xf32> to tensor<1x2x16xf32>
  %w = vector.transfer_write %v, %s[%c0, %c0, %c0] {in_bounds = [true, true]} : vector<2x16xf32>, tensor<1x2x16xf32>
  %i = tensor.insert_slice %w into %t[0, 0, 2, 0] [1, 1, 2, 16] [1, 1, 1, 1] : tensor<1x2x16xf32> into tensor<1x1x8x16xf32>
  return %i : tensor<1x1x8x16xf32>
}
