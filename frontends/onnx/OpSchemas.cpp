//===- OpSchemas.cpp - the ops cnnc imports, and their ONNX signatures ----===//
//
// One table lists, for every supported op of the default domain, each ONNX
// version of it (the opset it appeared in), the handler that imports it, how
// many inputs and outputs it takes and which attributes it accepts with
// their types. The importer dispatches through this table and checks every
// node against it before the handler sees it, as the ONNX checker and
// onnxruntime do: a wrong input or output count, an attribute that the op
// does not have, one given twice or with the wrong (or no) type is an
// error. Versions that cnnc does not import (the opset-1 forms with
// `consumed_inputs`, BatchNormalization and Dropout with `is_test`, Cast with
// a string `to`) are listed without a handler, so that they are reported as
// such.
//
// Int attributes that become sizes (pads, strides, kernels, ...) are checked
// here too, against [min, kMaxDimension], whatever the op.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/raw_ostream.h"

#include <climits>
#include <string>
#include <vector>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;
using ::onnx::AttributeProto;

namespace {
/// One version of one op. `attrs` lists "name:type" words, the types being
/// i, f, s, t (tensor), st (sparse tensor), is, fs, ss (lists).
struct OpSchema {
  const char *opType;
  int since;
  NodeHandler handler;
  int minInputs, maxInputs; // maxInputs < 0: variadic
  int minOutputs, maxOutputs;
  const char *attrs;
};
} // namespace

// clang-format off
static const OpSchema kSchemas[] = {
  // NNOps.cpp
  {"Conv", 1, importConv, 2, 3, 1, 1,
   "auto_pad:s dilations:is group:i kernel_shape:is pads:is strides:is"},
  {"MaxPool", 1, importMaxPool, 1, 1, 1, 1,
   "auto_pad:s kernel_shape:is pads:is strides:is"},
  {"MaxPool", 8, importMaxPool, 1, 1, 1, 2,
   "auto_pad:s kernel_shape:is pads:is storage_order:i strides:is"},
  {"MaxPool", 10, importMaxPool, 1, 1, 1, 2,
   "auto_pad:s ceil_mode:i dilations:is kernel_shape:is pads:is "
   "storage_order:i strides:is"},
  {"AveragePool", 1, importAveragePool, 1, 1, 1, 1,
   "auto_pad:s kernel_shape:is pads:is strides:is"},
  {"AveragePool", 7, importAveragePool, 1, 1, 1, 1,
   "auto_pad:s count_include_pad:i kernel_shape:is pads:is strides:is"},
  {"AveragePool", 10, importAveragePool, 1, 1, 1, 1,
   "auto_pad:s ceil_mode:i count_include_pad:i kernel_shape:is pads:is "
   "strides:is"},
  {"AveragePool", 19, importAveragePool, 1, 1, 1, 1,
   "auto_pad:s ceil_mode:i count_include_pad:i dilations:is kernel_shape:is "
   "pads:is strides:is"},
  {"GlobalAveragePool", 1, importGlobalAveragePool, 1, 1, 1, 1, ""},
  {"GlobalMaxPool", 1, importGlobalMaxPool, 1, 1, 1, 1, ""},
  {"LRN", 1, importLRN, 1, 1, 1, 1, "alpha:f beta:f bias:f size:i"},
  {"BatchNormalization", 1, nullptr, 5, 5, 1, 5, ""},
  {"BatchNormalization", 7, importBatchNormalization, 5, 5, 1, 5,
   "epsilon:f momentum:f spatial:i"},
  {"BatchNormalization", 9, importBatchNormalization, 5, 5, 1, 5,
   "epsilon:f momentum:f"},
  {"BatchNormalization", 14, importBatchNormalization, 5, 5, 1, 3,
   "epsilon:f momentum:f training_mode:i"},
  {"Gemm", 1, importGemm, 3, 3, 1, 1,
   "alpha:f beta:f broadcast:i transA:i transB:i"},
  {"Gemm", 7, importGemm, 3, 3, 1, 1, "alpha:f beta:f transA:i transB:i"},
  {"Gemm", 11, importGemm, 2, 3, 1, 1, "alpha:f beta:f transA:i transB:i"},
  {"MatMul", 1, importMatMul, 2, 2, 1, 1, ""},
  {"Softmax", 1, importSoftmax, 1, 1, 1, 1, "axis:i"},
  // ReduceOps.cpp
  {"ReduceMean", 1, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMean", 11, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMean", 13, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMean", 18, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  {"ReduceMax", 1, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMax", 11, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMax", 12, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMax", 13, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMax", 18, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  {"ReduceMax", 20, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  {"ReduceMin", 1, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMin", 11, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMin", 12, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMin", 13, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceMin", 18, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  {"ReduceMin", 20, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  {"ReduceSumSquare", 1, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceSumSquare", 11, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceSumSquare", 13, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceSumSquare", 18, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  {"ReduceSum", 1, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceSum", 11, importReduce, 1, 1, 1, 1, "axes:is keepdims:i"},
  {"ReduceSum", 13, importReduce, 1, 2, 1, 1,
   "keepdims:i noop_with_empty_axes:i"},
  // TransposeOps.cpp
  {"Transpose", 1, importTranspose, 1, 1, 1, 1, "perm:is"},
  // ElementwiseOps.cpp
  {"Add", 1, nullptr, 2, 2, 1, 1, ""},
  {"Add", 6, importBinary, 2, 2, 1, 1, "axis:i broadcast:i"},
  {"Add", 7, importBinary, 2, 2, 1, 1, ""},
  {"Sub", 1, nullptr, 2, 2, 1, 1, ""},
  {"Sub", 6, importBinary, 2, 2, 1, 1, "axis:i broadcast:i"},
  {"Sub", 7, importBinary, 2, 2, 1, 1, ""},
  {"Mul", 1, nullptr, 2, 2, 1, 1, ""},
  {"Mul", 6, importBinary, 2, 2, 1, 1, "axis:i broadcast:i"},
  {"Mul", 7, importBinary, 2, 2, 1, 1, ""},
  {"Div", 1, nullptr, 2, 2, 1, 1, ""},
  {"Div", 6, importBinary, 2, 2, 1, 1, "axis:i broadcast:i"},
  {"Div", 7, importBinary, 2, 2, 1, 1, ""},
  {"Relu", 1, nullptr, 1, 1, 1, 1, ""},
  {"Relu", 6, importRelu, 1, 1, 1, 1, ""},
  {"Sigmoid", 1, nullptr, 1, 1, 1, 1, ""},
  {"Sigmoid", 6, importSigmoid, 1, 1, 1, 1, ""},
  {"Tanh", 1, nullptr, 1, 1, 1, 1, ""},
  {"Tanh", 6, importTanh, 1, 1, 1, 1, ""},
  {"LeakyRelu", 1, nullptr, 1, 1, 1, 1, ""},
  {"LeakyRelu", 6, importLeakyRelu, 1, 1, 1, 1, "alpha:f"},
  {"HardSigmoid", 1, nullptr, 1, 1, 1, 1, ""},
  {"HardSigmoid", 6, importHardSigmoid, 1, 1, 1, 1, "alpha:f beta:f"},
  {"HardSwish", 14, importHardSwish, 1, 1, 1, 1, ""},
  {"Clip", 1, nullptr, 1, 1, 1, 1, ""},
  {"Clip", 6, importClip, 1, 1, 1, 1, "max:f min:f"},
  {"Clip", 11, importClip, 1, 3, 1, 1, ""},
  {"Reciprocal", 1, nullptr, 1, 1, 1, 1, ""},
  {"Reciprocal", 6, importReciprocal, 1, 1, 1, 1, ""},
  {"Pow", 1, nullptr, 2, 2, 1, 1, ""},
  {"Pow", 7, importPow, 2, 2, 1, 1, ""},
  {"Neg", 1, nullptr, 1, 1, 1, 1, ""},
  {"Neg", 6, importNeg, 1, 1, 1, 1, ""},
  {"Sum", 1, nullptr, 1, -1, 1, 1, ""},
  {"Sum", 6, importSumMean, 1, -1, 1, 1, ""},
  {"Sum", 8, importSumMean, 1, -1, 1, 1, ""},
  {"Mean", 1, nullptr, 1, -1, 1, 1, ""},
  {"Mean", 6, importSumMean, 1, -1, 1, 1, ""},
  {"Mean", 8, importSumMean, 1, -1, 1, 1, ""},
  // ShapeOps.cpp
  {"Identity", 1, importIdentity, 1, 1, 1, 1, ""},
  {"Dropout", 1, nullptr, 1, 1, 1, 2, ""},
  {"Dropout", 7, importDropout, 1, 1, 1, 2, "ratio:f"},
  {"Dropout", 12, importDropout, 1, 3, 1, 2, "seed:i"},
  {"Constant", 1, importConstant, 0, 0, 1, 1, "value:t"},
  {"Constant", 11, importConstant, 0, 0, 1, 1, "sparse_value:st value:t"},
  {"Constant", 12, importConstant, 0, 0, 1, 1,
   "sparse_value:st value:t value_float:f value_floats:fs value_int:i "
   "value_ints:is value_string:s value_strings:ss"},
  {"Shape", 1, importShape, 1, 1, 1, 1, ""},
  {"Shape", 15, importShape, 1, 1, 1, 1, "end:i start:i"},
  {"Gather", 1, importGather, 2, 2, 1, 1, "axis:i"},
  {"Unsqueeze", 1, importUnsqueeze, 1, 1, 1, 1, "axes:is"},
  {"Unsqueeze", 13, importUnsqueeze, 2, 2, 1, 1, ""},
  {"Squeeze", 1, importSqueeze, 1, 1, 1, 1, "axes:is"},
  {"Squeeze", 13, importSqueeze, 1, 2, 1, 1, ""},
  {"Concat", 1, importConcat, 1, -1, 1, 1, "axis:i"},
  {"Slice", 1, importSlice, 1, 1, 1, 1, "axes:is ends:is starts:is"},
  {"Slice", 10, importSlice, 3, 5, 1, 1, ""},
  {"Cast", 1, nullptr, 1, 1, 1, 1, ""},
  {"Cast", 6, importCast, 1, 1, 1, 1, "to:i"},
  {"Cast", 19, importCast, 1, 1, 1, 1, "saturate:i to:i"},
  {"ConstantOfShape", 9, importConstantOfShape, 1, 1, 1, 1, "value:t"},
  {"Flatten", 1, importFlatten, 1, 1, 1, 1, "axis:i"},
  {"Reshape", 1, importReshape, 1, 1, 1, 1, "consumed_inputs:is shape:is"},
  {"Reshape", 5, importReshape, 2, 2, 1, 1, ""},
  {"Reshape", 14, importReshape, 2, 2, 1, 1, "allowzero:i"},
  {"Pad", 1, importPad, 1, 1, 1, 1, "mode:s paddings:is value:f"},
  {"Pad", 2, importPad, 1, 1, 1, 1, "mode:s pads:is value:f"},
  {"Pad", 11, importPad, 2, 3, 1, 1, "mode:s"},
  {"Pad", 18, importPad, 2, 4, 1, 1, "mode:s"},
};
// clang-format on

/// Int attributes that are sizes, whatever the op: their values must lie in
/// [min, kMaxDimension] (shape rules then compute in int64 without overflow).
static const struct {
  const char *name;
  int64_t min;
} kSizeAttrs[] = {{"pads", 0},      {"paddings", 0},     {"strides", 1},
                  {"dilations", 1}, {"kernel_shape", 1}, {"group", 1},
                  {"size", 1}};

static AttributeProto::AttributeType typeCode(StringRef code) {
  return llvm::StringSwitch<AttributeProto::AttributeType>(code)
      .Case("i", AttributeProto::INT)
      .Case("f", AttributeProto::FLOAT)
      .Case("s", AttributeProto::STRING)
      .Case("t", AttributeProto::TENSOR)
      .Case("st", AttributeProto::SPARSE_TENSOR)
      .Case("is", AttributeProto::INTS)
      .Case("fs", AttributeProto::FLOATS)
      .Case("ss", AttributeProto::STRINGS)
      .Default(AttributeProto::UNDEFINED);
}

static std::string typeName(int type) {
  if (AttributeProto::AttributeType_IsValid(type))
    return AttributeProto::AttributeType_Name(
        static_cast<AttributeProto::AttributeType>(type));
  return "type " + std::to_string(type);
}

/// The type of attribute `name` in `schema`, UNDEFINED when it has none.
static AttributeProto::AttributeType attrType(const OpSchema &schema,
                                              StringRef name) {
  SmallVector<StringRef> words;
  StringRef(schema.attrs).split(words, ' ', -1, /*KeepEmpty=*/false);
  for (StringRef w : words) {
    auto [n, code] = w.split(':');
    if (n == name)
      return typeCode(code);
  }
  return AttributeProto::UNDEFINED;
}

/// The version of `opType` in effect at `opset`, with the opset that
/// introduced the next version (INT_MAX when none). Null when `opType` is not
/// in the table; `first` is then 0, else the first opset that defines it.
static const OpSchema *findSchema(StringRef opType, int64_t opset,
                                  int64_t &until, int64_t &first) {
  const OpSchema *found = nullptr;
  until = INT_MAX;
  first = 0;
  for (const OpSchema &s : kSchemas) {
    if (opType != s.opType)
      continue;
    if (!first)
      first = s.since;
    if (s.since <= opset)
      found = &s;
    else if (s.since < until)
      until = s.since;
  }
  return found;
}

static std::string countRange(int lo, int hi) {
  if (hi < 0)
    return std::to_string(lo) + " or more";
  if (lo == hi)
    return std::to_string(lo);
  return std::to_string(lo) + " to " + std::to_string(hi);
}

/// "Conv-11, the version in opset 13".
static std::string versionName(const OpSchema &schema, int64_t opset) {
  return std::string(schema.opType) + "-" + std::to_string(schema.since) +
         ", the version in opset " + std::to_string(opset);
}

static LogicalResult checkAttributes(const ::onnx::NodeProto &node,
                                     const OpSchema &schema, int64_t opset,
                                     Location loc) {
  StringRef op = node.op_type();
  llvm::StringSet<> seen;
  for (const AttributeProto &a : node.attribute()) {
    StringRef name = a.name();
    if (name.empty())
      return emitError(loc) << op << " has an attribute without a name";
    if (name.contains('\0'))
      return emitError(loc) << op
                            << " has an attribute whose name holds a "
                               "NUL byte";
    if (!seen.insert(name).second)
      return emitError(loc)
             << op << " attribute '" << name << "' is given more than once";
    if (!a.ref_attr_name().empty())
      return emitError(loc)
             << op << " attribute '" << name
             << "' refers to a function attribute ('" << a.ref_attr_name()
             << "'), which is only allowed inside functions";
    AttributeProto::AttributeType want = attrType(schema, name);
    if (want == AttributeProto::UNDEFINED) {
      auto diag = emitError(loc) << op << " has no attribute '" << name << "' ("
                                 << versionName(schema, opset) << ", has ";
      SmallVector<StringRef> words;
      StringRef(schema.attrs).split(words, ' ', -1, /*KeepEmpty=*/false);
      if (words.empty())
        diag << "none";
      llvm::interleaveComma(words, diag, [&](StringRef w) {
        diag << "'" << w.split(':').first << "'";
      });
      return diag << ")";
    }
    if (a.type() == AttributeProto::UNDEFINED)
      return emitError(loc) << op << " attribute '" << name
                            << "' has no type (AttributeProto.type is "
                               "UNDEFINED); expected "
                            << typeName(want);
    if (a.type() != want)
      return emitError(loc)
             << op << " attribute '" << name << "' has type "
             << typeName(a.type()) << "; expected " << typeName(want);
    if (a.type() == AttributeProto::STRING &&
        a.s().find('\0') != std::string::npos)
      return emitError(loc)
             << op << " attribute '" << name << "' holds a NUL byte";
    for (const auto &size : kSizeAttrs) {
      if (name != size.name)
        continue;
      SmallVector<int64_t> values;
      if (a.type() == AttributeProto::INT)
        values.push_back(a.i());
      else
        values.assign(a.ints().begin(), a.ints().end());
      if (values.size() > kMaxRank)
        return emitError(loc)
               << op << " attribute '" << name << "' has " << values.size()
               << " values; at most " << kMaxRank << " are supported";
      for (int64_t v : values)
        if (v < size.min || v > kMaxDimension)
          return emitError(loc) << op << " attribute '" << name << "' value "
                                << v << " is out of range: it must lie in ["
                                << size.min << ", " << kMaxDimension << "]";
    }
  }
  return success();
}

std::string mlir::cnnc::onnx_import::unsupportedReason(StringRef op,
                                                       int64_t opset) {
  int64_t until, first;
  const OpSchema *schema = findSchema(op, opset, until, first);
  std::string s;
  llvm::raw_string_ostream os(s);
  if (!schema) {
    if (first)
      os << op << " is not defined in opset " << opset
         << " (it appeared in opset " << first << ")";
    else
      os << "unsupported operator '" << op << "' (domain '', opset " << opset
         << ")";
    return s;
  }
  if (schema->handler)
    return s;
  os << op << "-" << schema->since << " (the version in opset " << opset;
  if (until != INT_MAX)
    os << "; opsets " << schema->since << " to " << until - 1
       << ") is not supported; cnnc imports " << op << " from opset " << until;
  else
    os << ") is not supported";
  return s;
}

FailureOr<NodeHandler>
mlir::cnnc::onnx_import::checkNode(const ::onnx::NodeProto &node, int64_t opset,
                                   Location loc) {
  StringRef op = node.op_type();
  std::string why = unsupportedReason(op, opset);
  if (!why.empty())
    return emitError(loc) << why;
  int64_t until, first;
  const OpSchema *schema = findSchema(op, opset, until, first);
  int numIn = node.input_size(), numOut = node.output_size();
  if (numIn < schema->minInputs ||
      (schema->maxInputs >= 0 && numIn > schema->maxInputs))
    return emitError(loc) << op << " has " << numIn << " input"
                          << (numIn == 1 ? "" : "s") << "; "
                          << versionName(*schema, opset) << ", takes "
                          << countRange(schema->minInputs, schema->maxInputs);
  if (numOut < schema->minOutputs || numOut > schema->maxOutputs)
    return emitError(loc) << op << " has " << numOut << " output"
                          << (numOut == 1 ? "" : "s") << "; "
                          << versionName(*schema, opset) << ", produces "
                          << countRange(schema->minOutputs, schema->maxOutputs);
  if (failed(checkAttributes(node, *schema, opset, loc)))
    return failure();
  return schema->handler;
}

//===----------------------------------------------------------------------===//
// The table of supported ops (docs/onnx-ops.md)
//===----------------------------------------------------------------------===//

/// What a user needs to know about each op beyond its versions: the forms
/// cnnc refuses. Every op of kSchemas needs an entry: printOnnxOpTable()
/// fails without one, and so does the test that keeps the table current.
static const struct {
  const char *opType;
  const char *notes;
} kOpNotes[] = {
    {"Add", "numpy broadcasting; opset 6: legacy `broadcast`/`axis` "
            "(trailing axes only)"},
    {"AveragePool", "2-D (NCHW) only; `dilations` other than 1 refused"},
    {"BatchNormalization", "inference only (`training_mode` = 1 refused); "
                           "`spatial` = 1 only"},
    {"Cast", "float32 to float32 on run-time tensors; constants are cast at "
             "import time"},
    {"Clip", "bounds must be constants (scalar inputs from opset 11)"},
    {"Concat", "run-time tensors, or integer constants (folded)"},
    {"Constant", "`sparse_value`, `value_string(s)` refused"},
    {"ConstantOfShape", "folded at import time; the shape must be constant"},
    {"Conv", "2-D (NCHW) only; grouped and depthwise included"},
    {"Div", "numpy broadcasting; opset 6: legacy `broadcast`/`axis` "
            "(trailing axes only)"},
    {"Dropout", "inference: the identity; the `mask` output is not "
                "computed; `training_mode` = true refused"},
    {"Flatten", ""},
    {"Gather", "constant data only (shape arithmetic, folded)"},
    {"Gemm", ""},
    {"GlobalAveragePool", "NCHW only"},
    {"GlobalMaxPool", "NCHW only"},
    {"HardSigmoid", ""},
    {"HardSwish", ""},
    {"Identity", "tensors only (no sequences or optionals)"},
    {"LRN", "NCHW only"},
    {"LeakyRelu", ""},
    {"MatMul", "2-D operands only"},
    {"MaxPool", "2-D (NCHW) only; the `Indices` output is not computed; "
                "`storage_order` = 0 only"},
    {"Mean", "a chain of additions times 1 / count; numpy broadcasting"},
    {"Mul", "numpy broadcasting; opset 6: legacy `broadcast`/`axis` "
            "(trailing axes only)"},
    {"Neg", "x * -1"},
    {"Pad", "modes constant, reflect, edge; pads must be constant; negative "
            "pads (cropping) refused"},
    {"Pow", "the exponent must be a scalar constant integer from -4 to 4, "
            "not 0 (products of the base); no square roots"},
    {"Reciprocal", "1 / x as a division"},
    {"ReduceMax", "axes must be contiguous (size-1 axes aside) and "
                  "constant; H,W of an NCHW tensor is the global max pool, "
                  "other axes pool a reshaped view; a scalar result "
                  "(keepdims = 0 over every axis) refused"},
    {"ReduceMean", "as ReduceMax, with average pooling"},
    {"ReduceMin", "as ReduceMax, on the negated input (-max(-x))"},
    {"ReduceSum", "as ReduceMean, times the number of elements reduced"},
    {"ReduceSumSquare", "as ReduceSum, of x * x"},
    {"Relu", ""},
    {"Reshape", "the shape must be constant (shape arithmetic is folded)"},
    {"Shape", "static shapes: folded to a constant"},
    {"Sigmoid", ""},
    {"Slice", "constant data only (shape arithmetic, folded)"},
    {"Softmax", ""},
    {"Squeeze", "axes must be constant"},
    {"Sub", "numpy broadcasting; opset 6: legacy `broadcast`/`axis` "
            "(trailing axes only)"},
    {"Sum", "a chain of additions; numpy broadcasting"},
    {"Tanh", ""},
    {"Transpose", "folded away only: the identity, constants, moves of "
                  "size-1 axes (a reshape), and a Transpose undone by a later "
                  "one; any other use is an error (cnn has no transpose)"},
    {"Unsqueeze", "axes must be constant"},
};

/// Ops that CNN exports use and cnnc does not import, with the reason: the
/// second table of docs/onnx-ops.md. An op must not be in both tables.
static const struct {
  const char *opType;
  const char *reason;
} kNotSupported[] = {
    {"Erf", "no error function in the cnn dialect (PyTorch's exact GELU "
            "exports as Div, Erf, Add, Mul)"},
    {"Gelu", "no error function in the cnn dialect"},
    {"ReduceL2", "no square root in the cnn dialect"},
    {"Resize", "no resampling op in the cnn dialect"},
    {"Split", "no slicing of run-time tensors in the cnn dialect"},
    {"Sqrt", "no square root in the cnn dialect"},
    {"Upsample", "no resampling op in the cnn dialect"},
};

bool mlir::cnnc::printOnnxOpTable(llvm::raw_ostream &os) {
  os << "# ONNX operators supported by cnnc\n\n"
     << "<!-- Generated by `cnnc-onnx-import --list-ops` from the importer's "
        "op table\n"
     << "     (frontends/onnx/OpSchemas.cpp). Do not edit: regenerate with\n"
     << "       build/bin/cnnc-onnx-import --list-ops > docs/onnx-ops.md\n"
     << "     test/Frontends/onnx/onnx-ops-doc.test fails when this file is "
        "stale. -->\n\n"
     << "cnnc reads models of default-domain (`ai.onnx`) opsets " << kMinOpset
     << " to " << kMaxOpset
     << "; ops of other domains are not supported. All tensors are float32 "
        "with static shapes; integer tensors appear only in shape "
        "computations, which are folded at import time. A model with ops "
        "that are not listed here (or not in the listed opsets) is refused "
        "with one line per (domain, op, opset), giving its node count and "
        "first node.\n\n"
     << "*Opsets*: the model opsets in which cnnc imports the op. "
        "*Versions*: the versions of the op that it imports, named by the "
        "opset that introduced each; *not imported*: older versions that it "
        "refuses.\n\n"
     << "| Op | Domain | Opsets | Versions | Not imported | Notes |\n"
     << "|---|---|---|---|---|---|\n";
  std::vector<std::string> ops;
  for (const OpSchema &s : kSchemas)
    if (llvm::find(ops, s.opType) == ops.end())
      ops.push_back(s.opType);
  llvm::sort(ops);
  bool complete = true;
  for (const std::string &op : ops) {
    std::string imported, refused;
    int64_t firstOpset = 0;
    for (const OpSchema &s : kSchemas) {
      if (op != s.opType)
        continue;
      std::string &list = s.handler ? imported : refused;
      list += (list.empty() ? "" : ", ") + std::to_string(s.since);
      if (s.handler && !firstOpset)
        firstOpset = s.since;
      // "Opsets" below assumes that the refused versions are the oldest.
      if (!s.handler && firstOpset)
        complete = false;
    }
    StringRef notes;
    bool found = false;
    for (const auto &n : kOpNotes)
      if (op == n.opType) {
        notes = n.notes;
        found = true;
      }
    complete &= found;
    os << "| " << op << " | ai.onnx | " << firstOpset << "-" << kMaxOpset
       << " | " << imported << " | " << (refused.empty() ? "-" : refused)
       << " | " << (notes.empty() ? StringRef("-") : notes) << " |\n";
  }
  os << "\n## Not supported\n\n"
     << "Ops that CNN exports commonly hold and that cnnc does not import "
        "yet, and why.\n\n"
     << "| Op | Domain | Reason |\n"
     << "|---|---|---|\n";
  for (const auto &u : kNotSupported) {
    complete &= llvm::find(ops, u.opType) == ops.end();
    os << "| " << u.opType << " | ai.onnx | " << u.reason << " |\n";
  }
  return complete;
}
