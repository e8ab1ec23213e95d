// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-outline-parallel | FileCheck %s

// A 2-D forall becomes a function over a range of its linearized iterations
// (row-major, innermost fastest): 2 x 3 iterations, j = 1 + 2 * (k mod 3),
// i = k div 3. Buffers and scalars are passed; the global's address is
// recreated inside; the call covers the whole range.
// CHECK-LABEL: func.func private @cnnc_par.rows.0(
// CHECK-SAME:    %[[BEGIN:.*]]: index, %[[END:.*]]: index, %[[IN:.*]]: memref<2x6x4xf32>, %[[OUT:.*]]: memref<2x6x4xf32>, %[[S:.*]]: f32)
// CHECK:         %[[W:.*]] = memref.get_global @w
// CHECK:         scf.for %[[K:.*]] = %[[BEGIN]] to %[[END]] step %{{.*}} {
// CHECK:           %[[J0:.*]] = arith.remui %[[K]], %[[C3:.*]] : index
// CHECK:           %[[I:.*]] = arith.divui %[[K]], %[[C3]] : index
// CHECK:           %[[J1:.*]] = arith.muli %[[J0]], %{{.*}} : index
// CHECK:           %[[J:.*]] = arith.addi %[[J1]], %{{.*}} : index
// CHECK:           memref.subview %[[IN]][%[[I]], %[[J]], 0]
// CHECK:           memref.subview %[[OUT]][%[[I]], %[[J]], 0]
// CHECK:           arith.addf %{{.*}}, %[[S]]
// CHECK:         return
// CHECK-LABEL: func.func @rows(
// CHECK-NOT:     scf.forall
// CHECK:         %[[C0:.*]] = arith.constant 0 : index
// CHECK:         %[[C6:.*]] = arith.constant 6 : index
// CHECK:         call @cnnc_par.rows.0(%[[C0]], %[[C6]], %arg0, %arg1, %arg2)
memref.global "private" constant @w : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>
func.func @rows(%in: memref<2x6x4xf32>, %out: memref<2x6x4xf32>, %s: f32) {
  %w = memref.get_global @w : memref<4xf32>
  scf.forall (%i, %j) = (0, 1) to (2, 6) step (1, 2) {
    %src = memref.subview %in[%i, %j, 0] [1, 1, 4] [1, 1, 1] : memref<2x6x4xf32> to memref<4xf32, strided<[1], offset: ?>>
    %dst = memref.subview %out[%i, %j, 0] [1, 1, 4] [1, 1, 1] : memref<2x6x4xf32> to memref<4xf32, strided<[1], offset: ?>>
    linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} ins(%src, %w : memref<4xf32, strided<[1], offset: ?>>, memref<4xf32>) outs(%dst : memref<4xf32, strided<[1], offset: ?>>) {
    ^bb0(%a: f32, %b: f32, %c: f32):
      %m = arith.mulf %a, %b : f32
      %r = arith.addf %m, %s : f32
      linalg.yield %r : f32
    }
  }
  return
}

// -----

// A view of a passed buffer is recreated inside (its strided layout could
// not be passed as a bare pointer); an inner forall stays inside the body.
// CHECK-LABEL: func.func private @cnnc_par.view.0(
// CHECK-SAME:    %{{.*}}: index, %{{.*}}: index, %[[BUF:.*]]: memref<8x8xf32>)
// CHECK:         memref.subview %[[BUF]][2, 0] [4, 8] [1, 1]
// CHECK:         scf.forall
// CHECK-LABEL: func.func @view(
// CHECK:         call @cnnc_par.view.0(%{{.*}}, %{{.*}}, %arg0)
func.func @view(%buf: memref<8x8xf32>) {
  %v = memref.subview %buf[2, 0] [4, 8] [1, 1] : memref<8x8xf32> to memref<4x8xf32, strided<[8, 1], offset: 16>>
  %cst = arith.constant 1.0 : f32
  scf.forall (%i) in (4) {
    scf.forall (%j) in (8) {
      memref.store %cst, %v[%i, %j] : memref<4x8xf32, strided<[8, 1], offset: 16>>
    }
  }
  return
}

// -----

// negative_: a buffer with a non-identity layout that is not a view made
// here cannot be passed; dynamic bounds cannot be counted; a forall still
// on tensors has results. All three stay serial foralls.
// CHECK-LABEL: func.func @negative_cases(
// CHECK-COUNT-3: scf.forall
// CHECK-NOT:     call
// CHECK-NOT:   cnnc_par
func.func @negative_cases(%strided: memref<4xf32, strided<[2]>>, %n: index, %t: tensor<4xf32>) -> tensor<4xf32> {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i) in (4) {
    memref.store %cst, %strided[%i] : memref<4xf32, strided<[2]>>
  }
  %buf = memref.alloc() : memref<4xf32>
  scf.forall (%i) in (%n) {
    memref.store %cst, %buf[%i] : memref<4xf32>
  }
  %r = scf.forall (%i) in (4) shared_outs(%o = %t) -> (tensor<4xf32>) {
    %s = tensor.extract_slice %o[%i] [1] [1] : tensor<4xf32> to tensor<1xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %s into %o[%i] [1] [1] : tensor<1xf32> into tensor<4xf32>
    }
  }
  memref.dealloc %buf : memref<4xf32>
  return %r : tensor<4xf32>
}
