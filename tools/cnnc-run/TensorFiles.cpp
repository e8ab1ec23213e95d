//===- TensorFiles.cpp - host tensors and .npy / .pb file I/O -------------===//
//
// Readers are strict on purpose: a silently misread input (wrong byte order,
// Fortran order, a truncated file padded with garbage) would show up later as
// a "wrong result" of the compiled model, which is much harder to trace.
//
//===----------------------------------------------------------------------===//

#include "TensorFiles.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "cnnc-run reads little-endian tensor files into host memory directly"
#endif

namespace cnnc_run {

//===----------------------------------------------------------------------===//
// HostTensor
//===----------------------------------------------------------------------===//

HostTensor::HostTensor(int32_t dtypeIn, std::vector<int64_t> shapeIn)
    : dtype(dtypeIn), shape(std::move(shapeIn)) {
  size_t elementSize = cnnrt_dtype_size(dtype);
  if (elementSize == 0)
    throw TensorFileError("unsupported element type " + std::to_string(dtype));
  size_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      throw TensorFileError("negative dimension in shape " +
                            formatShape(shape));
    if (__builtin_mul_overflow(count, static_cast<size_t>(dim), &count))
      throw TensorFileError("shape " + formatShape(shape) + " is too large");
  }
  size_t bytes;
  if (__builtin_mul_overflow(count, elementSize, &bytes) ||
      bytes > SIZE_MAX - 64)
    throw TensorFileError("shape " + formatShape(shape) + " is too large");
  numElements = count;
  // aligned_alloc wants a multiple of the alignment; never ask for 0 bytes so
  // that even an empty tensor has a non-NULL data pointer.
  size_t allocBytes = (bytes + 63) / 64 * 64;
  if (allocBytes == 0)
    allocBytes = 64;
  data.reset(std::aligned_alloc(64, allocBytes));
  if (!data)
    throw TensorFileError("out of memory allocating " + std::to_string(bytes) +
                          " bytes for a tensor of shape " + formatShape(shape));
  std::memset(data.get(), 0, allocBytes);
}

double HostTensor::at(size_t i) const {
  if (dtype == CNNRT_DTYPE_I64)
    return static_cast<double>(static_cast<const int64_t *>(getData())[i]);
  return static_cast<double>(getF32()[i]);
}

cnnrt_tensor HostTensor::getDescriptor() {
  cnnrt_tensor t;
  t.data = getData();
  t.dtype = dtype;
  t.rank = static_cast<int32_t>(shape.size());
  t.shape = shape.data();
  t.strides = nullptr;
  return t;
}

std::string formatShape(const int64_t *shape, int32_t rank) {
  std::string s = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i)
      s += ",";
    s += std::to_string(shape[i]);
  }
  return s + "]";
}

std::string formatShape(const std::vector<int64_t> &shape) {
  return formatShape(shape.data(), static_cast<int32_t>(shape.size()));
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

/// Bytes of float32 data a file must hold for `shape`, checked for overflow
/// before anything is allocated: a corrupt header must not trigger a huge
/// allocation.
static size_t requiredF32Bytes(const std::vector<int64_t> &shape,
                               const std::string &what) {
  size_t bytes = sizeof(float);
  for (int64_t dim : shape) {
    if (dim < 0)
      throw TensorFileError(what + ": negative dimension in shape " +
                            formatShape(shape));
    if (__builtin_mul_overflow(bytes, static_cast<size_t>(dim), &bytes))
      throw TensorFileError(what + ": shape " + formatShape(shape) +
                            " is too large");
  }
  return bytes;
}

static std::string readWholeFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw TensorFileError("cannot open '" + path +
                          "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad())
    throw TensorFileError("cannot read '" + path + "'");
  return contents.str();
}

static bool endsWith(const std::string &s, const std::string &suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

HostTensor readTensorFile(const std::string &path) {
  if (endsWith(path, ".npy"))
    return readNpy(path);
  if (endsWith(path, ".pb"))
    return readTensorProto(path);
  throw TensorFileError("'" + path +
                        "': unknown tensor file type (expected .npy or .pb)");
}

namespace {

/// Parser for the Python dict literal in a .npy header, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }`.
class NpyHeaderParser {
public:
  NpyHeaderParser(const std::string &textIn, const std::string &pathIn)
      : text(textIn), path(pathIn) {}

  void parse(std::string &descr, bool &fortranOrder,
             std::vector<int64_t> &shape) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    expect('{');
    while (true) {
      skipSpace();
      if (peek() == '}')
        break;
      std::string key = parseString();
      expect(':');
      skipSpace();
      if (key == "descr") {
        descr = parseString();
        haveDescr = true;
      } else if (key == "fortran_order") {
        fortranOrder = parseBool();
        haveOrder = true;
      } else if (key == "shape") {
        shape = parseTuple();
        haveShape = true;
      } else {
        fail("unexpected key '" + key + "'");
      }
      skipSpace();
      if (peek() == ',') {
        ++pos;
        continue;
      }
      skipSpace();
      if (peek() != '}')
        fail("expected ',' or '}'");
    }
    if (!haveDescr || !haveOrder || !haveShape)
      fail("missing 'descr', 'fortran_order' or 'shape'");
  }

private:
  [[noreturn]] void fail(const std::string &why) const {
    throw TensorFileError("'" + path + "': malformed .npy header (" + why +
                          "): " + text);
  }
  char peek() const { return pos < text.size() ? text[pos] : '\0'; }
  void skipSpace() {
    while (pos < text.size() &&
           (text[pos] == ' ' || text[pos] == '\t' || text[pos] == '\n'))
      ++pos;
  }
  void expect(char c) {
    skipSpace();
    if (peek() != c)
      fail(std::string("expected '") + c + "'");
    ++pos;
  }
  std::string parseString() {
    skipSpace();
    char quote = peek();
    if (quote != '\'' && quote != '"')
      fail("expected a string");
    size_t end = text.find(quote, pos + 1);
    if (end == std::string::npos)
      fail("unterminated string");
    std::string s = text.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    return s;
  }
  bool parseBool() {
    if (text.compare(pos, 4, "True") == 0) {
      pos += 4;
      return true;
    }
    if (text.compare(pos, 5, "False") == 0) {
      pos += 5;
      return false;
    }
    fail("expected True or False");
  }
  std::vector<int64_t> parseTuple() {
    std::vector<int64_t> dims;
    expect('(');
    while (true) {
      skipSpace();
      if (peek() == ')') {
        ++pos;
        return dims;
      }
      if (peek() < '0' || peek() > '9')
        fail("expected a non-negative dimension");
      int64_t dim = 0;
      while (peek() >= '0' && peek() <= '9') {
        if (__builtin_mul_overflow(dim, 10, &dim) ||
            __builtin_add_overflow(dim, peek() - '0', &dim))
          fail("dimension too large");
        ++pos;
      }
      dims.push_back(dim);
      skipSpace();
      if (peek() == ',')
        ++pos;
      else if (peek() != ')')
        fail("expected ',' or ')' in shape");
    }
  }

  const std::string &text;
  const std::string &path;
  size_t pos = 0;
};

} // namespace

HostTensor readNpy(const std::string &path) {
  return parseNpy(readWholeFile(path), path);
}

HostTensor parseNpy(const std::string &bytes, const std::string &path) {
  static const char kMagic[] = "\x93NUMPY";
  if (bytes.size() < 10 || bytes.compare(0, 6, kMagic, 6) != 0)
    throw TensorFileError("'" + path + "' is not a .npy file (bad magic)");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  unsigned minor = static_cast<unsigned char>(bytes[7]);
  size_t headerLen, headerStart;
  auto byteAt = [&](size_t i) {
    return static_cast<size_t>(static_cast<unsigned char>(bytes[i]));
  };
  if (major == 1) {
    headerLen = byteAt(8) | byteAt(9) << 8;
    headerStart = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12)
      throw TensorFileError("'" + path + "': truncated .npy header");
    headerLen =
        byteAt(8) | byteAt(9) << 8 | byteAt(10) << 16 | byteAt(11) << 24;
    headerStart = 12;
  } else {
    throw TensorFileError("'" + path + "': unsupported .npy format version " +
                          std::to_string(major) + "." + std::to_string(minor));
  }
  if (headerLen > bytes.size() - headerStart)
    throw TensorFileError("'" + path + "': truncated .npy header");

  std::string header = bytes.substr(headerStart, headerLen);
  while (!header.empty() && (header.back() == '\n' || header.back() == ' ' ||
                             header.back() == '\0'))
    header.pop_back();
  std::string descr;
  bool fortranOrder = false;
  std::vector<int64_t> shape;
  NpyHeaderParser(header, path).parse(descr, fortranOrder, shape);

  if (descr != "<f4")
    throw TensorFileError("'" + path + "': unsupported .npy dtype '" + descr +
                          "' (only little-endian float32 '<f4' is supported; "
                          "convert with arr.astype(np.float32))");
  if (fortranOrder)
    throw TensorFileError(
        "'" + path +
        "': Fortran-order .npy arrays are not supported (save a C-order "
        "array, e.g. np.ascontiguousarray(arr))");

  size_t needed = requiredF32Bytes(shape, "'" + path + "'");
  size_t dataStart = headerStart + headerLen;
  size_t available = bytes.size() - dataStart;
  if (available < needed)
    throw TensorFileError(
        "'" + path + "': truncated .npy data: shape " + formatShape(shape) +
        " needs " + std::to_string(needed) + " bytes but the file holds " +
        std::to_string(available));
  if (available > needed)
    throw TensorFileError(
        "'" + path + "': " + std::to_string(available - needed) +
        " unexpected bytes after the data of shape " + formatShape(shape));
  HostTensor tensor(CNNRT_DTYPE_F32, shape);
  if (tensor.getNumBytes())
    std::memcpy(tensor.getData(), bytes.data() + dataStart,
                tensor.getNumBytes());
  return tensor;
}

HostTensor readTensorProto(const std::string &path) {
  return parseTensorProto(readWholeFile(path), path);
}

HostTensor parseTensorProto(const std::string &bytes, const std::string &path) {
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes))
    throw TensorFileError("'" + path + "' is not a valid ONNX TensorProto");
  std::string what = "'" + path + "'";
  if (!proto.name().empty())
    what += " (tensor '" + proto.name() + "')";

  if (proto.data_type() != onnx::TensorProto::FLOAT) {
    std::string typeName =
        onnx::TensorProto::DataType_IsValid(proto.data_type())
            ? onnx::TensorProto::DataType_Name(
                  static_cast<onnx::TensorProto::DataType>(proto.data_type()))
            : std::to_string(proto.data_type());
    throw TensorFileError(what + ": unsupported data type " + typeName +
                          " (only FLOAT is supported)");
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL)
    throw TensorFileError(what + ": external data is not supported");
  if (proto.has_segment())
    throw TensorFileError(what + ": segmented tensors are not supported");

  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  size_t needed = requiredF32Bytes(shape, what);
  if (!proto.raw_data().empty()) {
    if (proto.raw_data().size() != needed)
      throw TensorFileError(what + ": raw_data holds " +
                            std::to_string(proto.raw_data().size()) +
                            " bytes but shape " + formatShape(shape) +
                            " needs " + std::to_string(needed));
    HostTensor tensor(CNNRT_DTYPE_F32, shape);
    std::memcpy(tensor.getData(), proto.raw_data().data(), needed);
    return tensor;
  }
  size_t count = needed / sizeof(float);
  if (static_cast<size_t>(proto.float_data_size()) != count)
    throw TensorFileError(what + ": float_data holds " +
                          std::to_string(proto.float_data_size()) +
                          " values but shape " + formatShape(shape) +
                          " needs " + std::to_string(count));
  HostTensor tensor(CNNRT_DTYPE_F32, shape);
  std::copy(proto.float_data().begin(), proto.float_data().end(),
            tensor.getF32());
  return tensor;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

void writeNpy(const std::string &path, const HostTensor &tensor) {
  std::string shapeText = "(";
  const std::vector<int64_t> &shape = tensor.getShape();
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      shapeText += ", ";
    shapeText += std::to_string(shape[i]);
  }
  if (shape.size() == 1)
    shapeText += ",";
  shapeText += ")";
  std::string descr = tensor.getDtype() == CNNRT_DTYPE_I64 ? "<i8" : "<f4";
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shapeText +
                       ", }";
  // numpy pads the header with spaces and a final newline so that the data
  // starts on a 64-byte boundary.
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  if (header.size() > 0xffff)
    throw TensorFileError("'" + path + "': shape too long for a .npy header");

  std::FILE *file = std::fopen(path.c_str(), "wb");
  if (!file)
    throw TensorFileError("cannot write '" + path +
                          "': " + std::strerror(errno));
  unsigned char prefix[10] = {0x93,
                              'N',
                              'U',
                              'M',
                              'P',
                              'Y',
                              1,
                              0,
                              static_cast<unsigned char>(header.size() & 0xff),
                              static_cast<unsigned char>(header.size() >> 8)};
  bool ok =
      std::fwrite(prefix, 1, sizeof(prefix), file) == sizeof(prefix) &&
      std::fwrite(header.data(), 1, header.size(), file) == header.size() &&
      std::fwrite(tensor.getData(), 1, tensor.getNumBytes(), file) ==
          tensor.getNumBytes();
  ok = std::fclose(file) == 0 && ok;
  if (!ok)
    throw TensorFileError("error writing '" + path + "'");
}

} // namespace cnnc_run
