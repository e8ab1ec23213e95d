// Every --emit stage of the driver on one small network, and the target
// choices. The numerical checks of the same stages live in test/E2E.
// RUN: cnnc %s --emit=cnn | FileCheck %s --check-prefix=CNN
// RUN: cnnc %s --emit=cnn-opt | FileCheck %s --check-prefix=CNNOPT
// RUN: cnnc %s --emit=linalg | FileCheck %s --check-prefix=LINALG
// RUN: cnnc %s --target=x86-64-v3 --emit=llvm-dialect | FileCheck %s --check-prefix=LLVMDIALECT
// RUN: cnnc %s --target=x86-64-v3 --emit=llvm | FileCheck %s --check-prefix=LLVMIR
// RUN: cnnc %s --emit=asm --target=x86-64-v3 | FileCheck %s --check-prefix=AVX2
// RUN: cnnc %s --emit=asm --target=x86-64-v4 | FileCheck %s --check-prefix=AVX512
// RUN: cnnc %s --emit=obj -o %t.o && llvm-nm %t.o | FileCheck %s --check-prefix=OBJ
// RUN: cnnc %s --target=x86-64-v3 -o %t.so && llvm-nm -D --defined-only %t.so | FileCheck %s --check-prefix=SO
// RUN: cnnc-run %t.so --random-inputs 1 | FileCheck %s --check-prefix=EXEC
// RUN: cnnc-opt %s --cnnc-cnn-to-linalg-pipeline --cnnc-cpu-pipeline | FileCheck %s --check-prefix=LLVMDIALECT
// Re-entry: the output of every MLIR stage compiles on to a working library.
// RUN: cnnc %s --emit=cnn -o %t.cnn.mlir && cnnc %t.cnn.mlir -o %t.cnn.so
// RUN: cnnc %s --emit=linalg -o %t.linalg.mlir && cnnc %t.linalg.mlir -o %t.linalg.so
// RUN: cnnc %s --emit=llvm-dialect -o %t.llvm.mlir && cnnc %t.llvm.mlir -o %t.llvm.so
// RUN: cnnc %s -o %t.native.so && cnnc-run %t.native.so --random-inputs 5 --output-dir %t.out0 > /dev/null
// RUN: cnnc %s --emit=cnn-opt -o %t.cnnopt.mlir && cnnc %t.cnnopt.mlir -o %t.cnnopt.so
// RUN: cnnc-run %t.cnnopt.so --random-inputs 5 --expect scores=%t.out0/scores.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=SAME
// RUN: cnnc-run %t.cnn.so --random-inputs 5 --expect scores=%t.out0/scores.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=SAME
// RUN: cnnc-run %t.linalg.so --random-inputs 5 --expect scores=%t.out0/scores.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=SAME
// RUN: cnnc-run %t.llvm.so --random-inputs 5 --expect scores=%t.out0/scores.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=SAME
// SAME: scores: {{.*}} PASS
// RUN: not cnnc %s --target=sparc 2>&1 | FileCheck %s --check-prefix=BADTARGET
// RUN: cnnc %s --emit=linalg --print-ir-after-all -o /dev/null 2>&1 | FileCheck %s --check-prefix=PRINTIR
// RUN: cnnc %s --emit=obj -o /dev/null --time-passes 2>&1 | FileCheck %s --check-prefix=TIMING

// CNN: cnn.conv2d
// CNN: cnn.relu
// After the graph passes the relu is the convolution's epilogue.
// CNNOPT: cnn.conv2d {{.*}} activation = "relu"
// CNNOPT-NOT: cnn.relu
// LINALG: linalg.conv_2d_nhwc_hwcf
// LINALG-NOT: cnn.
// LLVMDIALECT: llvm.func @cnnc_main(%{{.*}}: !llvm.ptr {{.*}}, %{{.*}}: !llvm.ptr
// LLVMIR-DAG: @cnnc_model_signature = hidden {{.*}}constant
// LLVMIR-DAG: define hidden void @cnnc_model_entry(ptr
// LLVMIR-DAG: define void @cnnc_main(ptr
// AVX2: cnnc_main:
// AVX2: ymm
// AVX512: cnnc_main:
// AVX512: zmm
// OBJ-DAG: T cnnc_main
// OBJ-DAG: T cnnc_model_entry
// OBJ-DAG: {{[DR]}} cnnc_model_signature
// SO-NOT: cnnc_main
// SO-DAG: T cnnrt_lib_abi_version
// SO-DAG: T cnnrt_lib_run
// SO-DAG: T cnnrt_lib_signature
// SO-NOT: cnnc_main
// EXEC: 0: image f32 [1,3,8,8]
// EXEC: 0: scores f32 [1,10]
// BADTARGET: error: unknown target 'sparc'
// PRINTIR: IR Dump After ConvertCNNToLinalgPass
// PRINTIR: IR Dump After CSE
// TIMING: Execution time report
// TIMING: ConvertCNNToLinalgPass
// TIMING: llvm-codegen

func.func @cnnc_main(%x: tensor<1x3x8x8xf32> {cnnc.name = "image"}) -> (tensor<1x10xf32> {cnnc.name = "scores"}) {
  %w = arith.constant dense<0.1> : tensor<4x3x3x3xf32>
  %b = arith.constant dense<0.5> : tensor<4xf32>
  %0 = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %1 = cnn.relu %0 : tensor<1x4x8x8xf32>
  %2 = cnn.max_pool2d %1 kernel = [2, 2] strides = [2, 2] pads = [0, 0, 0, 0] dilations = [1, 1] ceil_mode = false : tensor<1x4x8x8xf32> -> tensor<1x4x4x4xf32>
  %3 = cnn.flatten %2 axis = 1 : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wd = arith.constant dense<0.01> : tensor<10x64xf32>
  %4 = cnn.dense %3, %wd transpose_a = false transpose_b = true alpha = 1.0 beta = 1.0 : (tensor<1x64xf32>, tensor<10x64xf32>) -> tensor<1x10xf32>
  %5 = cnn.softmax %4 axis = 1 : tensor<1x10xf32>
  return %5 : tensor<1x10xf32>
}
