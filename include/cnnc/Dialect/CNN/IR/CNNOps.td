//===- CNNOps.td - cnn dialect operations ------------------*- tablegen -*-===//
//
// Operations of the cnn dialect. Every op infers its result type from its
// operands and attributes (InferTypeOpAdaptor); the shape rules live in
// CNNShapes.cpp so that frontends can check a layer before building it.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_DIALECT_CNN_IR_CNNOPS_TD
#define CNNC_DIALECT_CNN_IR_CNNOPS_TD

include "cnnc/Dialect/CNN/IR/CNNBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

def CNN_Conv2DOp : CNN_Op<"conv2d", [Pure, InferTypeOpAdaptor,
                                     AttrSizedOperandSegments]> {
  let summary = "2-D convolution (grouped, strided, dilated, padded) with an "
                "optional fused residual add and activation";
  let description = [{
    `input` is NxCxHxW, `weight` is Fx(C/group)xKHxKW, the optional `bias`
    has F elements. `pads` are [top, left, bottom, right]; the result is
    NxFxOHxOW with OH = (H + top + bottom - (KH-1)*dh - 1) / sh + 1.

    Fusion passes may attach an epilogue: the optional `residual` (a tensor of
    the result's type) is added to the convolution, then the optional
    `activation` is applied: output = activation(conv + bias + residual).
    `activation` is one of relu, clip (params: min, max), leaky_relu
    (alpha), hard_sigmoid (alpha, beta), sigmoid, tanh, silu, hard_swish.

    ```mlir
    %y = cnn.conv2d %x, %w, %b strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] group = 1
           : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
           -> tensor<1x16x32x32xf32>
    %z = cnn.conv2d %y, %w2 residual %skip strides = [1, 1] pads = [1, 1, 1, 1]
           dilations = [1, 1] group = 1 activation = "relu"
           : (tensor<1x16x32x32xf32>, tensor<16x16x3x3xf32>,
              tensor<1x16x32x32xf32>) -> tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor4D:$input, CNN_Tensor4D:$weight,
                       Optional<1DTensorOf<[F32]>>:$bias,
                       Optional<CNN_Tensor4D>:$residual,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, I64Attr:$group,
                       OptionalAttr<StrAttr>:$activation,
                       OptionalAttr<DenseF32ArrayAttr>:$activation_params);
  let results = (outs CNN_Tensor4D:$output);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? (`residual` $residual^)? `strides` `=`
    $strides `pads` `=` $pads `dilations` `=` $dilations `group` `=` $group
    (`activation` `=` $activation^)? (`params` `=` $activation_params^)?
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    // The plain convolution, as frontends build it.
    OpBuilder<(ins "Type":$output, "Value":$input, "Value":$weight,
                   "Value":$bias, "DenseI64ArrayAttr":$strides,
                   "DenseI64ArrayAttr":$pads, "DenseI64ArrayAttr":$dilations,
                   "IntegerAttr":$group), [{
      build($_builder, $_state, output, input, weight, bias, Value(), strides,
            pads, dilations, group, StringAttr(), DenseF32ArrayAttr());
    }]>
  ];
  let hasVerifier = 1;
}

def CNN_MaxPool2DOp : CNN_Op<"max_pool2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "2-D max pooling";
  let description = [{
    Padding never wins the max. With `ceil_mode` the output size rounds up,
    as long as the last window starts inside the input or its leading pad.

    ```mlir
    %y = cnn.max_pool2d %x kernel = [3, 3] strides = [2, 2] pads = [1, 1, 1, 1]
           dilations = [1, 1] ceil_mode = false
           : tensor<1x64x112x112xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor4D:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       DenseI64ArrayAttr:$dilations, BoolAttr:$ceil_mode);
  let results = (outs CNN_Tensor4D:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `dilations` `=` $dilations `ceil_mode` `=` $ceil_mode attr-dict
    `:` type($input) `->` type($output)
  }];
}

def CNN_AvgPool2DOp : CNN_Op<"avg_pool2d", [Pure, InferTypeOpAdaptor]> {
  let summary = "2-D average pooling";
  let description = [{
    With `count_include_pad` the divisor counts the explicit pads (never the
    extra cells that `ceil_mode` adds); without it, only input elements.

    ```mlir
    %y = cnn.avg_pool2d %x kernel = [3, 3] strides = [1, 1] pads = [1, 1, 1, 1]
           ceil_mode = false count_include_pad = false
           : tensor<1x64x28x28xf32> -> tensor<1x64x28x28xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor4D:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$pads,
                       BoolAttr:$ceil_mode, BoolAttr:$count_include_pad);
  let results = (outs CNN_Tensor4D:$output);
  let assemblyFormat = [{
    $input `kernel` `=` $kernel `strides` `=` $strides `pads` `=` $pads
    `ceil_mode` `=` $ceil_mode `count_include_pad` `=` $count_include_pad
    attr-dict `:` type($input) `->` type($output)
  }];
}

class CNN_GlobalPoolOp<string mnemonic, string what>
    : CNN_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "global " # what # " pooling over H and W";
  let description = [{
    NxCxHxW to NxCx1x1.

    ```mlir
    %y = cnn.}] # mnemonic # [{ %x : tensor<1x2048x7x7xf32> -> tensor<1x2048x1x1xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor4D:$input);
  let results = (outs CNN_Tensor4D:$output);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($output)";
}
def CNN_GlobalAvgPoolOp : CNN_GlobalPoolOp<"global_avg_pool", "average">;
def CNN_GlobalMaxPoolOp : CNN_GlobalPoolOp<"global_max_pool", "max">;

def CNN_LRNOp : CNN_Op<"lrn", [Pure, InferTypeOpAdaptor]> {
  let summary = "local response normalization across channels";
  let description = [{
    y = x / (bias + alpha / size * sum of x^2 over `size` neighbouring
    channels) ^ beta, as in AlexNet and GoogLeNet (ONNX LRN).

    ```mlir
    %y = cnn.lrn %x size = 5 alpha = 1.0e-04 beta = 7.5e-01 bias = 1.0
           : tensor<1x64x56x56xf32> -> tensor<1x64x56x56xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor4D:$input, I64Attr:$size, F32Attr:$alpha,
                       F32Attr:$beta, F32Attr:$bias);
  let results = (outs CNN_Tensor4D:$output);
  let assemblyFormat = [{
    $input `size` `=` $size `alpha` `=` $alpha `beta` `=` $beta `bias` `=` $bias
    attr-dict `:` type($input) `->` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class CNN_BinaryOp<string mnemonic, string what>
    : CNN_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "elementwise " # what # " with numpy broadcasting";
  let description = [{
    Operands broadcast as in numpy (and ONNX opset 7+): shapes align on the
    right and a dimension of size 1 stretches.

    ```mlir
    %y = cnn.}] # mnemonic # [{ %a, %b : (tensor<1x64x8x8xf32>, tensor<64x1x1xf32>) -> tensor<1x64x8x8xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor:$lhs, CNN_Tensor:$rhs);
  let results = (outs CNN_Tensor:$output);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` functional-type(operands, results)";
}
def CNN_AddOp : CNN_BinaryOp<"add", "addition">;
def CNN_SubOp : CNN_BinaryOp<"sub", "subtraction">;
def CNN_MulOp : CNN_BinaryOp<"mul", "multiplication">;
def CNN_DivOp : CNN_BinaryOp<"div", "division">;

class CNN_UnaryOp<string mnemonic, string what, dag attrs = (ins),
                  string attrFormat = "">
    : CNN_Op<mnemonic, [Pure, SameOperandsAndResultType, InferTypeOpInterface]> {
  let summary = what;
  let description = [{
    Elementwise; the result has the type of the input.

    ```mlir
    %y = cnn.}] # mnemonic # attrFormat # [{ %x : tensor<1x64x8x8xf32>
    ```
  }];
  let arguments = !con((ins CNN_Tensor:$input), attrs);
  let results = (outs CNN_Tensor:$output);
}

def CNN_ReluOp : CNN_UnaryOp<"relu", "max(x, 0)"> {
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def CNN_SigmoidOp : CNN_UnaryOp<"sigmoid", "1 / (1 + exp(-x))"> {
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def CNN_TanhOp : CNN_UnaryOp<"tanh", "hyperbolic tangent"> {
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def CNN_SiluOp : CNN_UnaryOp<"silu", "x * sigmoid(x) (swish)"> {
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def CNN_HardSwishOp : CNN_UnaryOp<"hard_swish", "x * max(0, min(1, x / 6 + 1 / 2))"> {
  let assemblyFormat = "$input attr-dict `:` type($input)";
}
def CNN_ClipOp : CNN_UnaryOp<"clip", "min(max(x, min), max); relu6 is clip 0..6",
    (ins F32Attr:$min, F32Attr:$max), " min = 0.0 max = 6.0"> {
  let assemblyFormat = "$input `min` `=` $min `max` `=` $max attr-dict `:` type($input)";
}
def CNN_LeakyReluOp : CNN_UnaryOp<"leaky_relu", "x < 0 ? alpha * x : x",
    (ins F32Attr:$alpha), " alpha = 0.01"> {
  let assemblyFormat = "$input `alpha` `=` $alpha attr-dict `:` type($input)";
}
def CNN_HardSigmoidOp : CNN_UnaryOp<"hard_sigmoid", "max(0, min(1, alpha * x + beta))",
    (ins F32Attr:$alpha, F32Attr:$beta), " alpha = 0.2 beta = 0.5"> {
  let assemblyFormat = "$input `alpha` `=` $alpha `beta` `=` $beta attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Normalization, dense, softmax
//===----------------------------------------------------------------------===//

def CNN_BatchNormOp : CNN_Op<"batch_norm", [Pure, InferTypeOpAdaptor]> {
  let summary = "batch normalization in inference mode";
  let description = [{
    y = scale * (x - mean) / sqrt(var + epsilon) + bias, per channel (axis 1).

    ```mlir
    %y = cnn.batch_norm %x, %scale, %bias, %mean, %var epsilon = 1.0e-05
           : (tensor<1x64x8x8xf32>, tensor<64xf32>, tensor<64xf32>,
              tensor<64xf32>, tensor<64xf32>) -> tensor<1x64x8x8xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor:$input, 1DTensorOf<[F32]>:$scale,
                       1DTensorOf<[F32]>:$bias, 1DTensorOf<[F32]>:$mean,
                       1DTensorOf<[F32]>:$variance, F32Attr:$epsilon);
  let results = (outs CNN_Tensor:$output);
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `,` $mean `,` $variance `epsilon` `=` $epsilon
    attr-dict `:` functional-type(operands, results)
  }];
}

def CNN_DenseOp : CNN_Op<"dense", [Pure, InferTypeOpAdaptor]> {
  let summary = "fully connected layer: alpha * op(A) op(B) + beta * C";
  let description = [{
    ONNX Gemm semantics on 2-D operands: op(X) is X or its transpose, and the
    optional `bias` C broadcasts to MxN. 2-D MatMul is the case without bias.

    ```mlir
    %y = cnn.dense %x, %w, %b transpose_a = false transpose_b = true
           alpha = 1.0 beta = 1.0
           : (tensor<1x512xf32>, tensor<10x512xf32>, tensor<10xf32>) -> tensor<1x10xf32>
    ```
  }];
  let arguments = (ins 2DTensorOf<[F32]>:$a, 2DTensorOf<[F32]>:$b,
                       Optional<CNN_Tensor>:$bias, BoolAttr:$transpose_a,
                       BoolAttr:$transpose_b, F32Attr:$alpha, F32Attr:$beta);
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = [{
    $a `,` $b (`,` $bias^)? `transpose_a` `=` $transpose_a
    `transpose_b` `=` $transpose_b `alpha` `=` $alpha `beta` `=` $beta
    attr-dict `:` functional-type(operands, results)
  }];
}

def CNN_SoftmaxOp : CNN_Op<"softmax", [Pure, InferTypeOpAdaptor]> {
  let summary = "softmax along one axis";
  let description = [{
    ```mlir
    %y = cnn.softmax %x axis = 1 : tensor<1x1000xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor:$input, I64Attr:$axis);
  let results = (outs CNN_Tensor:$output);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

def CNN_ConcatOp : CNN_Op<"concat", [Pure, InferTypeOpAdaptor]> {
  let summary = "concatenation along one axis";
  let description = [{
    ```mlir
    %y = cnn.concat %a, %b axis = 1
           : (tensor<1x64x28x28xf32>, tensor<1x32x28x28xf32>) -> tensor<1x96x28x28xf32>
    ```
  }];
  let arguments = (ins Variadic<CNN_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs CNN_Tensor:$output);
  let assemblyFormat = "$inputs `axis` `=` $axis attr-dict `:` functional-type($inputs, results)";
}

def CNN_FlattenOp : CNN_Op<"flatten", [Pure, InferTypeOpAdaptor]> {
  let summary = "collapse to 2-D: dims before `axis` and dims from `axis` on";
  let description = [{
    ```mlir
    %y = cnn.flatten %x axis = 1 : tensor<1x512x1x1xf32> -> tensor<1x512xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor:$input, I64Attr:$axis);
  let results = (outs 2DTensorOf<[F32]>:$output);
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input) `->` type($output)";
}

def CNN_ReshapeOp : CNN_Op<"reshape", [Pure, InferTypeOpAdaptor]> {
  let summary = "reshape to a static shape with the same number of elements";
  let description = [{
    ```mlir
    %y = cnn.reshape %x shape = [1, 400] : tensor<1x16x5x5xf32> -> tensor<1x400xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor:$input, DenseI64ArrayAttr:$shape);
  let results = (outs CNN_Tensor:$output);
  let assemblyFormat = "$input `shape` `=` $shape attr-dict `:` type($input) `->` type($output)";
}

def CNN_PadOp : CNN_Op<"pad", [Pure, InferTypeOpAdaptor]> {
  let summary = "pad with a constant, by reflection or by repeating the edge";
  let description = [{
    `pads` holds the leading pads of every dim, then the trailing pads (ONNX
    order). `mode` is "constant", "reflect" or "edge".

    ```mlir
    %y = cnn.pad %x pads = [0, 0, 1, 1, 0, 0, 1, 1] mode = "constant" value = 0.0
           : tensor<1x3x4x4xf32> -> tensor<1x3x6x6xf32>
    ```
  }];
  let arguments = (ins CNN_Tensor:$input, DenseI64ArrayAttr:$pads,
                       StrAttr:$mode, F32Attr:$value);
  let results = (outs CNN_Tensor:$output);
  let assemblyFormat = [{
    $input `pads` `=` $pads `mode` `=` $mode `value` `=` $value attr-dict
    `:` type($input) `->` type($output)
  }];
}

//===----------------------------------------------------------------------===//
// Network blocks (cnn-recognize-blocks)
//===----------------------------------------------------------------------===//

class CNN_BlockOp<string mnemonic, string what> : CNN_Op<mnemonic,
    [RecursiveMemoryEffects, SingleBlock]> {
  let summary = what;
  let arguments = (ins CNN_Tensor:$input);
  let results = (outs CNN_Tensor:$output);
  let regions = (region SizedRegion<1>:$body);
  let hasVerifier = 1;
}

def CNN_InceptionOp : CNN_BlockOp<"inception",
    "an inception block: branches from one input concatenated on channels"> {
  let description = [{
    The region's argument is the block input; the ops of every branch and
    the concatenation are inside; `cnn.yield` returns the concatenation.
    Made by `cnn-recognize-blocks`; lowering inlines the region.
    ```mlir
    %y = cnn.inception %x : tensor<1x192x28x28xf32> -> tensor<1x256x28x28xf32> {
    ^bb0(%in: tensor<1x192x28x28xf32>):
      %a = cnn.conv2d %in, %w1, %b1 ... activation = "relu" ...
      %b = cnn.conv2d %in, %w2, %b2 ...
      ...
      %c = cnn.concat %a, %b, ... axis = 1 : ...
      cnn.yield %c : tensor<1x256x28x28xf32>
    }
    ```
  }];
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` type($output) $body";
}

def CNN_ResidualOp : CNN_BlockOp<"residual",
    "a residual block: a body plus an identity or projection skip"> {
  let description = [{
    The region's argument is the block input; the body, the skip (nothing
    for an identity skip, the projection convolution otherwise), the
    addition (often fused into the body's last convolution as its
    `residual`) and the post-activation are inside. `skip` is "identity" or
    "projection". Made by `cnn-recognize-blocks`; lowering inlines the
    region.
    ```mlir
    %y = cnn.residual %x skip = "identity" : tensor<1x256x56x56xf32> -> tensor<1x256x56x56xf32> {
    ^bb0(%in: tensor<1x256x56x56xf32>):
      %a = cnn.conv2d %in, %w1, %b1 ... activation = "relu" ...
      ...
      %c = cnn.conv2d %a2, %w3, %b3 residual %in ... activation = "relu" ...
      cnn.yield %c : tensor<1x256x56x56xf32>
    }
    ```
  }];
  let arguments = (ins CNN_Tensor:$input, StrAttr:$skip);
  let assemblyFormat = "$input `skip` `=` $skip attr-dict `:` type($input) "
                       "`->` type($output) $body";
}

def CNN_YieldOp : CNN_Op<"yield", [Pure, Terminator, ReturnLike,
    ParentOneOf<["InceptionOp", "ResidualOp"]>]> {
  let summary = "the result of a network block";
  let arguments = (ins CNN_Tensor:$value);
  let assemblyFormat = "$value attr-dict `:` type($value)";
}

#endif // CNNC_DIALECT_CNN_IR_CNNOPS_TD
