//===- tensor_file_fuzzer.cpp - libFuzzer harness of cnnc-run's readers ---===//
//
// Bytes in, a tensor or a TensorFileError out: every input goes through both
// readers of cnnc-run, the .npy one and the ONNX TensorProto (.pb) one, as
// the contents of a file. A crash, a sanitizer report, a hang, a blown memory
// limit or any other exception is a bug in tools/cnnc-run/TensorFiles.cpp.
// A tensor that comes back must hold exactly the elements its shape says
// (checked by touching its last element). Built with -DCNNC_FUZZ=ON (see
// tools/cnnc-run/CMakeLists.txt); scripts/fuzz.sh runs it.
//
//===----------------------------------------------------------------------===//

#include "../TensorFiles.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

using namespace cnnc_run;

static void checkTensor(const HostTensor &t) {
  size_t count = 1;
  for (int64_t dim : t.getShape()) {
    if (dim < 0)
      std::abort();
    count *= static_cast<size_t>(dim);
  }
  if (count != t.getNumElements() || t.getDtype() != CNNRT_DTYPE_F32)
    std::abort();
  if (count) {
    // ASan reports a buffer shorter than the shape says.
    volatile float last = t.getF32()[count - 1];
    (void)last;
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string bytes(reinterpret_cast<const char *>(data), size);
  try {
    checkTensor(parseNpy(bytes, "fuzz.npy"));
  } catch (const TensorFileError &) {
  }
  try {
    checkTensor(parseTensorProto(bytes, "fuzz.pb"));
  } catch (const TensorFileError &) {
  }
  return 0;
}
