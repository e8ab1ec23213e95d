//===- TargetInfo.h - what cnnc knows about a target ------------*- C++ -*-===//
//
// Target facts come from here, never from #ifdefs or host probing inside a
// pass: the triple, CPU and features for LLVM, and the vector width that
// strategy selection uses.
//
//===----------------------------------------------------------------------===//
#ifndef CNNC_TARGET_TARGETINFO_H
#define CNNC_TARGET_TARGETINFO_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"
#include <string>

namespace mlir::cnnc {

struct TargetInfo {
  std::string name;     ///< as given on the command line
  std::string triple;   ///< LLVM target triple
  std::string cpu;      ///< LLVM CPU name
  std::string features; ///< LLVM feature string (+avx2,...)
  unsigned vectorBits = 128;

  /// Resolves `native`, `x86-64`, `x86-64-v2`, `x86-64-v3` (AVX2),
  /// `x86-64-v4` (AVX-512) or `aarch64` (NEON). Fails with a message listing
  /// the known names.
  static FailureOr<TargetInfo> get(llvm::StringRef name, std::string &error);

  /// "triple cpu", as recorded in a compiled library's signature.
  std::string description() const;
};

} // namespace mlir::cnnc

#endif // CNNC_TARGET_TARGETINFO_H
