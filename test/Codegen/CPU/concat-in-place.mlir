// RUN: cnnc-opt %s -split-input-file -cnnc-concat-in-place | FileCheck %s
// After bufferization (and the cse/canonicalize that follow it in the
// pipeline, which drop the copy of a slice onto itself): the in-place inputs
// leave no copy; the argument's slice is the only memref.copy.
// RUN: cnnc-opt %s -split-input-file -cnnc-concat-in-place \
// RUN:   -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" \
// RUN:   -cse -canonicalize | FileCheck %s --check-prefix=BUF

// A channel concat of a relu epilogue (init: an empty tensor), a max pool
// (init: a -inf fill of one) and a function argument. The epilogue and the
// pool write into their slices of one buffer, threaded through them in
// program order; the argument is still copied in, where the concat was.
// CHECK-LABEL: func @branches
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x8x8x28xf32>
// CHECK: %[[S0:.*]] = tensor.extract_slice %[[E]][0, 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 1]
// CHECK: %[[R:.*]] = linalg.generic {{.*}} outs(%[[S0]] : tensor<1x8x8x16xf32>)
// CHECK: %[[C0:.*]] = tensor.insert_slice %[[R]] into %[[E]][0, 0, 0, 0] [1, 8, 8, 16]
// CHECK: %[[S1:.*]] = tensor.extract_slice %[[C0]][0, 0, 0, 24] [1, 8, 8, 4] [1, 1, 1, 1]
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[S1]] : tensor<1x8x8x4xf32>)
// CHECK: %[[M:.*]] = linalg.pooling_nhwc_max {{.*}} outs(%[[F]] : tensor<1x8x8x4xf32>)
// CHECK: %[[C1:.*]] = tensor.insert_slice %[[M]] into %[[C0]][0, 0, 0, 24] [1, 8, 8, 4]
// CHECK: %[[C2:.*]] = tensor.insert_slice %arg2 into %[[C1]][0, 0, 0, 16] [1, 8, 8, 8]
// CHECK: return %[[C2]]
// BUF-LABEL: func @branches
// BUF-COUNT-1: memref.copy
// BUF-NOT: memref.copy
// BUF: return
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @branches(%x: tensor<1x8x8x16xf32>, %p: tensor<1x10x10x4xf32>, %y: tensor<1x8x8x8xf32>) -> tensor<1x8x8x28xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x8x8x16xf32>) outs(%e : tensor<1x8x8x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x16xf32>
  %window = tensor.empty() : tensor<3x3xf32>
  %pe = tensor.empty() : tensor<1x8x8x4xf32>
  %pf = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %mp = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %window : tensor<1x10x10x4xf32>, tensor<3x3xf32>) outs(%pf : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %cat = tensor.empty() : tensor<1x8x8x28xf32>
  %c0 = tensor.insert_slice %r into %cat[0, 0, 0, 0] [1, 8, 8, 16] [1, 1, 1, 1] : tensor<1x8x8x16xf32> into tensor<1x8x8x28xf32>
  %c1 = tensor.insert_slice %y into %c0[0, 0, 0, 16] [1, 8, 8, 8] [1, 1, 1, 1] : tensor<1x8x8x8xf32> into tensor<1x8x8x28xf32>
  %c2 = tensor.insert_slice %mp into %c1[0, 0, 0, 24] [1, 8, 8, 4] [1, 1, 1, 1] : tensor<1x8x8x4xf32> into tensor<1x8x8x28xf32>
  return %c2 : tensor<1x8x8x28xf32>
}

// -----

// The branch result is also used elsewhere (returned): its buffer cannot be
// the concat's, so both inputs keep their copies and nothing changes.
// CHECK-LABEL: func @negative_other_use
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-NOT: tensor.extract_slice
// CHECK: tensor.insert_slice %[[R]] into %{{.*}}[0, 0, 0, 0] [1, 4, 4, 8]
// CHECK: tensor.insert_slice %arg1 into %{{.*}}[0, 0, 0, 8] [1, 4, 4, 8]
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @negative_other_use(%x: tensor<1x4x4x8xf32>, %y: tensor<1x4x4x8xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x4x4x8xf32>) outs(%e : tensor<1x4x4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x8xf32>
  %cat = tensor.empty() : tensor<1x4x4x16xf32>
  %c0 = tensor.insert_slice %r into %cat[0, 0, 0, 0] [1, 4, 4, 8] [1, 1, 1, 1] : tensor<1x4x4x8xf32> into tensor<1x4x4x16xf32>
  %c1 = tensor.insert_slice %y into %c0[0, 0, 0, 8] [1, 4, 4, 8] [1, 1, 1, 1] : tensor<1x4x4x8xf32> into tensor<1x4x4x16xf32>
  return %c1, %r : tensor<1x4x4x16xf32>, tensor<1x4x4x8xf32>
}
