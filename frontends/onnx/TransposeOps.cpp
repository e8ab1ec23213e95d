//===- TransposeOps.cpp - ONNX Transpose, folded away ---------------------===//
//
// The cnn dialect has no transpose: the layouts it compiles are fixed
// (NCHW activations, OIHW weights). A Transpose is imported only when it
// disappears:
//   - the identity permutation: the input itself;
//   - a constant input (weights, shape tensors): transposed on the host;
//   - a permutation that moves only axes of size 1 ([N,C,1,1] to
//     [N,1,1,C]): a cnn.reshape;
//   - a Transpose undone by a later one (the NHWC<->NCHW pairs of converted
//     models): the first is recorded without building anything (a "pending"
//     ValueEntry with `transposeOf` and `perm`); the second composes its
//     permutation with it and yields the original tensor when they cancel.
// Any other use of a pending Transpose is an error naming the Transpose node
// and its permutation (GraphImporter::getTensor).
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "cnnc/Dialect/CNN/IR/CNNOps.h"
#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;

/// `t` with its axes permuted: output axis i is input axis perm[i].
static HostTensor transposeHost(const HostTensor &t, ArrayRef<int64_t> perm) {
  int64_t rank = perm.size();
  SmallVector<int64_t> inStrides(rank, 1), outShape(rank);
  for (int64_t i = rank - 2; i >= 0; --i)
    inStrides[i] = inStrides[i + 1] * t.shape[i + 1];
  for (int64_t i = 0; i < rank; ++i)
    outShape[i] = t.shape[perm[i]];
  int64_t count = t.numElements();
  // Walk the output in order, keeping the input offset of its index.
  SmallVector<int64_t> index(rank, 0);
  std::vector<int64_t> ints;
  std::vector<float> floats;
  (t.isFloat() ? floats.reserve(count) : ints.reserve(count));
  int64_t offset = 0;
  for (int64_t n = 0; n < count; ++n) {
    if (t.isFloat())
      floats.push_back(t.floats[offset]);
    else
      ints.push_back(t.ints[offset]);
    for (int64_t i = rank - 1; i >= 0; --i) {
      offset += inStrides[perm[i]];
      if (++index[i] < outShape[i])
        break;
      offset -= inStrides[perm[i]] * outShape[i];
      index[i] = 0;
    }
  }
  return t.isFloat()
             ? HostTensor::fromFloats(outShape, std::move(floats), t.dataType)
             : HostTensor::fromInts(outShape, std::move(ints), t.dataType);
}

LogicalResult mlir::cnnc::onnx_import::importTranspose(OnnxNode &n) {
  if (!n.hasInput(0))
    return n.emitError() << "Transpose is missing its input";
  std::shared_ptr<ValueEntry> in = n.importer.lookupShared(n.inputName(0));
  SmallVector<int64_t> shape = n.inputShape(0);
  int64_t rank = shape.size();

  SmallVector<int64_t> reversed;
  for (int64_t i = rank - 1; i >= 0; --i)
    reversed.push_back(i);
  auto permAttr = n.intsAttr("perm", reversed);
  if (failed(permAttr))
    return failure();
  SmallVector<int64_t> perm = *permAttr;
  if ((int64_t)perm.size() != rank)
    return n.emitError() << "Transpose attribute 'perm' = " << shapeString(perm)
                         << " has " << perm.size()
                         << " values for an input of rank " << rank;
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return n.emitError() << "Transpose attribute 'perm' = "
                           << shapeString(perm) << " is not a permutation of "
                           << "0.." << rank - 1;
    seen[p] = true;
  }

  // A pending Transpose followed by this one: compose.
  std::shared_ptr<ValueEntry> source = in;
  if (in->transposeOf) {
    source = in->transposeOf;
    SmallVector<int64_t> composed;
    for (int64_t p : perm)
      composed.push_back(in->perm[p]);
    perm = composed;
  }
  bool identity = true;
  for (int64_t i = 0; i < rank; ++i)
    identity &= perm[i] == i;
  if (identity) {
    if (n.proto.output_size() > 0)
      n.importer.define(n.proto.output(0), source);
    return success();
  }

  if (source == in && in->isConstant()) {
    std::optional<int64_t> count = numElementsOf(shape);
    if (!count || *count > kMaxFoldedElements)
      return n.emitError() << "Transpose of a constant of shape "
                           << shapeString(shape) << " is too large to fold ("
                           << kMaxFoldedElements << " elements at most)";
    auto c = n.constant(0);
    if (failed(c))
      return failure();
    n.setOutput(0, transposeHost(**c, perm));
    return success();
  }

  // Only axes of size 1 move: a reshape.
  SmallVector<int64_t> sourceShape = n.importer.getShape(*source);
  int64_t last = -1;
  bool keepsOrder = true;
  for (int64_t p : perm) {
    if (sourceShape[p] == 1)
      continue;
    keepsOrder &= p > last;
    last = p;
  }
  if (keepsOrder) {
    SmallVector<int64_t> outShape;
    for (int64_t p : perm)
      outShape.push_back(sourceShape[p]);
    FailureOr<Value> x = source->value;
    if (!source->value)
      x = n.tensor(0);
    if (failed(x))
      return failure();
    auto type = cnn::inferReshapeType(n.loc, x->getType(), outShape);
    if (failed(type))
      return failure();
    n.setOutput(0,
                cnn::ReshapeOp::create(n.builder, n.loc, *type, *x,
                                       n.builder.getDenseI64ArrayAttr(outShape))
                    .getResult());
    return success();
  }

  auto pending = std::make_shared<ValueEntry>();
  pending->transposeOf = source;
  pending->perm = perm;
  pending->name = n.proto.output_size() > 0 ? n.proto.output(0) : "";
  auto nameLoc = dyn_cast<NameLoc>(n.loc);
  pending->transposeNode = nameLoc ? nameLoc.getName().str() : n.proto.name();
  if (!pending->name.empty())
    n.importer.define(pending->name, pending);
  return success();
}
