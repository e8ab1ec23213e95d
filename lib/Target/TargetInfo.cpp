//===- TargetInfo.cpp - named targets -------------------------------------===//

#include "cnnc/Target/TargetInfo.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;
using namespace mlir::cnnc;

FailureOr<TargetInfo> TargetInfo::get(llvm::StringRef name,
                                      std::string &error) {
  TargetInfo t;
  t.name = name.str();
  t.triple = "x86_64-unknown-linux-gnu";
  if (name == "native") {
    t.triple = llvm::sys::getDefaultTargetTriple();
    t.cpu = llvm::sys::getHostCPUName().str();
    std::string features;
    bool avx512 = false, avx2 = false;
    for (auto &f : llvm::sys::getHostCPUFeatures()) {
      if (!features.empty())
        features += ",";
      features += (f.second ? "+" : "-") + f.first().str();
      avx512 |= f.first() == "avx512f" && f.second;
      avx2 |= f.first() == "avx2" && f.second;
    }
    t.features = features;
    t.vectorBits = avx512 ? 512 : avx2 ? 256 : 128;
    return t;
  }
  if (name == "x86-64" || name == "x86-64-v2") {
    t.cpu = name.str();
    t.vectorBits = 128;
    return t;
  }
  if (name == "x86-64-v3") {
    t.cpu = "x86-64-v3";
    t.vectorBits = 256;
    return t;
  }
  if (name == "x86-64-v4") {
    t.cpu = "x86-64-v4";
    t.vectorBits = 512;
    return t;
  }
  if (name == "aarch64") {
    t.triple = "aarch64-unknown-linux-gnu";
    t.cpu = "generic";
    t.features = "+neon";
    t.vectorBits = 128;
    return t;
  }
  error = "unknown target '" + name.str() +
          "' (known: native, x86-64, x86-64-v2, x86-64-v3, x86-64-v4, "
          "aarch64)";
  return failure();
}

std::string TargetInfo::description() const { return triple + " " + cpu; }
