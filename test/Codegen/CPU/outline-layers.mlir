// RUN: cnnc-opt %s -split-input-file -cnnc-outline-layers=instrument | FileCheck %s
// RUN: cnnc-opt %s -split-input-file -cnnc-outline-layers | FileCheck %s --check-prefix=PLAIN

// Ops are grouped by the name in their location; the public function keeps
// calls, with a profiling mark before each layer and after the last.
// Constants, empty tensors and fills are rematerialized, never passed.
// CHECK: module attributes {cnnc.layers = [{kind = "matmul", macs = 24 : i64, name = "fc"}, {kind = "elementwise", macs = 0 : i64, name = "act"}]}
// CHECK: func.func private @cnnrt_layer_mark(i64)
// CHECK-LABEL: func.func @main
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[W:.+]]: tensor<3x4xf32>)
// CHECK: %[[C0:.+]] = arith.constant 0 : i64
// CHECK: call @cnnrt_layer_mark(%[[C0]])
// CHECK: %[[FC:.+]] = call @cnnc_layer.fc(%[[X]], %[[W]]) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
// CHECK: call @cnnrt_layer_mark
// CHECK: %[[ACT:.+]] = call @cnnc_layer.act(%[[FC]])
// CHECK: %[[C2:.+]] = arith.constant 2 : i64
// CHECK: call @cnnrt_layer_mark(%[[C2]])
// CHECK: return %[[ACT]]
// CHECK: func.func private @cnnc_layer.fc(%{{.*}}: tensor<2x3xf32>, %{{.*}}: tensor<3x4xf32>) -> tensor<2x4xf32> attributes {cnnc.layer = {kind = "matmul", macs = 24 : i64, name = "fc"}}
// CHECK: tensor.empty
// CHECK: linalg.fill
// CHECK: linalg.matmul
// An earlier layer's result that nothing reads after the call may be
// overwritten by the layer; the network's inputs may not.
// CHECK: func.func private @cnnc_layer.act(%{{.*}}: tensor<2x4xf32> {cnnc.reusable}) -> tensor<2x4xf32>
// The unnamed op joins the layer it sits in.
// CHECK: arith.maximumf
// CHECK: arith.mulf
// CHECK: return

// PLAIN-NOT: cnnrt_layer_mark
// PLAIN: call @cnnc_layer.fc
func.func @main(%x: tensor<2x3xf32>, %w: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x3xf32>, tensor<3x4xf32>) outs(%f : tensor<2x4xf32>) -> tensor<2x4xf32> loc("fc")
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.maximumf %in, %zero : f32
    linalg.yield %v : f32
  } -> tensor<2x4xf32> loc("act")
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.mulf %in, %in : f32
    linalg.yield %v : f32
  } -> tensor<2x4xf32>
  return %s : tensor<2x4xf32>
}

// -----

// A value used by two later layers is returned once and passed to both; a
// layer with two results used outside returns both.
// CHECK-LABEL: func.func @fork
// CHECK: %[[A:.+]]:2 = call @cnnc_layer.a(%{{.*}}) : (tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>)
// CHECK: %[[B:.+]] = call @cnnc_layer.b(%[[A]]#0, %[[A]]#1)
// CHECK: return %[[B]], %[[A]]#0
// The value returned after the call is not reusable; the other is.
// CHECK: func.func private @cnnc_layer.b(%{{[^:]*}}: tensor<4xf32>, %{{[^:]*}}: tensor<4xf32> {cnnc.reusable})
func.func @fork(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %p = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<4xf32> loc("a")
  %q = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%p : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<4xf32> loc("a")
  %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%p, %q : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %in2: f32, %out: f32):
    %v = arith.addf %in, %in2 : f32
    linalg.yield %v : f32
  } -> tensor<4xf32> loc("b")
  return %r, %p : tensor<4xf32>, tensor<4xf32>
}

// -----

// negative_: private functions and declarations are left alone.
// CHECK-LABEL: func.func private @negative_private
// CHECK-NOT: call
// CHECK: linalg.generic
func.func private @negative_private(%x: tensor<4xf32>) -> tensor<4xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %p = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %v = arith.negf %in : f32
    linalg.yield %v : f32
  } -> tensor<4xf32> loc("a")
  return %p : tensor<4xf32>
}
