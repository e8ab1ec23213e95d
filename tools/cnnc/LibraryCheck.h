//===- LibraryCheck.h - run two model libraries on the same inputs --------===//
//
// The whole-network check of `cnnc --factorize`: the factorized library and
// the unfactorized one run on the same seeded random inputs, through the
// runtime's loader (libcnnrt), and their outputs are compared.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_TOOLS_CNNC_LIBRARYCHECK_H
#define CNNC_TOOLS_CNNC_LIBRARYCHECK_H

#include <cstdint>
#include <string>

namespace mlir::cnnc {

/// How far `candidate`'s outputs are from `reference`'s.
struct LibraryDeviation {
  double maxAbs = 0;       // max |candidate - reference| over all outputs
  double referenceMax = 0; // max |reference| over all outputs
  std::string worstOutput; // the output holding maxAbs
  /// maxAbs / referenceMax (0 when the reference is all zeros).
  double relative() const {
    return referenceMax > 0 ? maxAbs / referenceMax : maxAbs;
  }
};

/// Loads both libraries, checks that their signatures agree, runs them on
/// inputs uniform in [-1, 1) drawn from `seed` (the same stream as
/// `cnnc-run --random-inputs SEED`), and compares every output. Returns
/// false with `error` set when a library cannot be loaded or run, or the
/// signatures differ.
bool compareLibraries(const std::string &reference,
                      const std::string &candidate, uint64_t seed,
                      LibraryDeviation &result, std::string &error);

} // namespace mlir::cnnc

#endif // CNNC_TOOLS_CNNC_LIBRARYCHECK_H
