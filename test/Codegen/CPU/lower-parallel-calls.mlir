// RUN: cnnc-opt %s -split-input-file -verify-diagnostics -cnnc-cpu-lower-parallel-calls | FileCheck %s

// The outlined body keeps its (begin, end, captures...) signature; a task
// trampoline loads the captures from a context struct; the call becomes a
// cnnrt_parallel_for over the same range, with the struct in an entry-block
// alloca (filled where the call was, here inside a loop).
// CHECK-LABEL: llvm.func internal @cnnc_par.layer.0.task(
// CHECK-SAME:    %[[C:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK:         %[[P:.*]] = llvm.getelementptr %[[C]][0, 0]
// CHECK:         %[[BUF:.*]] = llvm.load %[[P]] : !llvm.ptr -> !llvm.ptr
// CHECK:         %[[Q:.*]] = llvm.getelementptr %[[C]][0, 1]
// CHECK:         %[[S:.*]] = llvm.load %[[Q]] : !llvm.ptr -> f32
// CHECK:         llvm.call @cnnc_par.layer.0(%[[B]], %[[E]], %[[BUF]], %[[S]])
// CHECK-LABEL: llvm.func @layer(
// CHECK:         %[[CTX:.*]] = llvm.alloca %{{.*}} x !llvm.struct<(ptr, f32)>
// CHECK:         llvm.br
// CHECK:         %[[F0:.*]] = llvm.getelementptr %[[CTX]][0, 0]
// CHECK:         llvm.store %arg0, %[[F0]] : !llvm.ptr, !llvm.ptr
// CHECK:         %[[F1:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK:         llvm.store %arg1, %[[F1]] : f32, !llvm.ptr
// CHECK:         %[[TASK:.*]] = llvm.mlir.addressof @cnnc_par.layer.0.task
// CHECK:         llvm.call @cnnrt_parallel_for(%[[TASK]], %[[CTX]], %{{.*}}, %{{.*}}) : (!llvm.ptr, !llvm.ptr, i64, i64) -> ()
// CHECK-NOT:     llvm.call @cnnc_par.layer.0(
// CHECK:       llvm.func @cnnrt_parallel_for(!llvm.ptr, !llvm.ptr, i64, i64)
llvm.func @cnnc_par.layer.0(%b: i64, %e: i64, %buf: !llvm.ptr, %s: f32) {
  llvm.return
}
llvm.func @layer(%buf: !llvm.ptr, %s: f32) {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c8 = llvm.mlir.constant(8 : i64) : i64
  llvm.br ^loop
^loop:
  llvm.call @cnnc_par.layer.0(%c0, %c8, %buf, %s) : (i64, i64, !llvm.ptr, f32) -> ()
  llvm.return
}

// -----

// A body without captures gets a null context.
// CHECK-LABEL: llvm.func @no_captures(
// CHECK:         %[[NULL:.*]] = llvm.mlir.zero : !llvm.ptr
// CHECK:         llvm.call @cnnrt_parallel_for(%{{.*}}, %[[NULL]], %{{.*}}, %{{.*}})
llvm.func @cnnc_par.no_captures.0(%b: i64, %e: i64) {
  llvm.return
}
llvm.func @no_captures() {
  %c0 = llvm.mlir.constant(0 : i64) : i64
  %c4 = llvm.mlir.constant(4 : i64) : i64
  llvm.call @cnnc_par.no_captures.0(%c0, %c4) : (i64, i64) -> ()
  llvm.return
}

// -----

// negative_: a function named like a body but with another signature is an
// internal error, not a silent miscompile.
// expected-error@+1 {{parallel body has an unexpected signature}}
llvm.func @cnnc_par.bad.0(%b: i32) {
  llvm.return
}
