//===- ModelChecks.cpp - model-level validation and external data ---------===//
//
// What the ONNX checker and onnxruntime refuse before looking at any op:
// IR versions and opsets out of range, names with NUL bytes, two nodes with
// one name, a tensor name defined twice; the size limits on tensors; and the
// reading of external tensor data, which must stay inside the model's
// folder (no absolute paths, no `..`, no symbolic links leading out) and
// match the tensor's size exactly.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::cnnc;
using namespace mlir::cnnc::onnx_import;
using ::onnx::TensorProto;

/// IR versions accepted: 3 (the first with opset_import) to 14 (ONNX 1.23;
/// onnx.helper.make_model writes the newest by default). IR 1 and 2 mean
/// opset 1 and may not import opsets.
static constexpr int64_t kMinIrVersion = 1, kMaxIrVersion = 14;

/// `name` for a message, with NUL bytes written as \0.
static std::string printable(StringRef name) {
  std::string s;
  for (char c : name) {
    if (c == '\0')
      s += "\\0";
    else
      s.push_back(c);
  }
  return s;
}

LogicalResult mlir::cnnc::onnx_import::checkTensorSize(ArrayRef<int64_t> shape,
                                                       Location loc,
                                                       const Twine &what) {
  if (shape.size() > kMaxRank)
    return emitError(loc) << what << " has rank " << shape.size()
                          << "; cnnc supports tensors of rank up to "
                          << kMaxRank;
  for (int64_t d : shape)
    if (d > kMaxDimension)
      return emitError(loc) << what << " of shape " << shapeString(shape)
                            << " has a dimension above the limit "
                            << kMaxDimension << " (2^31 - 1)";
  std::optional<int64_t> n = numElementsOf(shape);
  int64_t bytes;
  if (!n || llvm::MulOverflow(*n, int64_t(4), bytes) || bytes > kMaxTensorBytes)
    return emitError(loc) << what << " of shape " << shapeString(shape)
                          << " would take more than " << (kMaxTensorBytes >> 30)
                          << " GiB; cnnc refuses tensors that large";
  return success();
}

LogicalResult GraphImporter::checkVersions(const ::onnx::ModelProto &model) {
  int64_t ir = model.ir_version();
  if (!model.has_ir_version() || ir == 0)
    return emitError(fileLoc) << "the model does not set ir_version";
  if (ir < kMinIrVersion || ir > kMaxIrVersion)
    return emitError(fileLoc)
           << "the model's ir_version " << ir << " is not supported (cnnc "
           << "reads ONNX IR versions " << kMinIrVersion << " to "
           << kMaxIrVersion << ")";
  if (ir < 3 && model.opset_import_size() > 0)
    return emitError(fileLoc) << "a model of ir_version " << ir
                              << " cannot import opsets (opset_import "
                                 "appeared in IR version 3)";
  // A model that imports only other domains has no default-domain opset;
  // its first node is reported as an unsupported operator.
  if (domainOpsets.count("") && (opset < kMinOpset || opset > kMaxOpset))
    return emitError(fileLoc) << "default-domain opset " << opset
                              << " is not supported (cnnc supports opsets "
                              << kMinOpset << " to " << kMaxOpset << ")";
  return success();
}

/// Errors when `name` holds a NUL byte; `what` says what it names.
static LogicalResult checkName(StringRef name, Location loc,
                               const Twine &what) {
  if (!name.contains('\0'))
    return success();
  return emitError(loc) << what << " '" << printable(name)
                        << "' holds a NUL byte";
}

LogicalResult GraphImporter::checkNames(const ::onnx::GraphProto &graph) {
  if (failed(checkName(graph.name(), fileLoc, "the graph name")))
    return failure();
  // Every tensor name is defined once: by a graph input, an initializer
  // (which may also be listed as an input, its default) or a node output.
  llvm::StringSet<> defined;
  for (const auto &vi : graph.input()) {
    if (failed(checkName(vi.name(), fileLoc, "graph input")))
      return failure();
    defined.insert(vi.name());
  }
  for (const auto &vi : graph.output())
    if (failed(checkName(vi.name(), fileLoc, "graph output")))
      return failure();
  for (const auto &vi : graph.value_info())
    if (failed(checkName(vi.name(), fileLoc, "value_info entry")))
      return failure();
  for (const auto &t : graph.initializer()) {
    if (failed(checkName(t.name(), fileLoc, "initializer")))
      return failure();
    defined.insert(t.name());
  }
  llvm::StringMap<int> nodeNames;
  for (int i = 0; i < graph.node_size(); ++i) {
    const auto &node = graph.node(i);
    // A name with a NUL byte cannot be a location.
    Location loc = node.name().find('\0') == std::string::npos
                       ? nodeLocation(node, i)
                       : fileLoc;
    std::string which =
        "node #" + std::to_string(i) + " (" + printable(node.op_type()) + ")";
    if (failed(checkName(node.name(), loc, which + " name")) ||
        failed(checkName(node.op_type(), loc, which + " op type")) ||
        failed(checkName(node.domain(), loc, which + " domain")))
      return failure();
    if (node.op_type().empty())
      return emitError(loc) << "node #" << i << " has no op_type";
    if (!node.name().empty()) {
      auto [it, inserted] = nodeNames.try_emplace(node.name(), i);
      if (!inserted)
        return emitError(loc) << "nodes #" << it->second << " and #" << i
                              << " have the same name '" << node.name()
                              << "' (node names must be unique in a graph)";
    }
    for (const std::string &in : node.input())
      if (failed(checkName(in, loc, which + " input")))
        return failure();
    for (const std::string &out : node.output()) {
      if (failed(checkName(out, loc, which + " output")))
        return failure();
      if (!out.empty() && !defined.insert(out).second)
        return emitError(loc)
               << node.op_type() << " node #" << i << " output '" << out
               << "' is already defined (by a graph input, an initializer or "
                  "another output; tensor names must be unique in a graph)";
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// External data
//===----------------------------------------------------------------------===//

LogicalResult GraphImporter::loadExternalData(TensorProto &t) {
  std::string what = "initializer '" + t.name() + "'";
  std::string location;
  std::optional<int64_t> offset, length;
  llvm::StringSet<> keys;
  for (const auto &kv : t.external_data()) {
    if (!keys.insert(kv.key()).second)
      return emitError(fileLoc) << what << " gives external data key '"
                                << printable(kv.key()) << "' twice";
    if (kv.key() == "location") {
      location = kv.value();
    } else if (kv.key() == "offset" || kv.key() == "length") {
      int64_t v;
      if (StringRef(kv.value()).getAsInteger(10, v) || v < 0)
        return emitError(fileLoc)
               << what << " has an invalid external " << kv.key() << " '"
               << printable(kv.value()) << "'";
      (kv.key() == "offset" ? offset : length) = v;
    }
  }

  // The location is a relative path inside the model's folder.
  if (location.empty())
    return emitError(fileLoc) << what
                              << " has external data without a "
                                 "location";
  if (failed(checkName(location, fileLoc, what + " external data location")))
    return failure();
  auto refuse = [&](const Twine &why) {
    return emitError(fileLoc) << what << " has external data location '"
                              << location << "', " << why
                              << "; external data must be a file inside the "
                                 "model's folder";
  };
  if (llvm::sys::path::is_absolute(location, llvm::sys::path::Style::posix) ||
      llvm::sys::path::is_absolute(location, llvm::sys::path::Style::windows))
    return refuse("an absolute path");
  SmallVector<StringRef> parts;
  StringRef(location).split(parts, '/');
  SmallVector<StringRef> all;
  for (StringRef p : parts)
    p.split(all, '\\');
  if (llvm::is_contained(all, ".."))
    return refuse("which has a '..' component");

  // Symbolic links may still lead out: compare the real paths.
  SmallString<256> dir(llvm::sys::path::parent_path(path));
  if (dir.empty())
    dir = ".";
  SmallString<256> realDir, realFile, file(dir);
  if (std::error_code ec = llvm::sys::fs::real_path(dir, realDir))
    return emitError(fileLoc) << "cannot read external data of " << what
                              << ": cannot resolve the model's folder '" << dir
                              << "': " << ec.message();
  llvm::sys::path::append(file, location);
  if (std::error_code ec = llvm::sys::fs::real_path(file, realFile))
    return emitError(fileLoc) << "cannot read external data of " << what
                              << " from '" << file << "': " << ec.message();
  SmallString<256> prefix(realDir);
  if (!prefix.ends_with("/"))
    prefix += "/";
  if (!realFile.str().starts_with(prefix))
    return refuse("which resolves to '" + realFile +
                  "', outside the model's folder '" + realDir + "'");
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(realFile, status))
    return emitError(fileLoc) << "cannot read external data of " << what
                              << " from '" << file << "': " << ec.message();
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return refuse("which is not a regular file");
  uint64_t fileSize = status.getSize();

  // The slice must lie in the file and hold exactly the tensor's bytes.
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  std::optional<int64_t> count = numElementsOf(dims);
  int64_t elementSize = elementByteSize(t.data_type());
  int64_t need;
  if (!count || elementSize == 0 ||
      llvm::MulOverflow(*count, elementSize, need))
    return emitError(fileLoc) << what << " of shape " << shapeString(dims)
                              << " and type " << dataTypeName(t.data_type())
                              << " cannot be read from external data";
  if (need > kMaxTensorBytes)
    return emitError(fileLoc)
           << what << " of shape " << shapeString(dims) << " takes " << need
           << " bytes, more than " << (kMaxTensorBytes >> 30)
           << " GiB; cnnc refuses tensors that large";
  int64_t start = offset.value_or(0);
  if ((uint64_t)start > fileSize)
    return emitError(fileLoc) << what << " has external data offset " << start
                              << " past the end of '" << location << "' ("
                              << fileSize << " bytes)";
  uint64_t available = fileSize - start;
  if (length && *length != need)
    return emitError(fileLoc)
           << what << " has external data length " << *length
           << " but its shape " << shapeString(dims) << " of "
           << dataTypeName(t.data_type()) << " needs " << need << " bytes";
  if (length ? (uint64_t)need > available : (uint64_t)need != available)
    return emitError(fileLoc)
           << what << " needs " << need << " bytes of external data but '"
           << location << "' holds " << available << " bytes after offset "
           << start;

  auto buf = llvm::MemoryBuffer::getFileSlice(realFile, need, start,
                                              /*IsVolatile=*/false);
  if (!buf)
    return emitError(fileLoc)
           << "cannot read external data of " << what << " from '" << file
           << "': " << buf.getError().message();
  StringRef bytes = (*buf)->getBuffer();
  t.set_raw_data(bytes.data(), bytes.size());
  t.clear_external_data();
  t.set_data_location(TensorProto::DEFAULT);
  return success();
}
