//===- HostTensor.cpp - ONNX tensor data on the host ----------------------===//
//
// Validation and decoding of TensorProto data (initializers, Constant nodes)
// and the host-side tensors that shape computations are folded on. ONNX
// raw_data is little endian whatever the host.
//
//===----------------------------------------------------------------------===//

#include "ImportContext.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::cnnc::onnx_import;
using ::onnx::TensorProto;

bool HostTensor::isFloat() const { return isHostFloatDataType(dataType); }

int64_t HostTensor::numElements() const {
  return isFloat() ? (int64_t)floats.size() : (int64_t)ints.size();
}

double HostTensor::getDouble(int64_t i) const {
  return isFloat() ? (double)floats[i] : (double)ints[i];
}

int64_t mlir::cnnc::onnx_import::saturatingToInt64(double v) {
  // Out-of-range float-to-int conversions are undefined in C++.
  if (std::isnan(v))
    return 0;
  if (v >= 9223372036854775807.0)
    return std::numeric_limits<int64_t>::max();
  if (v <= -9223372036854775808.0)
    return std::numeric_limits<int64_t>::min();
  return (int64_t)v;
}

int64_t HostTensor::getInt(int64_t i) const {
  return isFloat() ? saturatingToInt64(floats[i]) : ints[i];
}

HostTensor HostTensor::fromInts(ArrayRef<int64_t> shape, std::vector<int64_t> v,
                                int32_t dataType) {
  HostTensor t;
  t.dataType = dataType;
  t.shape.assign(shape.begin(), shape.end());
  t.ints = std::move(v);
  return t;
}

HostTensor HostTensor::fromFloats(ArrayRef<int64_t> shape, std::vector<float> v,
                                  int32_t dataType) {
  HostTensor t;
  t.dataType = dataType;
  t.shape.assign(shape.begin(), shape.end());
  t.floats = std::move(v);
  return t;
}

std::string mlir::cnnc::onnx_import::dataTypeName(int32_t dataType) {
  if (TensorProto::DataType_IsValid(dataType))
    return TensorProto::DataType_Name(
        static_cast<TensorProto::DataType>(dataType));
  return "data type " + std::to_string(dataType);
}

bool mlir::cnnc::onnx_import::isIntegerDataType(int32_t dataType) {
  switch (dataType) {
  case TensorProto::INT8:
  case TensorProto::INT16:
  case TensorProto::INT32:
  case TensorProto::INT64:
  case TensorProto::UINT8:
  case TensorProto::UINT16:
  case TensorProto::UINT32:
  case TensorProto::UINT64:
  case TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

bool mlir::cnnc::onnx_import::isHostFloatDataType(int32_t dataType) {
  return dataType == TensorProto::FLOAT || dataType == TensorProto::DOUBLE;
}

std::string mlir::cnnc::onnx_import::shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleave(shape, os, ",");
  os << "]";
  return s;
}

std::optional<int64_t>
mlir::cnnc::onnx_import::numElementsOf(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0 || llvm::MulOverflow(n, d, n))
      return std::nullopt;
  }
  return n;
}

int64_t mlir::cnnc::onnx_import::elementByteSize(int32_t dataType) {
  switch (dataType) {
  case TensorProto::UINT8:
  case TensorProto::INT8:
  case TensorProto::BOOL:
    return 1;
  case TensorProto::UINT16:
  case TensorProto::INT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::FLOAT:
  case TensorProto::INT32:
  case TensorProto::UINT32:
    return 4;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 8;
  case TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// The typed field that holds elements of `dataType` when raw_data is not
/// used, with its element count (complex types count two per element).
static std::pair<const char *, int64_t> typedField(const TensorProto &t) {
  switch (t.data_type()) {
  case TensorProto::FLOAT:
    return {"float_data", t.float_data_size()};
  case TensorProto::COMPLEX64:
    return {"float_data", t.float_data_size() / 2};
  case TensorProto::INT32:
  case TensorProto::INT16:
  case TensorProto::INT8:
  case TensorProto::UINT16:
  case TensorProto::UINT8:
  case TensorProto::BOOL:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return {"int32_data", t.int32_data_size()};
  case TensorProto::INT64:
    return {"int64_data", t.int64_data_size()};
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return {"uint64_data", t.uint64_data_size()};
  case TensorProto::DOUBLE:
    return {"double_data", t.double_data_size()};
  case TensorProto::COMPLEX128:
    return {"double_data", t.double_data_size() / 2};
  case TensorProto::STRING:
    return {"string_data", t.string_data_size()};
  default:
    return {nullptr, 0};
  }
}

LogicalResult mlir::cnnc::onnx_import::checkTensorData(const TensorProto &t,
                                                       Location loc,
                                                       StringRef what) {
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  std::optional<int64_t> n = numElementsOf(dims);
  if (!n)
    return emitError(loc) << what << " has an invalid shape "
                          << shapeString(dims);
  int32_t dt = t.data_type();
  if (dt == TensorProto::UNDEFINED || !TensorProto::DataType_IsValid(dt))
    return emitError(loc) << what << " has no valid element type ("
                          << dataTypeName(dt) << ")";
  if (t.has_raw_data() && dt != TensorProto::STRING) {
    int64_t need = 0;
    int64_t have = (int64_t)t.raw_data().size();
    if (llvm::MulOverflow(*n, elementByteSize(dt), need) || have != need)
      return emitError(loc)
             << what << " has " << have << " bytes of data but its shape "
             << shapeString(dims) << " of " << dataTypeName(dt) << " needs "
             << need;
    return success();
  }
  auto [field, have] = typedField(t);
  if (field && have != *n)
    return emitError(loc) << what << " has " << have << " values in " << field
                          << " but its shape " << shapeString(dims) << " of "
                          << dataTypeName(dt) << " needs " << *n;
  return success();
}

/// Reads element `i` of little-endian raw data as an int64.
static int64_t readRawInt(const char *p, int32_t dataType, int64_t i) {
  using namespace llvm::support;
  switch (dataType) {
  case TensorProto::INT8:
    return (int8_t)p[i];
  case TensorProto::UINT8:
  case TensorProto::BOOL:
    return (uint8_t)p[i];
  case TensorProto::INT16:
    return endian::read<int16_t, llvm::endianness::little>(p + 2 * i);
  case TensorProto::UINT16:
    return endian::read<uint16_t, llvm::endianness::little>(p + 2 * i);
  case TensorProto::INT32:
    return endian::read<int32_t, llvm::endianness::little>(p + 4 * i);
  case TensorProto::UINT32:
    return endian::read<uint32_t, llvm::endianness::little>(p + 4 * i);
  case TensorProto::INT64:
    return endian::read<int64_t, llvm::endianness::little>(p + 8 * i);
  case TensorProto::UINT64:
    return (int64_t)endian::read<uint64_t, llvm::endianness::little>(p + 8 * i);
  default:
    return 0;
  }
}

FailureOr<HostTensor>
mlir::cnnc::onnx_import::decodeTensor(const TensorProto &t, Location loc,
                                      StringRef what) {
  using namespace llvm::support;
  int32_t dt = t.data_type();
  SmallVector<int64_t> dims(t.dims().begin(), t.dims().end());
  int64_t n = numElementsOf(dims).value_or(0);
  bool raw = t.has_raw_data();
  const char *p = t.raw_data().data();

  if (isIntegerDataType(dt)) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i) {
      if (raw)
        v[i] = readRawInt(p, dt, i);
      else if (dt == TensorProto::INT64)
        v[i] = t.int64_data(i);
      else if (dt == TensorProto::UINT32 || dt == TensorProto::UINT64)
        v[i] = (int64_t)t.uint64_data(i);
      else
        v[i] = t.int32_data(i);
    }
    return HostTensor::fromInts(dims, std::move(v), dt);
  }
  if (dt == TensorProto::FLOAT || dt == TensorProto::DOUBLE) {
    std::vector<float> v(n);
    for (int64_t i = 0; i < n; ++i) {
      if (dt == TensorProto::FLOAT)
        v[i] = raw ? endian::read<float, llvm::endianness::little>(p + 4 * i)
                   : t.float_data(i);
      else
        v[i] = (float)(raw ? endian::read<double, llvm::endianness::little>(
                                 p + 8 * i)
                           : t.double_data(i));
    }
    return HostTensor::fromFloats(dims, std::move(v), dt);
  }
  return emitError(loc) << what << " has element type " << dataTypeName(dt)
                        << ", which cnnc does not support";
}
