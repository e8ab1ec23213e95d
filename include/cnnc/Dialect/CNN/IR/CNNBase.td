//===- CNNBase.td - cnn dialect definition -----------------*- tablegen -*-===//
//
// The cnn dialect: graph-level operations of convolutional networks, on ranked
// f32 tensors in NCHW layout (as in ONNX). Frontends produce it; graph passes
// reason on it; it lowers to linalg.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_DIALECT_CNN_IR_CNNBASE_TD
#define CNNC_DIALECT_CNN_IR_CNNBASE_TD

include "mlir/IR/OpBase.td"

def CNN_Dialect : Dialect {
  let name = "cnn";
  let cppNamespace = "::mlir::cnn";
  let summary = "Graph-level operations of convolutional neural networks";
  let description = [{
    The `cnn` dialect holds the layers of a convolutional network at graph
    level: convolutions, pooling, concatenation, elementwise arithmetic with
    broadcasting, activations, batch normalization, dense layers, softmax and
    the reshaping ops around them. Tensors are ranked, statically shaped and
    f32; image tensors are NCHW and weights OIHW as in ONNX. Result types are
    inferred from operands and attributes when an op is built, and verified.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

class CNN_Op<string mnemonic, list<Trait> traits = []>
    : Op<CNN_Dialect, mnemonic, traits>;

def CNN_Tensor : RankedTensorOf<[F32]>;
def CNN_Tensor4D : 4DTensorOf<[F32]>;

#endif // CNNC_DIALECT_CNN_IR_CNNBASE_TD
