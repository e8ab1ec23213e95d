//===- ImportContext.cpp - tensor table and node access -------------------===//
//
// The importer's table of ONNX tensors, the materialization of constants as
// arith.constant (weights as resource blobs), and OnnxNode, through which op
// handlers read inputs and attributes and define outputs.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/SwapByteOrder.h"

#include <cstring>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;
using ::onnx::AttributeProto;
using ::onnx::TensorProto;

//===----------------------------------------------------------------------===//
// Tensor table
//===----------------------------------------------------------------------===//

ValueEntry *GraphImporter::lookup(StringRef name) {
  auto it = env.find(name);
  return it == env.end() ? nullptr : it->second.get();
}

std::shared_ptr<ValueEntry> GraphImporter::lookupShared(StringRef name) {
  auto it = env.find(name);
  return it == env.end() ? nullptr : it->second;
}

void GraphImporter::define(StringRef name, std::shared_ptr<ValueEntry> entry) {
  if (!name.empty())
    env[name] = std::move(entry);
}

SmallVector<int64_t> GraphImporter::getShape(const ValueEntry &entry) const {
  if (entry.value)
    return SmallVector<int64_t>(
        cast<RankedTensorType>(entry.value.getType()).getShape());
  if (entry.host)
    return entry.host->shape;
  if (entry.proto)
    return SmallVector<int64_t>(entry.proto->dims().begin(),
                                entry.proto->dims().end());
  if (entry.transposeOf) {
    SmallVector<int64_t> in = getShape(*entry.transposeOf), out;
    for (int64_t p : entry.perm)
      out.push_back(in[p]);
    return out;
  }
  return {};
}

/// Resource blob names: the tensor name with characters that are not
/// identifier characters replaced.
static std::string blobName(StringRef name) {
  std::string s;
  for (char c : name)
    s.push_back(llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_');
  if (s.empty() || llvm::isDigit(s[0]) || s[0] == '.')
    s.insert(s.begin(), '_');
  return s;
}

static LogicalResult checkNonEmpty(ArrayRef<int64_t> shape, Location loc,
                                   const Twine &what) {
  if (llvm::all_of(shape, [](int64_t d) { return d > 0; }))
    return success();
  return emitError(loc) << what << " has shape " << shapeString(shape)
                        << " with a zero dimension; cnnc needs non-empty "
                           "tensors";
}

/// Raw data worth moving rather than copying: more than 4 KiB and not all
/// elements equal (splats become DenseElementsAttr).
static bool isLargeNonSplat(const TensorProto &t) {
  const std::string &raw = t.raw_data();
  if (raw.size() <= 4096)
    return false;
  return std::memcmp(raw.data(), raw.data() + 4, raw.size() - 4) != 0;
}

Value GraphImporter::buildFloatConstant(RankedTensorType type,
                                        ArrayRef<char> bytes,
                                        ArrayRef<float> values, Location loc,
                                        StringRef name) {
  // `bytes` is little-endian raw data; `values` the decoded elements. Exactly
  // one of them is used.
  ElementsAttr attr;
  int64_t n = type.getNumElements();
  auto element = [&](int64_t i) -> float {
    if (!bytes.empty())
      return llvm::support::endian::read<float, llvm::endianness::little>(
          bytes.data() + 4 * i);
    return values[i];
  };
  bool splat = true;
  for (int64_t i = 1; splat && i < n; ++i)
    splat = element(i) == element(0);
  if (splat) {
    // Scalars and splats (ConstantOfShape) are cheap as DenseElementsAttr.
    attr = DenseElementsAttr::get(type, element(0));
  } else {
    AsmResourceBlob blob;
    if (!bytes.empty() && !llvm::sys::IsBigEndianHost) {
      blob =
          HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(float));
    } else {
      std::vector<float> v(n);
      for (int64_t i = 0; i < n; ++i)
        v[i] = element(i);
      blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(v));
    }
    attr =
        DenseResourceElementsAttr::get(type, blobName(name), std::move(blob));
  }
  return arith::ConstantOp::create(builder, loc, type, cast<TypedAttr>(attr));
}

FailureOr<Value> GraphImporter::materializeProto(ValueEntry &entry,
                                                 Location useLoc,
                                                 StringRef user) {
  TensorProto &t = *entry.proto;
  if (t.data_type() != TensorProto::FLOAT)
    return emitError(useLoc)
           << user << " has element type " << dataTypeName(t.data_type())
           << "; cnnc supports float32 tensors (integer "
              "tensors only in folded shape computations)";
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  if (failed(checkNonEmpty(dims, useLoc, user)))
    return failure();
  auto type = RankedTensorType::get(dims, builder.getF32Type());
  Location loc = entry.loc ? Location(entry.loc) : useLoc;
  Value v;
  if (t.has_raw_data() && isLargeNonSplat(t) && !llvm::sys::IsBigEndianHost &&
      reinterpret_cast<uintptr_t>(t.raw_data().data()) % alignof(float) == 0) {
    // Weights are most of a model: hand the proto's buffer to the resource
    // blob instead of copying it. getConstant() reads the blob from then on.
    std::unique_ptr<std::string> raw(t.release_raw_data());
    ArrayRef<char> bytes(raw->data(), raw->size());
    AsmResourceBlob blob(
        bytes, alignof(float),
        [raw = std::move(raw)](void *, size_t, size_t) mutable { raw.reset(); },
        /*dataIsMutable=*/true);
    auto attr = DenseResourceElementsAttr::get(type, blobName(entry.name),
                                               std::move(blob));
    v = arith::ConstantOp::create(builder, loc, type, attr);
    entry.released = true;
  } else if (t.has_raw_data()) {
    ArrayRef<char> bytes(t.raw_data().data(), t.raw_data().size());
    v = buildFloatConstant(type, bytes, {}, loc, entry.name);
  } else {
    ArrayRef<float> values(t.float_data().data(), t.float_data_size());
    v = buildFloatConstant(type, {}, values, loc, entry.name);
  }
  entry.value = v;
  return v;
}

FailureOr<Value> GraphImporter::materializeHost(const HostTensor &t,
                                                Location loc, StringRef name) {
  auto type = RankedTensorType::get(t.shape, builder.getF32Type());
  return buildFloatConstant(type, {}, t.floats, loc, name);
}

FailureOr<Value> GraphImporter::getTensor(StringRef name, Location useLoc,
                                          StringRef user) {
  ValueEntry *e = lookup(name);
  if (!e)
    return emitError(useLoc) << user
                             << " is not produced by any node, initializer or "
                                "graph input";
  if (e->value)
    return e->value;
  if (e->proto)
    return materializeProto(*e, useLoc, user);
  if (e->host) {
    const HostTensor &h = *e->host;
    if (h.dataType != TensorProto::FLOAT)
      return emitError(useLoc)
             << user << " has element type " << dataTypeName(h.dataType)
             << "; cnnc supports float32 tensors (integer tensors only in "
                "folded shape computations)";
    if (failed(checkNonEmpty(h.shape, useLoc, user)))
      return failure();
    Location loc = e->loc ? Location(e->loc) : useLoc;
    auto v = materializeHost(h, loc, e->name);
    if (failed(v))
      return failure();
    e->value = *v;
    return *v;
  }
  if (e->transposeOf) {
    auto diag = emitError(useLoc)
                << user << " is the output of Transpose node '"
                << e->transposeNode << "' with perm " << shapeString(e->perm)
                << ", which cnnc does not support: it folds a Transpose away "
                   "only when it moves axes of size 1, or when another "
                   "Transpose undoes it";
    return diag;
  }
  return emitError(useLoc) << user << " has no value";
}

FailureOr<const HostTensor *> GraphImporter::getConstant(StringRef name,
                                                         Location useLoc) {
  ValueEntry *e = lookup(name);
  if (!e)
    return (const HostTensor *)nullptr;
  if (e->host)
    return e->host.get();
  if (!e->proto)
    return (const HostTensor *)nullptr;
  if (e->released) {
    // The data lives in the resource blob of the materialized constant.
    auto cst = e->value.getDefiningOp<arith::ConstantOp>();
    auto attr = cst ? dyn_cast<DenseResourceElementsAttr>(cst.getValue())
                    : DenseResourceElementsAttr();
    AsmResourceBlob *blob = attr ? attr.getRawHandle().getBlob() : nullptr;
    if (!blob)
      return emitError(useLoc)
             << "the data of constant '" << name << "' is no longer available";
    ArrayRef<char> bytes = blob->getData();
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
    e->host = std::make_shared<HostTensor>(HostTensor::fromFloats(
        cast<RankedTensorType>(e->value.getType()).getShape(), std::move(v)));
    return e->host.get();
  }
  auto decoded = decodeTensor(*e->proto, useLoc, "tensor '" + name.str() + "'");
  if (failed(decoded))
    return failure();
  e->host = std::make_shared<HostTensor>(std::move(*decoded));
  return e->host.get();
}

//===----------------------------------------------------------------------===//
// OnnxNode
//===----------------------------------------------------------------------===//

bool OnnxNode::hasInput(unsigned i) const {
  return i < (unsigned)proto.input_size() && !proto.input(i).empty();
}

StringRef OnnxNode::inputName(unsigned i) const {
  return i < (unsigned)proto.input_size() ? StringRef(proto.input(i))
                                          : StringRef();
}

FailureOr<Value> OnnxNode::tensor(unsigned i) const {
  if (!hasInput(i))
    return emitError() << opType() << " is missing its input #" << i;
  std::string user = (opType() + " input '" + inputName(i) + "'").str();
  return importer.getTensor(inputName(i), loc, user);
}

FailureOr<Value> OnnxNode::optionalTensor(unsigned i) const {
  if (!hasInput(i))
    return Value();
  return tensor(i);
}

bool OnnxNode::isConstant(unsigned i) const {
  if (!hasInput(i))
    return false;
  ValueEntry *e = importer.lookup(inputName(i));
  return e && e->isConstant();
}

std::optional<int32_t> OnnxNode::constantDataType(unsigned i) const {
  ValueEntry *e = hasInput(i) ? importer.lookup(inputName(i)) : nullptr;
  if (!e || !e->isConstant())
    return std::nullopt;
  return e->host ? e->host->dataType : e->proto->data_type();
}

FailureOr<const HostTensor *> OnnxNode::constant(unsigned i) const {
  if (!hasInput(i))
    return (const HostTensor *)nullptr;
  return importer.getConstant(inputName(i), loc);
}

FailureOr<const HostTensor *> OnnxNode::requireConstant(unsigned i,
                                                        StringRef role) const {
  if (!hasInput(i))
    return emitError() << opType() << " is missing its input '" << role << "'";
  auto c = constant(i);
  if (failed(c))
    return failure();
  if (!*c)
    return emitError() << opType() << " input '" << role << "' (tensor '"
                       << inputName(i)
                       << "') must be a constant known at import time, but "
                          "it is computed at run time";
  return *c;
}

SmallVector<int64_t> OnnxNode::inputShape(unsigned i) const {
  ValueEntry *e = importer.lookup(inputName(i));
  return e ? importer.getShape(*e) : SmallVector<int64_t>();
}

void OnnxNode::setOutput(unsigned i, Value v) {
  if (i >= (unsigned)proto.output_size() || proto.output(i).empty())
    return;
  auto e = std::make_shared<ValueEntry>();
  e->value = v;
  e->name = proto.output(i);
  importer.define(proto.output(i), std::move(e));
}

void OnnxNode::setOutput(unsigned i, HostTensor t) {
  if (i >= (unsigned)proto.output_size() || proto.output(i).empty())
    return;
  auto e = std::make_shared<ValueEntry>();
  e->host = std::make_shared<const HostTensor>(std::move(t));
  e->loc = loc;
  e->name = proto.output(i);
  importer.define(proto.output(i), std::move(e));
}

void OnnxNode::setOutput(unsigned i, TensorProto *t) {
  if (i >= (unsigned)proto.output_size() || proto.output(i).empty())
    return;
  auto e = std::make_shared<ValueEntry>();
  e->proto = t;
  e->loc = loc;
  e->name = proto.output(i);
  importer.define(proto.output(i), std::move(e));
}

void OnnxNode::forwardInput(unsigned j, unsigned i) {
  if (i >= (unsigned)proto.output_size() || proto.output(i).empty())
    return;
  importer.define(proto.output(i), importer.lookupShared(inputName(j)));
}

const AttributeProto *OnnxNode::attr(StringRef name) const {
  for (const AttributeProto &a : proto.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

FailureOr<int64_t> OnnxNode::intAttr(StringRef name, int64_t dflt) const {
  const AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() == AttributeProto::INT)
    return a->i();
  return emitError() << opType() << " attribute '" << name
                     << "' must be an int";
}

FailureOr<float> OnnxNode::floatAttr(StringRef name, float dflt) const {
  const AttributeProto *a = attr(name);
  if (!a)
    return dflt;
  if (a->type() == AttributeProto::FLOAT)
    return a->f();
  return emitError() << opType() << " attribute '" << name
                     << "' must be a float";
}

FailureOr<std::string> OnnxNode::stringAttr(StringRef name,
                                            StringRef dflt) const {
  const AttributeProto *a = attr(name);
  if (!a)
    return dflt.str();
  if (a->type() == AttributeProto::STRING)
    return a->s();
  return emitError() << opType() << " attribute '" << name
                     << "' must be a string";
}

FailureOr<SmallVector<int64_t>>
OnnxNode::intsAttr(StringRef name, ArrayRef<int64_t> dflt) const {
  const AttributeProto *a = attr(name);
  if (!a)
    return SmallVector<int64_t>(dflt);
  if (a->type() == AttributeProto::INTS)
    return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
  return emitError() << opType() << " attribute '" << name
                     << "' must be a list of ints";
}

FailureOr<SmallVector<float>> OnnxNode::floatsAttr(StringRef name) const {
  const AttributeProto *a = attr(name);
  if (!a)
    return SmallVector<float>();
  if (a->type() == AttributeProto::FLOATS)
    return SmallVector<float>(a->floats().begin(), a->floats().end());
  return emitError() << opType() << " attribute '" << name
                     << "' must be a list of floats";
}

LogicalResult OnnxNode::unsupportedAttr(StringRef name, const Twine &value,
                                        const Twine &why) const {
  auto diag = emitError() << opType() << " attribute '" << name
                          << "' = " << value << " is not supported";
  if (!why.isTriviallyEmpty())
    diag << " (" << why << ")";
  return diag;
}

FailureOr<int64_t> OnnxNode::normalizeAxis(int64_t axis, int64_t rank,
                                           StringRef what) const {
  if (axis < -rank || axis >= rank)
    return emitError() << opType() << " " << what << " " << axis
                       << " is out of range for rank " << rank;
  return axis < 0 ? axis + rank : axis;
}
