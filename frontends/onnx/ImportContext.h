//===- ImportContext.h - state shared by the ONNX importer ------*- C++ -*-===//
//
// Internal to the ONNX frontend. The importer walks the graph once, in node
// order, keeping one table from ONNX tensor names to what is known of them:
//   - an SSA value (graph inputs, results of cnn ops, materialized constants),
//   - a constant not yet looked at (an initializer or a Constant node's tensor;
//     weights are copied once into a resource blob, when first used),
//   - a constant known on the host (HostTensor): shape arithmetic on int64
//     tensors is folded here, so that Shape -> Gather -> Concat -> Reshape
//     chains turn into static reshapes.
// Op handlers (NNOps.cpp, ElementwiseOps.cpp, ShapeOps.cpp) see one node at
// a time through OnnxNode.
//
// This library is built with RTTI and exceptions (protobuf needs them) against
// a libMLIR built without: nothing here derives from a polymorphic MLIR class.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_ONNX_IMPORTCONTEXT_H
#define CNNC_FRONTENDS_ONNX_IMPORTCONTEXT_H

#include "onnx/OnnxImporter.h"

#include "cnnc/Dialect/CNN/IR/CNNShapes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <onnx/onnx_pb.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::cnnc::onnx_import {

//===----------------------------------------------------------------------===//
// Host-side tensors
//===----------------------------------------------------------------------===//

/// A tensor whose value is known at import time. Integer and bool tensors keep
/// their elements as int64, floating-point tensors as float.
struct HostTensor {
  int32_t dataType = ::onnx::TensorProto::INT64;
  SmallVector<int64_t> shape;
  std::vector<int64_t> ints;
  std::vector<float> floats;

  bool isFloat() const;
  int64_t numElements() const;
  /// Element `i` as a double / int64, whatever the storage.
  double getDouble(int64_t i) const;
  int64_t getInt(int64_t i) const;

  static HostTensor fromInts(ArrayRef<int64_t> shape, std::vector<int64_t> v,
                             int32_t dataType = ::onnx::TensorProto::INT64);
  static HostTensor fromFloats(ArrayRef<int64_t> shape, std::vector<float> v,
                               int32_t dataType = ::onnx::TensorProto::FLOAT);
};

/// `v` rounded toward zero, saturated to the int64 range; 0 for NaN.
int64_t saturatingToInt64(double v);
/// "FLOAT", "INT64", ... (the TensorProto enum name).
std::string dataTypeName(int32_t dataType);
/// Integer and bool types (stored as int64 on the host).
bool isIntegerDataType(int32_t dataType);
/// Floating-point types the host can hold (FLOAT, DOUBLE).
bool isHostFloatDataType(int32_t dataType);
/// "[3,3]".
std::string shapeString(ArrayRef<int64_t> shape);
/// Bytes per element in raw_data; 0 for types without a fixed size.
int64_t elementByteSize(int32_t dataType);
/// Product of `shape`, or nullopt on overflow or a negative dimension.
std::optional<int64_t> numElementsOf(ArrayRef<int64_t> shape);

/// Checks that `t` has as much data as its dims and type need; `what` names
/// the tensor in the message ("initializer 'w'").
LogicalResult checkTensorData(const ::onnx::TensorProto &t, Location loc,
                              StringRef what);

/// Decodes a tensor that passed checkTensorData onto the host.
FailureOr<HostTensor> decodeTensor(const ::onnx::TensorProto &t, Location loc,
                                   StringRef what);

//===----------------------------------------------------------------------===//
// The graph importer
//===----------------------------------------------------------------------===//

/// What the importer knows about one ONNX tensor name.
struct ValueEntry {
  /// The tensor as an SSA value (f32), once it exists.
  Value value;
  /// A constant whose data has not been decoded (initializer, Constant node).
  ::onnx::TensorProto *proto = nullptr;
  /// The constant decoded on the host.
  std::shared_ptr<const HostTensor> host;
  /// Where a constant is materialized.
  LocationAttr loc;
  /// Name of the tensor (the blob name of a materialized weight).
  std::string name;
  /// The proto's data was moved into a resource blob: decode from `value`.
  bool released = false;
  /// A Transpose that was not built (cnn has no transpose op): the tensor
  /// is `transposeOf` permuted by `perm` (output axis i is input axis
  /// perm[i]). Only a Transpose that undoes it may use it; `transposeNode`
  /// names the node for messages.
  std::shared_ptr<ValueEntry> transposeOf;
  SmallVector<int64_t> perm;
  std::string transposeNode;

  bool isConstant() const { return proto || host; }
};

class OnnxNode;

class GraphImporter {
public:
  GraphImporter(MLIRContext *ctx, StringRef path,
                const OnnxImportOptions &options);

  /// Imports the model; null after emitting errors.
  OwningOpRef<ModuleOp> importModel(::onnx::ModelProto &model);

  MLIRContext *getContext() const { return ctx; }
  OpBuilder &getBuilder() { return builder; }
  int64_t getOpset() const { return opset; }
  Location getFileLoc() const { return fileLoc; }

  /// The entry of `name`, null when nothing defines it yet.
  ValueEntry *lookup(StringRef name);
  /// Defines `name`; entries may be shared (Identity makes an alias).
  void define(StringRef name, std::shared_ptr<ValueEntry> entry);
  /// The shared entry of `name` (for aliasing), null when undefined.
  std::shared_ptr<ValueEntry> lookupShared(StringRef name);

  /// The f32 tensor for `name`, materializing a constant on first use.
  /// `user` describes the use in messages ("Relu input 'x'").
  FailureOr<Value> getTensor(StringRef name, Location useLoc, StringRef user);
  /// The constant value of `name`: nullptr when it is not known at import
  /// time, failure when its data is bad.
  FailureOr<const HostTensor *> getConstant(StringRef name, Location useLoc);
  /// Static shape of `name` without materializing it.
  SmallVector<int64_t> getShape(const ValueEntry &entry) const;

  /// Builds an arith.constant holding `t` (f32).
  FailureOr<Value> materializeHost(const HostTensor &t, Location loc,
                                   StringRef name);

private:
  FailureOr<Value> materializeProto(ValueEntry &entry, Location useLoc,
                                    StringRef user);
  Value buildFloatConstant(RankedTensorType type, ArrayRef<char> bytes,
                           ArrayRef<float> values, Location loc,
                           StringRef name);
  LogicalResult readOpsets(const ::onnx::ModelProto &model);
  // ModelChecks.cpp
  LogicalResult checkVersions(const ::onnx::ModelProto &model);
  LogicalResult checkNames(const ::onnx::GraphProto &graph);
  LogicalResult loadExternalData(::onnx::TensorProto &t);
  /// NameLoc(<node name or "<OpType>_<index>">, fileLoc).
  Location nodeLocation(const ::onnx::NodeProto &node, int index);

  LogicalResult addInitializers(::onnx::GraphProto &graph);
  FailureOr<SmallVector<Type>> inputTypes(const ::onnx::GraphProto &graph,
                                          SmallVector<std::string> &names);
  FailureOr<RankedTensorType> inputType(const ::onnx::ValueInfoProto &vi);
  LogicalResult importNodes(::onnx::GraphProto &graph);
  /// Reports every op of the graph that cnnc does not import, one error per
  /// (domain, op, opset); fails when there is any.
  LogicalResult checkOpsSupported(const ::onnx::GraphProto &graph);
  LogicalResult importNode(::onnx::NodeProto &node, int index);
  FailureOr<SmallVector<Value>> collectOutputs(const ::onnx::GraphProto &graph);

  MLIRContext *ctx;
  OpBuilder builder;
  std::string path;
  Location fileLoc;
  const OnnxImportOptions &options;
  int64_t opset = 0;
  std::map<std::string, int64_t> domainOpsets;
  llvm::StringMap<std::shared_ptr<ValueEntry>> env;
  /// Names read by some node or listed as graph outputs.
  llvm::StringSet<> usedNames;
  /// Names written by some node.
  llvm::StringSet<> producedByNodes;
};

//===----------------------------------------------------------------------===//
// One node, as seen by an op handler
//===----------------------------------------------------------------------===//

class OnnxNode {
public:
  OnnxNode(GraphImporter &importer, ::onnx::NodeProto &proto, Location loc)
      : importer(importer), proto(proto), loc(loc),
        builder(importer.getBuilder()), opset(importer.getOpset()) {}

  GraphImporter &importer;
  ::onnx::NodeProto &proto;
  Location loc;
  OpBuilder &builder;
  int64_t opset;

  StringRef opType() const { return proto.op_type(); }
  InFlightDiagnostic emitError() const { return mlir::emitError(loc); }

  /// Inputs: `i` may be past the end; an empty name is an absent input.
  bool hasInput(unsigned i) const;
  StringRef inputName(unsigned i) const;
  /// Input `i` as an f32 tensor; errors when absent or not float.
  FailureOr<Value> tensor(unsigned i) const;
  /// Input `i` when present, a null Value when absent.
  FailureOr<Value> optionalTensor(unsigned i) const;
  /// Whether input `i` is a constant (without decoding it).
  bool isConstant(unsigned i) const;
  /// The ONNX element type of constant input `i`, nullopt when it is absent
  /// or not a constant (without decoding it).
  std::optional<int32_t> constantDataType(unsigned i) const;
  /// Input `i` decoded on the host; nullptr when absent or not constant.
  FailureOr<const HostTensor *> constant(unsigned i) const;
  /// Like constant() but errors when input `i` is absent or not constant;
  /// `role` names the input in the message ("shape").
  FailureOr<const HostTensor *> requireConstant(unsigned i,
                                                StringRef role) const;
  /// Static shape of input `i` (present), without materializing it.
  SmallVector<int64_t> inputShape(unsigned i) const;

  void setOutput(unsigned i, Value v);
  void setOutput(unsigned i, HostTensor t);
  /// Output `i` is a constant held in the model (Constant's `value`).
  void setOutput(unsigned i, ::onnx::TensorProto *t);
  /// Output `i` is the same tensor as input `j` (Identity, Dropout).
  void forwardInput(unsigned j, unsigned i);

  /// Attributes. checkNode() has checked their names and types against the
  /// op table; each getter still errors when the type is wrong.
  const ::onnx::AttributeProto *attr(StringRef name) const;
  bool hasAttr(StringRef name) const { return attr(name) != nullptr; }
  FailureOr<int64_t> intAttr(StringRef name, int64_t dflt) const;
  FailureOr<float> floatAttr(StringRef name, float dflt) const;
  FailureOr<std::string> stringAttr(StringRef name, StringRef dflt) const;
  FailureOr<SmallVector<int64_t>> intsAttr(StringRef name,
                                           ArrayRef<int64_t> dflt = {}) const;
  FailureOr<SmallVector<float>> floatsAttr(StringRef name) const;
  /// Reports an attribute value that cnnc does not support.
  LogicalResult unsupportedAttr(StringRef name, const Twine &value,
                                const Twine &why = "") const;

  /// Normalizes a possibly negative axis into [0, rank); errors naming
  /// `what` when out of range.
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                   StringRef what = "axis") const;
};

//===----------------------------------------------------------------------===//
// Op handlers
//===----------------------------------------------------------------------===//

using NodeHandler = LogicalResult (*)(OnnxNode &);

// NNOps.cpp
LogicalResult importConv(OnnxNode &n);
LogicalResult importMaxPool(OnnxNode &n);
LogicalResult importAveragePool(OnnxNode &n);
LogicalResult importGlobalAveragePool(OnnxNode &n);
LogicalResult importGlobalMaxPool(OnnxNode &n);
LogicalResult importLRN(OnnxNode &n);
LogicalResult importBatchNormalization(OnnxNode &n);
LogicalResult importGemm(OnnxNode &n);
LogicalResult importMatMul(OnnxNode &n);
LogicalResult importSoftmax(OnnxNode &n);

// ReduceOps.cpp
LogicalResult importReduce(OnnxNode &n);

// TransposeOps.cpp
LogicalResult importTranspose(OnnxNode &n);

// ElementwiseOps.cpp
LogicalResult importBinary(OnnxNode &n);
LogicalResult importRelu(OnnxNode &n);
LogicalResult importSigmoid(OnnxNode &n);
LogicalResult importTanh(OnnxNode &n);
LogicalResult importLeakyRelu(OnnxNode &n);
LogicalResult importHardSigmoid(OnnxNode &n);
LogicalResult importHardSwish(OnnxNode &n);
LogicalResult importClip(OnnxNode &n);
LogicalResult importReciprocal(OnnxNode &n);
LogicalResult importPow(OnnxNode &n);
LogicalResult importNeg(OnnxNode &n);
LogicalResult importSumMean(OnnxNode &n);

// ShapeOps.cpp
LogicalResult importIdentity(OnnxNode &n);
LogicalResult importDropout(OnnxNode &n);
LogicalResult importConstant(OnnxNode &n);
LogicalResult importShape(OnnxNode &n);
LogicalResult importGather(OnnxNode &n);
LogicalResult importUnsqueeze(OnnxNode &n);
LogicalResult importSqueeze(OnnxNode &n);
LogicalResult importConcat(OnnxNode &n);
LogicalResult importSlice(OnnxNode &n);
LogicalResult importCast(OnnxNode &n);
LogicalResult importConstantOfShape(OnnxNode &n);
LogicalResult importFlatten(OnnxNode &n);
LogicalResult importReshape(OnnxNode &n);
LogicalResult importPad(OnnxNode &n);

// OpSchemas.cpp

/// Checks `node` (default domain) against the ONNX signature of its op at
/// `opset`: the op is supported, its input and output counts, its
/// attributes (known, each once, of the right type, sizes in range).
/// Returns the handler that imports it.
FailureOr<NodeHandler> checkNode(const ::onnx::NodeProto &node, int64_t opset,
                                 Location loc);

/// Empty when cnnc imports `opType` of the default domain at `opset`;
/// otherwise why not ("unsupported operator 'X' (domain '', opset 13)",
/// "Relu-1 (...) is not supported; ...", "X is not defined in opset N").
std::string unsupportedReason(StringRef opType, int64_t opset);

//===----------------------------------------------------------------------===//
// Limits
//===----------------------------------------------------------------------===//

/// The largest dimension, pad, stride or kernel size accepted: the cnn
/// dialect's (2^31 - 1), on which int64 shape arithmetic cannot overflow.
constexpr int64_t kMaxDimension = cnn::kMaxDimSize;
/// Default-domain opsets accepted. Each op's older versions that cnnc does
/// not import are refused by the op table (OpSchemas.cpp).
constexpr int64_t kMinOpset = 1, kMaxOpset = 22;
/// The highest tensor rank accepted.
constexpr size_t kMaxRank = 16;
/// Host tensors (shape arithmetic) larger than this are not folded.
constexpr int64_t kMaxFoldedElements = int64_t(1) << 26;
/// The largest tensor, in bytes, that the importer lets through (16 GiB).
constexpr int64_t kMaxTensorBytes = int64_t(16) << 30;

/// Checks that a tensor of `shape` (f32 elements of 4 bytes) is within the
/// limits above; `what` names it in the message ("graph input 'x'").
LogicalResult checkTensorSize(ArrayRef<int64_t> shape, Location loc,
                              const Twine &what);

} // namespace mlir::cnnc::onnx_import

#endif // CNNC_FRONTENDS_ONNX_IMPORTCONTEXT_H
