//===- Weights.h - weights of a .cnn network --------------------*- C++ -*-===//
//
// Where the DSL frontend gets layer weights: a safetensors file (read here,
// memory-mapped, no copy when the data is aligned) or a seed. Safetensors is
// an 8-byte little-endian header length, a JSON header
//   {"conv1.weight": {"dtype": "F32", "shape": [6, 1, 5, 5],
//                     "data_offsets": [begin, end]}, "__metadata__": {...}}
// and the raw little-endian data, offsets counted from the end of the header.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_FRONTENDS_DSL_WEIGHTS_H
#define CNNC_FRONTENDS_DSL_WEIGHTS_H

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <optional>
#include <string>

namespace mlir::cnnc::dsl {

/// How a weight is drawn when it comes from a seed.
struct WeightInit {
  enum Kind {
    HeNormal,   // normal, std sqrt(2 / fanIn): conv and dense weights
    FanUniform, // uniform in +-1/sqrt(fanIn): biases (PyTorch's default)
    BNScale,    // uniform in [0.8, 1.2]
    BNShift,    // normal, std 0.1: BN bias and running mean
    BNVar,      // uniform in [0.8, 1.25]
  };
  Kind kind = HeNormal;
  int64_t fanIn = 1;
};

class WeightStore {
public:
  /// A store over `path` (safetensors) or, with an empty path, over `seed`.
  /// Errors about the file are reported at `fileLoc`.
  static std::unique_ptr<WeightStore> open(StringRef path,
                                           std::optional<uint64_t> seed,
                                           Location fileLoc);

  /// The data of weight `name` with `shape` (f32): read from the file or
  /// drawn. Reports a missing weight or a weight of another shape at `loc`
  /// (`layer` names the layer in the message).
  FailureOr<AsmResourceBlob> get(StringRef name, ArrayRef<int64_t> shape,
                                 WeightInit init, Location loc,
                                 StringRef layer);

  bool isSeeded() const { return !file; }

  /// Warns about tensors in the file that no layer asked for (a misspelled
  /// layer name, or a network that differs from the one the file is for).
  void warnUnused(Location loc) const;

private:
  struct Entry {
    SmallVector<int64_t> shape;
    std::string dtype;
    size_t begin = 0, end = 0;
    bool used = false;
  };
  std::string path;
  uint64_t seed = 0;
  std::shared_ptr<llvm::MemoryBuffer> file;
  size_t dataStart = 0;
  llvm::StringMap<Entry> entries;
  /// Order of the header, for messages.
  SmallVector<std::string> names;
};

} // namespace mlir::cnnc::dsl

#endif // CNNC_FRONTENDS_DSL_WEIGHTS_H
