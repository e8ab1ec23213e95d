//===- TensorFiles.h - host tensors and .npy / .pb file I/O -----*- C++ -*-===//
//
// The tensor files cnnc-run reads and writes: numpy .npy (versions 1-3,
// little-endian float32, C order) and ONNX TensorProto .pb (float32, as in
// the ONNX backend test data). Every malformed or unsupported file raises
// TensorFileError with a message naming the file; nothing here aborts.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_RUN_TENSORFILES_H
#define CNNC_RUN_TENSORFILES_H

#include "cnnrt/cnnrt.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace cnnc_run {

/// A user-facing error: printed as `cnnc-run: error: <what>`.
class TensorFileError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// A dense row-major host tensor in a 64-byte aligned buffer (generated code
/// may use aligned vector accesses).
class HostTensor {
public:
  HostTensor() = default;
  HostTensor(int32_t dtype, std::vector<int64_t> shape);

  int32_t getDtype() const { return dtype; }
  const std::vector<int64_t> &getShape() const { return shape; }
  size_t getNumElements() const { return numElements; }
  size_t getNumBytes() const { return numElements * cnnrt_dtype_size(dtype); }
  void *getData() { return data.get(); }
  const void *getData() const { return data.get(); }
  float *getF32() { return static_cast<float *>(getData()); }
  const float *getF32() const { return static_cast<const float *>(getData()); }

  /// Element `i` converted to double, for comparisons and printing.
  double at(size_t i) const;

  /// A descriptor for cnnrt_run; valid while this tensor lives.
  cnnrt_tensor getDescriptor();

private:
  struct FreeDeleter {
    void operator()(void *p) const { std::free(p); }
  };
  int32_t dtype = CNNRT_DTYPE_F32;
  std::vector<int64_t> shape;
  size_t numElements = 0;
  std::unique_ptr<void, FreeDeleter> data;
};

/// "[1,3,224,224]".
std::string formatShape(const std::vector<int64_t> &shape);
std::string formatShape(const int64_t *shape, int32_t rank);

/// Reads a .npy or .pb file (chosen by extension) holding float32 data.
HostTensor readTensorFile(const std::string &path);
HostTensor readNpy(const std::string &path);
HostTensor readTensorProto(const std::string &path);

/// The same readers on the contents of a file already in memory; `name`
/// stands for the file in messages (the fuzz harness's entry point).
HostTensor parseNpy(const std::string &bytes, const std::string &name);
HostTensor parseTensorProto(const std::string &bytes, const std::string &name);

/// Writes `tensor` as a version 1.0 .npy file ('<f4' or '<i8').
void writeNpy(const std::string &path, const HostTensor &tensor);

} // namespace cnnc_run

#endif // CNNC_RUN_TENSORFILES_H
