// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-approximate-math | FileCheck %s

// exp on an f32 vector (a fused sigmoid or SiLU epilogue) becomes vector
// arithmetic: range reduction by ln 2, a polynomial of FMAs, and 2^k built
// in the exponent bits. No math.exp is left to become per-lane expf calls.
// CHECK-LABEL: func @exp_vector
// CHECK-NOT: math.exp
// CHECK: math.floor %{{.*}} : vector<8xf32>
// CHECK: math.fma %{{.*}} : vector<8xf32>
// CHECK: arith.shli %{{.*}} : vector<8xi32>
// CHECK: arith.bitcast %{{.*}} : vector<8xi32> to vector<8xf32>
// CHECK-NOT: math.exp
// CHECK: return
func.func @exp_vector(%x: vector<8xf32>) -> vector<8xf32> {
  %e = math.exp %x : vector<8xf32>
  return %e : vector<8xf32>
}

// -----

// tanh as well (scalar here: the same patterns apply to the scalar loops of
// elementwise layers that are not vectorized).
// CHECK-LABEL: func @tanh_scalar
// CHECK-NOT: math.tanh
// CHECK: arith.divf
// CHECK: return
func.func @tanh_scalar(%x: f32) -> f32 {
  %t = math.tanh %x : f32
  return %t : f32
}

// -----

// negative_: f64 keeps its libm call, and other math functions (log) are
// not touched.
// CHECK-LABEL: func @negative_f64_and_log
// CHECK: math.exp %{{.*}} : f64
// CHECK: math.log %{{.*}} : vector<8xf32>
func.func @negative_f64_and_log(%x: f64, %y: vector<8xf32>) -> (f64, vector<8xf32>) {
  %e = math.exp %x : f64
  %l = math.log %y : vector<8xf32>
  return %e, %l : f64, vector<8xf32>
}

// -----

// maximumf / minimumf (max pools, relu, clip) drop the order of signed
// zeros (`nsz`): on x86 that order costs two blends per max. NaN still
// propagates (no `nnan`).
// CHECK-LABEL: func @max_min_nsz
// CHECK: arith.maximumf %{{.*}}, %{{.*}} fastmath<nsz> : vector<8xf32>
// CHECK: arith.minimumf %{{.*}}, %{{.*}} fastmath<nsz> : vector<8xf32>
func.func @max_min_nsz(%a: vector<8xf32>, %b: vector<8xf32>) -> vector<8xf32> {
  %m = arith.maximumf %a, %b : vector<8xf32>
  %n = arith.minimumf %m, %b : vector<8xf32>
  return %n : vector<8xf32>
}
