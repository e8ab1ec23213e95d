// RUN: cnnc-opt %s -split-input-file -cnn-fuse-squeeze-excite -verify-diagnostics | FileCheck %s
// Numbers: the gated network compiled with the graph passes (gate in the
// weights) and without them (gate on the activations), on a seeded random
// input; the two differ only by float reassociation.
// RUN: awk '/^\/\/ -----/{exit} {print}' %s > %t.first.mlir
// RUN: cnnc %t.first.mlir -o %t.fused.so 2> %t.remarks
// RUN: FileCheck %s --check-prefix=REMARK < %t.remarks
// RUN: cnnc %t.first.mlir --no-graph-passes -o %t.plain.so
// RUN: cnnc-run %t.plain.so --random-inputs 4 --output-dir %t.plain > /dev/null
// RUN: cnnc-run %t.fused.so --random-inputs 4 --expect output_0=%t.plain/output_0.npy --atol 1e-5 --rtol 1e-4 --quiet | FileCheck %s --check-prefix=SAME
// REMARK: remark: squeeze-excite scaling moved into the weights of 1 convolution: 128 weights scaled instead of 1024 activations
// SAME: output_0: max_abs_err={{.*}} PASS

// An EfficientNet-style block end: x * sigmoid-gate [1, 16, 1, 1] feeds a
// 1x1 projection. The projection reads x, and its weights [8, 16, 1, 1] are
// scaled by the gate (128 multiplies instead of 16*8*8 = 1024).
// CHECK-LABEL: func @cnnc_main
// CHECK-SAME: (%[[X:.+]]: tensor<1x16x8x8xf32>)
// CHECK: %[[G:.+]] = cnn.sigmoid
// CHECK: %[[WS:.+]] = cnn.mul %{{.+}}, %[[G]] : (tensor<8x16x1x1xf32>, tensor<1x16x1x1xf32>) -> tensor<8x16x1x1xf32>
// CHECK: cnn.conv2d %[[X]], %[[WS]], %{{.+}} strides = [1, 1] pads = [0, 0, 0, 0]
// CHECK-NOT: cnn.mul
func.func @cnnc_main(%x: tensor<1x16x8x8xf32>) -> tensor<1x8x8x8xf32> {
  %w1 = arith.constant dense<0.05> : tensor<4x16x1x1xf32>
  %w2 = arith.constant dense<-0.2> : tensor<16x4x1x1xf32>
  %wp = arith.constant dense<[[[[0.1]], [[-0.2]], [[0.3]], [[-0.4]], [[0.5]], [[-0.6]], [[0.7]], [[-0.8]], [[0.9]], [[-1.0]], [[1.1]], [[-1.2]], [[1.3]], [[-1.4]], [[1.5]], [[-1.6]]],
    [[[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[0.2]], [[-0.2]], [[-0.2]], [[-0.2]], [[-0.2]], [[-0.2]], [[-0.2]], [[-0.2]], [[-0.2]]],
    [[[1.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[0.0]], [[1.0]]],
    [[[0.3]], [[0.1]], [[-0.3]], [[0.1]], [[0.3]], [[0.1]], [[-0.3]], [[0.1]], [[0.3]], [[0.1]], [[-0.3]], [[0.1]], [[0.3]], [[0.1]], [[-0.3]], [[0.1]]],
    [[[-0.5]], [[0.4]], [[-0.3]], [[0.2]], [[-0.1]], [[0.0]], [[0.1]], [[-0.2]], [[0.3]], [[-0.4]], [[0.5]], [[-0.6]], [[0.7]], [[-0.8]], [[0.9]], [[-1.0]]],
    [[[0.25]], [[0.25]], [[0.25]], [[0.25]], [[0.5]], [[0.5]], [[0.5]], [[0.5]], [[0.75]], [[0.75]], [[0.75]], [[0.75]], [[1.0]], [[1.0]], [[1.0]], [[1.0]]],
    [[[0.9]], [[-0.9]], [[0.8]], [[-0.8]], [[0.7]], [[-0.7]], [[0.6]], [[-0.6]], [[0.5]], [[-0.5]], [[0.4]], [[-0.4]], [[0.3]], [[-0.3]], [[0.2]], [[-0.2]]],
    [[[0.0]], [[0.1]], [[0.2]], [[0.3]], [[0.4]], [[0.5]], [[0.6]], [[0.7]], [[0.8]], [[0.9]], [[1.0]], [[1.1]], [[1.2]], [[1.3]], [[1.4]], [[1.5]]]]> : tensor<8x16x1x1xf32>
  %bp = arith.constant dense<0.01> : tensor<8xf32>
  %s = cnn.global_avg_pool %x : tensor<1x16x8x8xf32> -> tensor<1x16x1x1xf32>
  %f1 = cnn.conv2d %s, %w1 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 activation = "relu" : (tensor<1x16x1x1xf32>, tensor<4x16x1x1xf32>) -> tensor<1x4x1x1xf32>
  %f2 = cnn.conv2d %f1, %w2 strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x4x1x1xf32>, tensor<16x4x1x1xf32>) -> tensor<1x16x1x1xf32>
  %g = cnn.sigmoid %f2 : tensor<1x16x1x1xf32>
  // expected-remark @below {{squeeze-excite scaling moved into the weights of 1 convolution: 128 weights scaled instead of 1024 activations}}
  %y = cnn.mul %x, %g : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %p = cnn.conv2d %y, %wp, %bp strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<1x16x8x8xf32>, tensor<8x16x1x1xf32>, tensor<8xf32>) -> tensor<1x8x8x8xf32>
  return %p : tensor<1x8x8x8xf32>
}

// -----

// SE-ResNet: the gated tensor feeds the residual add, not a convolution.
// CHECK-LABEL: func @negative_residual
// CHECK: cnn.mul %arg0, %arg1
func.func @negative_residual(%x: tensor<1x16x8x8xf32>, %g: tensor<1x16x1x1xf32>, %skip: tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32> {
  %y = cnn.mul %x, %g : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %r = cnn.add %y, %skip : (tensor<1x16x8x8xf32>, tensor<1x16x8x8xf32>) -> tensor<1x16x8x8xf32>
  return %r : tensor<1x16x8x8xf32>
}

// -----

// It does not pay: a 3x3 convolution on a 2x2 map has 16*16*9 = 2304
// weights against 16*2*2 = 64 activations.
// CHECK-LABEL: func @negative_weights_larger
// CHECK: %[[Y:.+]] = cnn.mul %arg0, %arg1
// CHECK: cnn.conv2d %[[Y]]
func.func @negative_weights_larger(%x: tensor<1x16x2x2xf32>, %g: tensor<1x16x1x1xf32>) -> tensor<1x16x2x2xf32> {
  %w = arith.constant dense<0.1> : tensor<16x16x3x3xf32>
  %y = cnn.mul %x, %g : (tensor<1x16x2x2xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x2x2xf32>
  %c = cnn.conv2d %y, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 1 : (tensor<1x16x2x2xf32>, tensor<16x16x3x3xf32>) -> tensor<1x16x2x2xf32>
  return %c : tensor<1x16x2x2xf32>
}

// -----

// Batch 2: each sample has its own gate, which one set of weights cannot
// carry.
// CHECK-LABEL: func @negative_batch
// CHECK: %[[Y:.+]] = cnn.mul %arg0, %arg1
// CHECK: cnn.conv2d %[[Y]]
func.func @negative_batch(%x: tensor<2x16x8x8xf32>, %g: tensor<2x16x1x1xf32>) -> tensor<2x8x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<8x16x1x1xf32>
  %y = cnn.mul %x, %g : (tensor<2x16x8x8xf32>, tensor<2x16x1x1xf32>) -> tensor<2x16x8x8xf32>
  %c = cnn.conv2d %y, %w strides = [1, 1] pads = [0, 0, 0, 0] dilations = [1, 1] group = 1 : (tensor<2x16x8x8xf32>, tensor<8x16x1x1xf32>) -> tensor<2x8x8x8xf32>
  return %c : tensor<2x8x8x8xf32>
}

// -----

// A depthwise consumer (group 16): each channel has its own filter, whose
// scaling would still be per channel, but grouped weights are left alone.
// CHECK-LABEL: func @negative_grouped
// CHECK: %[[Y:.+]] = cnn.mul %arg0, %arg1
// CHECK: cnn.conv2d %[[Y]]
func.func @negative_grouped(%x: tensor<1x16x8x8xf32>, %g: tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32> {
  %w = arith.constant dense<0.1> : tensor<16x1x3x3xf32>
  %y = cnn.mul %x, %g : (tensor<1x16x8x8xf32>, tensor<1x16x1x1xf32>) -> tensor<1x16x8x8xf32>
  %c = cnn.conv2d %y, %w strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] group = 16 : (tensor<1x16x8x8xf32>, tensor<16x1x3x3xf32>) -> tensor<1x16x8x8xf32>
  return %c : tensor<1x16x8x8xf32>
}
