//===- FmaPeak.h - measured fused multiply-add peak of this CPU -*- C++ -*-===//
#ifndef CNNC_TOOLS_CNNC_RUN_FMAPEAK_H
#define CNNC_TOOLS_CNNC_RUN_FMAPEAK_H

#include <string>

namespace cnnc {

struct FmaPeak {
  double gflops = 0;  // all threads together
  std::string isa;    // "avx512", "avx2", "sse" or "scalar"
  int threads = 1;
};

/// Runs independent FMA chains on the widest vector ISA the CPU has, on
/// `threads` threads at once, for about 0.1 s per repetition; the best of
/// five repetitions.
FmaPeak measureFmaPeak(int threads);

} // namespace cnnc

#endif // CNNC_TOOLS_CNNC_RUN_FMAPEAK_H
