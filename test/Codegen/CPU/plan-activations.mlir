// RUN: cnnc-opt %s -split-input-file -cnnc-cpu-plan-activations | FileCheck %s

// Three layers in a chain: %a dies at the second call, so %c reuses its
// bytes; %b (live across both) sits after them. 802816 bytes each:
// arena 1605632 of a total 2408448. Every dealloc but the arena's is gone.
// CHECK: module attributes {cnnc.activation_bytes = {arena = 1605632 : i64, buffers = 3 : i64, total = 2408448 : i64}}
// CHECK-LABEL: func.func @chain
// CHECK: %[[ARENA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1605632xi8>
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[ARENA]][%[[O0]]][] : memref<1605632xi8> to memref<1x56x56x64xf32>
// CHECK: call @layer(%{{.*}}, %[[A]])
// CHECK: %[[O1:.*]] = arith.constant 802816 : index
// CHECK: %[[B:.*]] = memref.view %[[ARENA]][%[[O1]]][]
// CHECK: call @layer(%[[A]], %[[B]])
// CHECK: %[[O2:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[ARENA]][%[[O2]]][]
// CHECK: call @layer(%[[B]], %[[C]])
// CHECK: memref.copy %[[C]], %{{.*}}
// CHECK-NOT: memref.dealloc %{{[^A]}}
// CHECK: memref.dealloc %[[ARENA]]
// CHECK-NEXT: return
func.func private @layer(memref<1x56x56x64xf32>, memref<1x56x56x64xf32>)
func.func @chain(%x: memref<1x56x56x64xf32>, %y: memref<1x56x56x64xf32>) {
  %a = memref.alloc() : memref<1x56x56x64xf32>
  call @layer(%x, %a) : (memref<1x56x56x64xf32>, memref<1x56x56x64xf32>) -> ()
  %b = memref.alloc() : memref<1x56x56x64xf32>
  call @layer(%a, %b) : (memref<1x56x56x64xf32>, memref<1x56x56x64xf32>) -> ()
  %c = memref.alloc() : memref<1x56x56x64xf32>
  call @layer(%b, %c) : (memref<1x56x56x64xf32>, memref<1x56x56x64xf32>) -> ()
  memref.copy %c, %y : memref<1x56x56x64xf32> to memref<1x56x56x64xf32>
  memref.dealloc %a : memref<1x56x56x64xf32>
  memref.dealloc %b : memref<1x56x56x64xf32>
  memref.dealloc %c : memref<1x56x56x64xf32>
  return
}

// -----

// A use through a view keeps the buffer alive: %a is read through a
// subview by the last call, so %c cannot take its place.
// CHECK: module attributes {cnnc.activation_bytes = {arena = 768 : i64
// CHECK-LABEL: func.func @view_extends_life
// CHECK: memref.view %{{.*}}[%c0{{.*}}][] : memref<768xi8> to memref<4x16xf32>
// CHECK: memref.view %{{.*}}[%c256{{.*}}][]
// CHECK: memref.view %{{.*}}[%c512{{.*}}][]
func.func private @use(memref<4x16xf32>, memref<2x16xf32, strided<[16, 1], offset: 32>>, memref<4x16xf32>)
func.func @view_extends_life(%x: memref<4x16xf32>) {
  %a = memref.alloc() : memref<4x16xf32>
  %b = memref.alloc() : memref<4x16xf32>
  %s = memref.subview %a[2, 0] [2, 16] [1, 1] : memref<4x16xf32> to memref<2x16xf32, strided<[16, 1], offset: 32>>
  %c = memref.alloc() : memref<4x16xf32>
  call @use(%b, %s, %c) : (memref<4x16xf32>, memref<2x16xf32, strided<[16, 1], offset: 32>>, memref<4x16xf32>) -> ()
  memref.dealloc %a : memref<4x16xf32>
  memref.dealloc %b : memref<4x16xf32>
  memref.dealloc %c : memref<4x16xf32>
  return
}

// -----

// negative_: a returned buffer and a dynamically shaped one keep their own
// allocations; private functions (layers) are not planned.
// CHECK-LABEL: func.func private @negative_private
// CHECK: memref.alloc() : memref<8xf32>
// CHECK-LABEL: func.func @negative_escaping
// CHECK-NOT: memref.view
// CHECK: memref.alloc() : memref<8xf32>
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
func.func private @negative_private() {
  %a = memref.alloc() : memref<8xf32>
  memref.dealloc %a : memref<8xf32>
  return
}
func.func @negative_escaping(%n: index) -> memref<8xf32> {
  %a = memref.alloc() : memref<8xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %d : memref<?xf32>
  return %a : memref<8xf32>
}
