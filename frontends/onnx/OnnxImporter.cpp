//===- OnnxImporter.cpp - ONNX model to cnn dialect -----------------------===//
//
// Reading the model (binary protobuf or ONNX textual syntax), the graph-level
// checks (opsets, initializers, graph inputs and outputs, node order) and the
// walk that hands each node to its op handler.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "cnnc/Dialect/CNN/IR/CNNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <onnx/defs/parser.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <tuple>

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;
using ::onnx::TensorProto;

/// Names of the optional outputs that cnnc does not compute, for messages.
static StringRef outputName(StringRef opType, unsigned i) {
  if (opType == "MaxPool" && i == 1)
    return "Indices";
  if (opType == "Dropout" && i == 1)
    return "mask";
  if (opType == "BatchNormalization") {
    static const char *names[] = {"Y", "running_mean", "running_var",
                                  "saved_mean", "saved_var"};
    if (i < 5)
      return names[i];
  }
  return "";
}

//===----------------------------------------------------------------------===//
// GraphImporter
//===----------------------------------------------------------------------===//

GraphImporter::GraphImporter(MLIRContext *ctx, StringRef path,
                             const OnnxImportOptions &options)
    : ctx(ctx), builder(ctx), path(path.str()),
      fileLoc(FileLineColLoc::get(ctx, path, 0, 0)), options(options) {}

LogicalResult GraphImporter::readOpsets(const ::onnx::ModelProto &model) {
  bool found = false;
  for (const auto &o : model.opset_import()) {
    std::string domain = o.domain();
    if (domain.empty() || domain == "ai.onnx") {
      domain.clear();
      if (found)
        return emitError(fileLoc) << "opset_import lists the default domain "
                                     "more than once";
      opset = o.version();
      found = true;
    }
    domainOpsets[domain] = o.version();
  }
  if (!found) {
    const auto &nodes = model.graph().node();
    bool onlyOtherDomains =
        !nodes.empty() && llvm::all_of(nodes, [](const auto &node) {
          return !node.domain().empty() && node.domain() != "ai.onnx";
        });
    if (model.ir_version() < 3 && model.opset_import_size() == 0) {
      // IR version < 3 predates opset_import and means opset 1.
      opset = 1;
      domainOpsets[""] = 1;
    } else if (onlyOtherDomains) {
      // The first node will be reported as an unsupported operator of its
      // domain, which says more than a missing opset would.
      return success();
    } else {
      return emitError(fileLoc)
             << "the model imports no opset of the default ONNX domain "
                "(opset_import has no entry for domain '')";
    }
  }
  return success();
}

LogicalResult GraphImporter::addInitializers(::onnx::GraphProto &graph) {
  if (graph.sparse_initializer_size() > 0)
    return emitError(fileLoc) << "sparse initializer '"
                              << graph.sparse_initializer(0).values().name()
                              << "' is not supported";
  for (TensorProto &t : *graph.mutable_initializer()) {
    if (t.name().empty())
      return emitError(fileLoc) << "the graph has an initializer without a "
                                   "name";
    if (env.count(t.name()))
      return emitError(fileLoc)
             << "initializer '" << t.name() << "' is defined twice";
    for (int64_t d : t.dims())
      if (d < 0 || d > kMaxDimension)
        return emitError(fileLoc)
               << "initializer '" << t.name() << "' has dimension " << d
               << ", outside [0, " << kMaxDimension << "]";
    if (t.dims_size() > (int)kMaxRank)
      return emitError(fileLoc) << "initializer '" << t.name() << "' has rank "
                                << t.dims_size() << "; cnnc supports tensors "
                                << "of rank up to " << kMaxRank;
    if (t.data_location() == TensorProto::EXTERNAL &&
        failed(loadExternalData(t)))
      return failure();
    if (failed(checkTensorData(t, fileLoc, "initializer '" + t.name() + "'")))
      return failure();
    auto e = std::make_shared<ValueEntry>();
    e->proto = &t;
    e->loc = NameLoc::get(StringAttr::get(ctx, t.name()), fileLoc);
    e->name = t.name();
    env[t.name()] = std::move(e);
  }
  return success();
}

FailureOr<RankedTensorType>
GraphImporter::inputType(const ::onnx::ValueInfoProto &vi) {
  const std::string &name = vi.name();
  if (!vi.type().has_tensor_type())
    return emitError(fileLoc) << "graph input '" << name << "' is not a tensor";
  const auto &tt = vi.type().tensor_type();
  if (tt.elem_type() != TensorProto::FLOAT)
    return emitError(fileLoc)
           << "graph input '" << name << "' has element type "
           << dataTypeName(tt.elem_type()) << "; cnnc supports float32";
  Type f32 = builder.getF32Type();

  // A shape given by the user replaces the declared one.
  auto it = options.inputShapes.find(name);
  if (it != options.inputShapes.end()) {
    ArrayRef<int64_t> shape = it->second;
    if (llvm::any_of(shape, [](int64_t d) { return d <= 0; }))
      return emitError(fileLoc)
             << "the shape " << shapeString(shape) << " given for graph input '"
             << name << "' has a non-positive dimension";
    if (tt.has_shape() && tt.shape().dim_size() != (int)shape.size())
      return emitError(fileLoc)
             << "the shape " << shapeString(shape) << " given for graph input '"
             << name << "' has rank " << shape.size()
             << " but the model declares rank " << tt.shape().dim_size();
    if (failed(checkTensorSize(
            shape, fileLoc, "the shape given for graph input '" + name + "'")))
      return failure();
    return RankedTensorType::get(shape, f32);
  }

  // The declared shape, for messages: symbolic dims by name, unknown as '?'.
  std::string declared = "[";
  std::string suggestion;
  for (int i = 0; i < (tt.has_shape() ? tt.shape().dim_size() : 0); ++i) {
    const auto &d = tt.shape().dim(i);
    std::string s = d.has_dim_value()   ? std::to_string(d.dim_value())
                    : d.has_dim_param() ? d.dim_param()
                                        : std::string("?");
    declared += (i ? "," : "") + s;
    suggestion += (i ? "x" : "") +
                  (d.has_dim_value() ? s : std::string(i == 0 ? "1" : "?"));
  }
  declared += "]";
  if (!tt.has_shape())
    return emitError(fileLoc)
           << "graph input '" << name
           << "' has no shape (unknown rank); give one with the input shape "
              "option (OnnxImportOptions::inputShapes, --input-shape "
           << name << "=1x3x224x224)";

  SmallVector<int64_t> shape;
  for (int i = 0; i < tt.shape().dim_size(); ++i) {
    const auto &d = tt.shape().dim(i);
    if (d.has_dim_value()) {
      if (d.dim_value() <= 0)
        return emitError(fileLoc)
               << "graph input '" << name
               << "' has a non-positive dimension (shape " << declared << ")";
      if (d.dim_value() > kMaxDimension)
        return emitError(fileLoc)
               << "graph input '" << name << "' has dimension " << d.dim_value()
               << " at index " << i << " (shape " << declared
               << "), above the limit " << kMaxDimension << " (2^31 - 1)";
      shape.push_back(d.dim_value());
      continue;
    }
    if (i == 0) {
      // The batch size: compile for batch 1 unless told otherwise.
      emitWarning(fileLoc) << "graph input '" << name
                           << "' has a symbolic batch dimension "
                           << (d.has_dim_param() ? "'" + d.dim_param() + "'"
                                                 : std::string("'?'"))
                           << " (shape " << declared
                           << "); assuming 1 (override with --input-shape "
                           << name << "=" << suggestion << ")";
      shape.push_back(1);
      continue;
    }
    return emitError(fileLoc)
           << "graph input '" << name << "' has an unknown dimension at index "
           << i << " (shape " << declared
           << "); give a static shape with the input shape option "
              "(OnnxImportOptions::inputShapes, --input-shape "
           << name << "=" << suggestion << ")";
  }
  if (failed(checkTensorSize(shape, fileLoc, "graph input '" + name + "'")))
    return failure();
  return RankedTensorType::get(shape, f32);
}

FailureOr<SmallVector<Type>>
GraphImporter::inputTypes(const ::onnx::GraphProto &graph,
                          SmallVector<std::string> &names) {
  // Check the names first: a misspelled --input-shape explains the errors
  // about unknown dimensions that would follow.
  llvm::StringSet<> seen;
  for (const auto &vi : graph.input()) {
    if (vi.name().empty())
      return emitError(fileLoc) << "the graph has an input without a name";
    if (!seen.insert(vi.name()).second)
      return emitError(fileLoc)
             << "graph input '" << vi.name() << "' is listed twice";
  }
  for (const auto &kv : options.inputShapes) {
    if (!seen.contains(kv.getKey()))
      return emitError(fileLoc) << "a shape is given for '" << kv.getKey()
                                << "', which is not a graph input";
    if (env.count(kv.getKey()))
      return emitError(fileLoc) << "a shape is given for '" << kv.getKey()
                                << "', which is an initializer (a constant), "
                                   "not a run-time input";
  }
  SmallVector<Type> types;
  for (const auto &vi : graph.input()) {
    // Inputs with an initializer are constants (ONNX IR >= 4 lists them as
    // overridable defaults; cnnc does not override weights at run time).
    if (env.count(vi.name()))
      continue;
    auto type = inputType(vi);
    if (failed(type))
      return failure();
    types.push_back(*type);
    names.push_back(vi.name());
  }
  return types;
}

Location GraphImporter::nodeLocation(const ::onnx::NodeProto &node, int index) {
  std::string name = node.name().empty()
                         ? node.op_type() + "_" + std::to_string(index)
                         : node.name();
  return NameLoc::get(StringAttr::get(ctx, name), fileLoc);
}

LogicalResult GraphImporter::importNode(::onnx::NodeProto &node, int index) {
  const std::string &opType = node.op_type();
  Location loc = nodeLocation(node, index);

  // Every error about this node says which node it is: its index, op type
  // and name (the location shows the name, or <OpType>_<index>).
  ScopedDiagnosticHandler noteNode(ctx, [&](Diagnostic &diag) {
    if (diag.getSeverity() == DiagnosticSeverity::Error)
      diag.attachNote(loc) << "in node #" << index << " (op type '" << opType
                           << "', "
                           << (node.name().empty()
                                   ? std::string("no name")
                                   : "name '" + node.name() + "'")
                           << ")";
    return failure(); // let the outer handler print it
  });

  for (const std::string &in : node.input()) {
    if (in.empty() || env.count(in))
      continue;
    if (producedByNodes.contains(in))
      return emitError(loc)
             << "graph nodes are not in topological order or "
                "form a cycle: "
             << opType << " node uses '" << in << "' before it is produced";
    return emitError(loc) << opType << " input '" << in
                          << "' is not produced by any node, initializer or "
                             "graph input";
  }

  StringRef domain = node.domain();
  if (!domain.empty() && domain != "ai.onnx") {
    auto diag = emitError(loc) << "unsupported operator '" << opType
                               << "' (domain '" << domain << "', ";
    auto it = domainOpsets.find(domain.str());
    if (it != domainOpsets.end())
      diag << "opset " << it->second << ")";
    else
      diag << "a domain the model does not import)";
    return diag;
  }
  auto handler = checkNode(node, opset, loc);
  if (failed(handler))
    return failure();

  for (const std::string &out : node.output())
    if (!out.empty() && env.count(out))
      return emitError(loc) << opType << " output '" << out
                            << "' is already defined (tensor names must be "
                               "unique in a graph)";

  OnnxNode n(*this, node, loc);
  if (failed((*handler)(n)))
    return failure();

  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &out = node.output(i);
    if (ValueEntry *e = out.empty() ? nullptr : lookup(out)) {
      SmallVector<int64_t> shape = getShape(*e);
      if (failed(checkTensorSize(shape, loc, opType + " output '" + out + "'")))
        return failure();
    }
    if (out.empty() || env.count(out) || !usedNames.contains(out))
      continue;
    StringRef what = outputName(opType, i);
    auto diag = emitError(loc) << opType << " output ";
    if (!what.empty())
      diag << "'" << what << "' ";
    else
      diag << "#" << i << " ";
    return diag << "(tensor '" << out
                << "') is used, but cnnc does not compute it";
  }
  return success();
}

LogicalResult
GraphImporter::checkOpsSupported(const ::onnx::GraphProto &graph) {
  // All unsupported ops at once: a user converting a model wants the whole
  // list, not one op per run. One entry per (domain, op, opset), sorted.
  struct Unsupported {
    std::string reason;
    int count = 0, first = -1;
  };
  std::map<std::tuple<std::string, std::string, int64_t>, Unsupported> found;
  int numNodes = 0;
  for (int i = 0; i < graph.node_size(); ++i) {
    const ::onnx::NodeProto &node = graph.node(i);
    std::string domain = node.domain() == "ai.onnx" ? "" : node.domain();
    std::string reason;
    int64_t version = opset;
    if (domain.empty()) {
      reason = unsupportedReason(node.op_type(), opset);
      if (reason.empty())
        continue;
    } else {
      auto it = domainOpsets.find(domain);
      version = it != domainOpsets.end() ? it->second : -1;
      reason = "unsupported operator '" + node.op_type() + "' (domain '" +
               domain + "', " +
               (version >= 0 ? "opset " + std::to_string(version) + ")"
                             : std::string("a domain the model does not "
                                           "import)"));
    }
    Unsupported &u = found[{domain, node.op_type(), version}];
    if (!u.count) {
      u.reason = std::move(reason);
      u.first = i;
    }
    ++u.count;
    ++numNodes;
  }
  if (found.empty())
    return success();

  // A hostile model may name thousands of ops: list a bounded number.
  constexpr size_t kMaxListed = 100;
  size_t listed = 0;
  for (const auto &entry : found) {
    if (listed++ == kMaxListed)
      break;
    const Unsupported &u = entry.second;
    const ::onnx::NodeProto &node = graph.node(u.first);
    Location loc = nodeLocation(node, u.first);
    std::string name = node.name().empty() ? std::string("no name")
                                           : "name '" + node.name() + "'";
    if (numNodes == 1) {
      // One node: the message and note of any other error about a node.
      auto diag = emitError(loc) << u.reason;
      diag.attachNote(loc) << "in node #" << u.first << " (op type '"
                           << node.op_type() << "', " << name << ")";
      continue;
    }
    emitError(loc) << u.reason << ": " << u.count
                   << (u.count == 1 ? " node, node #" : " nodes, the first #")
                   << u.first << " (" << name << ")";
  }
  if (numNodes > 1)
    emitError(fileLoc) << "the model uses " << found.size() << " operator"
                       << (found.size() == 1 ? "" : "s")
                       << " that cnnc does not import, in " << numNodes
                       << " nodes ("
                       << (found.size() > kMaxListed
                               ? "the first " + std::to_string(kMaxListed) +
                                     " listed above)"
                               : std::string("listed above)"));
  return failure();
}

LogicalResult GraphImporter::importNodes(::onnx::GraphProto &graph) {
  if (failed(checkOpsSupported(graph)))
    return failure();
  for (const auto &node : graph.node()) {
    for (const std::string &out : node.output())
      if (!out.empty())
        producedByNodes.insert(out);
    for (const std::string &in : node.input())
      if (!in.empty())
        usedNames.insert(in);
  }
  for (const auto &vi : graph.output())
    usedNames.insert(vi.name());
  for (int i = 0; i < graph.node_size(); ++i)
    if (failed(importNode(*graph.mutable_node(i), i)))
      return failure();
  return success();
}

FailureOr<SmallVector<Value>>
GraphImporter::collectOutputs(const ::onnx::GraphProto &graph) {
  if (graph.output_size() == 0)
    return emitError(fileLoc) << "the graph has no outputs";
  SmallVector<Value> results;
  for (const auto &vi : graph.output()) {
    const std::string &name = vi.name();
    if (!lookup(name))
      return emitError(fileLoc) << "graph output '" << name
                                << "' is not produced by any node, "
                                   "initializer or graph input";
    if (vi.type().has_tensor_type()) {
      int32_t et = vi.type().tensor_type().elem_type();
      if (et != TensorProto::UNDEFINED && et != TensorProto::FLOAT)
        return emitError(fileLoc)
               << "graph output '" << name << "' has element type "
               << dataTypeName(et) << "; cnnc supports float32";
    }
    auto v = getTensor(name, fileLoc, "graph output '" + name + "'");
    if (failed(v))
      return failure();
    results.push_back(*v);

    // A declared static shape that disagrees is worth a warning: either the
    // user changed an input shape or the model's annotation is stale.
    if (vi.type().has_tensor_type() && vi.type().tensor_type().has_shape()) {
      const auto &shape = vi.type().tensor_type().shape();
      ArrayRef<int64_t> ours = cast<RankedTensorType>(v->getType()).getShape();
      bool agrees = shape.dim_size() == (int)ours.size();
      std::string declared = "[";
      for (int i = 0; i < shape.dim_size(); ++i) {
        const auto &d = shape.dim(i);
        declared +=
            (i ? "," : "") + (d.has_dim_value() ? std::to_string(d.dim_value())
                                                : std::string("?"));
        agrees &= !d.has_dim_value() ||
                  (i < (int)ours.size() && d.dim_value() == ours[i]);
      }
      declared += "]";
      if (!agrees)
        emitWarning(fileLoc)
            << "graph output '" << name << "' is declared with shape "
            << declared << " but its computed shape is " << shapeString(ours);
    }
  }
  return results;
}

OwningOpRef<ModuleOp> GraphImporter::importModel(::onnx::ModelProto &model) {
  if (failed(readOpsets(model)) || failed(checkVersions(model)) ||
      failed(checkNames(model.graph())))
    return nullptr;
  if (options.entryName.empty()) {
    emitError(fileLoc) << "the entry function name is empty";
    return nullptr;
  }
  ::onnx::GraphProto &graph = *model.mutable_graph();
  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc);
  (*module)->setAttr("cnnc.model_name", builder.getStringAttr(graph.name()));
  (*module)->setAttr("cnnc.opset", builder.getI64IntegerAttr(opset));

  if (failed(addInitializers(graph)))
    return nullptr;
  SmallVector<std::string> argNames;
  auto argTypes = inputTypes(graph, argNames);
  if (failed(argTypes))
    return nullptr;

  builder.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder, fileLoc, options.entryName,
                                   builder.getFunctionType(*argTypes, {}));
  Block *body = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames)) {
    func.setArgAttr(i, "cnnc.name", builder.getStringAttr(name));
    auto e = std::make_shared<ValueEntry>();
    e->value = body->getArgument(i);
    e->name = name;
    env[name] = std::move(e);
  }

  builder.setInsertionPointToEnd(body);
  if (failed(importNodes(graph)))
    return nullptr;
  auto results = collectOutputs(graph);
  if (failed(results))
    return nullptr;
  func::ReturnOp::create(builder, fileLoc, *results);
  SmallVector<Type> resultTypes;
  for (Value v : *results)
    resultTypes.push_back(v.getType());
  func.setType(builder.getFunctionType(*argTypes, resultTypes));
  for (auto [i, vi] : llvm::enumerate(graph.output()))
    func.setResultAttr(i, "cnnc.name", builder.getStringAttr(vi.name()));

  // The handlers check every layer before building it; this catches what
  // would otherwise be an importer bug reaching later passes.
  if (failed(verify(*module)))
    return nullptr;
  return module;
}

//===----------------------------------------------------------------------===//
// Reading models
//===----------------------------------------------------------------------===//

/// Position of the first character that is not blank or in a `#` comment.
static size_t skipBlanks(StringRef bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    if (llvm::isSpace(bytes[i]))
      ++i;
    else if (bytes[i] == '#')
      i = bytes.find('\n', i);
    else
      break;
  }
  return std::min(i, bytes.size());
}

/// ONNX textual syntax starts, after blanks and `#` comments, with the model
/// header `<` or a graph name; binary ModelProtos start with a field tag.
static bool looksLikeText(StringRef bytes) {
  size_t i = skipBlanks(bytes);
  if (i >= bytes.size())
    return false;
  if (bytes[i] == '<')
    return true;
  if (!llvm::isAlpha(bytes[i]) && bytes[i] != '_')
    return false;
  return llvm::all_of(bytes.take_front(4096), [](char c) {
    return llvm::isPrint(c) || llvm::isSpace(c);
  });
}

static LogicalResult parseText(MLIRContext *ctx, StringRef bytes,
                               StringRef name, ::onnx::ModelProto &model) {
  Location fileLoc = FileLineColLoc::get(ctx, name, 0, 0);
  if (skipBlanks(bytes) >= bytes.size())
    return emitError(fileLoc) << "cannot parse ONNX textual syntax: the file "
                                 "holds no model";
  std::string text = bytes.str();
  ::onnx::Common::Status status;
  // The parser converts numbers with std::stol and friends, which throw.
  try {
    status = ::onnx::OnnxParser::Parse(model, text.c_str());
  } catch (const std::out_of_range &) {
    return emitError(fileLoc)
           << "cannot parse ONNX textual syntax: a number is out of range";
  } catch (const std::exception &e) {
    return emitError(fileLoc)
           << "cannot parse ONNX textual syntax: " << e.what();
  }
  if (status.IsOK())
    return success();
  // The parser reports "[ParseError at position (line: L column: C)]\n
  // Error context: ...\n<reason>".
  std::string msg = status.ErrorMessage();
  unsigned line = 0, col = 0;
  size_t at = msg.find("(line: ");
  if (at != std::string::npos)
    sscanf(msg.c_str() + at, "(line: %u column: %u)", &line, &col);
  SmallVector<StringRef> lines;
  StringRef(msg).split(lines, '\n', -1, /*KeepEmpty=*/false);
  std::string reason = lines.empty() ? msg : lines.back().trim().str();
  std::string context;
  for (StringRef l : lines)
    if (l.consume_front("Error context:"))
      context = l.trim().str();
  auto diag = emitError(FileLineColLoc::get(ctx, name, line, col))
              << "cannot parse ONNX textual syntax: " << reason;
  if (!context.empty())
    diag << " (near '" << context << "')";
  return diag;
}

static LogicalResult parseModel(MLIRContext *ctx, StringRef bytes,
                                StringRef name, bool text,
                                ::onnx::ModelProto &model) {
  Location loc = FileLineColLoc::get(ctx, name, 0, 0);
  if (text || looksLikeText(bytes))
    return parseText(ctx, bytes, name, model);
  if (bytes.size() > (size_t)INT_MAX)
    return emitError(loc) << "the model is larger than 2 GiB; store its "
                             "weights as ONNX external data";
  if (!model.ParseFromArray(bytes.data(), (int)bytes.size()) ||
      !model.has_graph())
    return emitError(loc)
           << "cannot parse ONNX model (truncated or not an ONNX file)";
  return success();
}

static void loadDialects(MLIRContext *ctx) {
  ctx->loadDialect<cnn::CNNDialect, func::FuncDialect, arith::ArithDialect>();
}

/// Runs `fn`, turning any exception (protobuf, onnx, allocation) into an
/// error: nothing may escape into MLIR, which is built without exceptions.
template <typename Fn>
static OwningOpRef<ModuleOp> guarded(MLIRContext *ctx, StringRef name,
                                     Fn &&fn) {
  try {
    return fn();
  } catch (const std::exception &e) {
    emitError(FileLineColLoc::get(ctx, name, 0, 0))
        << "internal error while importing the ONNX model: " << e.what();
  } catch (...) {
    emitError(FileLineColLoc::get(ctx, name, 0, 0))
        << "internal error while importing the ONNX model";
  }
  return nullptr;
}

OwningOpRef<ModuleOp>
mlir::cnnc::importOnnxBuffer(MLIRContext *ctx, StringRef bytes,
                             StringRef bufferName,
                             const OnnxImportOptions &options) {
  loadDialects(ctx);
  return guarded(ctx, bufferName, [&]() -> OwningOpRef<ModuleOp> {
    ::onnx::ModelProto model;
    if (failed(parseModel(ctx, bytes, bufferName,
                          bufferName.ends_with(".onnxtxt"), model)))
      return nullptr;
    GraphImporter importer(ctx, bufferName, options);
    return importer.importModel(model);
  });
}

OwningOpRef<ModuleOp>
mlir::cnnc::importOnnxFile(MLIRContext *ctx, StringRef path,
                           const OnnxImportOptions &options) {
  loadDialects(ctx);
  return guarded(ctx, path, [&]() -> OwningOpRef<ModuleOp> {
    Location loc = FileLineColLoc::get(ctx, path, 0, 0);
    auto cannotRead = [&](const std::string &why) -> OwningOpRef<ModuleOp> {
      emitError(loc) << "cannot read ONNX model '" << path << "': " << why;
      return nullptr;
    };
    if (llvm::sys::fs::is_directory(path))
      return cannotRead("it is a directory");
    std::ifstream in(path.str(), std::ios::binary);
    if (!in)
      return cannotRead(std::strerror(errno));
    char head[4096];
    in.read(head, sizeof(head));
    bool text = path.ends_with(".onnxtxt") ||
                looksLikeText(StringRef(head, in.gcount()));
    in.clear();
    in.seekg(0);

    ::onnx::ModelProto model;
    if (text) {
      std::string bytes((std::istreambuf_iterator<char>(in)),
                        std::istreambuf_iterator<char>());
      if (failed(parseText(ctx, bytes, path, model)))
        return nullptr;
    } else if (!model.ParseFromIstream(&in) || !model.has_graph()) {
      // Streamed, so that the file and the parsed proto are not both in
      // memory: weights dominate the size of a model.
      emitError(loc)
          << "cannot parse ONNX model (truncated or not an ONNX file)";
      return nullptr;
    }
    in.close();
    GraphImporter importer(ctx, path, options);
    return importer.importModel(model);
  });
}
