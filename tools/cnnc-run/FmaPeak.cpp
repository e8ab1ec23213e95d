//===- FmaPeak.cpp - measured fused multiply-add peak of this CPU ---------===//
//
// The bar against which cnnc-run --profile and bench/ report "% of peak":
// what this machine actually sustains (turbo, virtualization and all), not
// a datasheet number. Each kernel keeps enough independent accumulator
// chains to cover the FMA latency on every pipe (4-5 cycles x 2 pipes).
//
//===----------------------------------------------------------------------===//

#include "FmaPeak.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace {

constexpr int kChains = 12;
constexpr long kIterations = 4'000'000;

template <int Lanes>
using Vec = float __attribute__((vector_size(Lanes * 4)));

#define CNNC_FMA_KERNEL(NAME, LANES, TARGET)                                   \
  __attribute__((target(TARGET), noinline)) double NAME(long iterations) {     \
    using V = Vec<LANES>;                                                      \
    V acc[kChains];                                                            \
    V mul, add;                                                                \
    for (int l = 0; l < LANES; ++l) {                                          \
      mul[l] = 0.999999f;                                                      \
      add[l] = 1e-6f;                                                          \
    }                                                                          \
    for (int c = 0; c < kChains; ++c)                                          \
      for (int l = 0; l < LANES; ++l)                                          \
        acc[c][l] = float(c + l);                                              \
    for (long i = 0; i < iterations; ++i) {                                    \
      for (int c = 0; c < kChains; ++c)                                        \
        acc[c] = __builtin_elementwise_fma(acc[c], mul, add);                  \
      asm volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]),              \
                   "+v"(acc[3]), "+v"(acc[4]), "+v"(acc[5]), "+v"(acc[6]),     \
                   "+v"(acc[7]), "+v"(acc[8]), "+v"(acc[9]), "+v"(acc[10]),    \
                   "+v"(acc[11]));                                             \
    }                                                                          \
    return double(iterations) * kChains * LANES * 2;                           \
  }

CNNC_FMA_KERNEL(fma512, 16, "avx512f")
CNNC_FMA_KERNEL(fma256, 8, "avx2,fma")
CNNC_FMA_KERNEL(fma128, 4, "fma")

using Kernel = double (*)(long);

Kernel pickKernel(std::string &isa) {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) {
    isa = "avx512";
    return fma512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
    isa = "avx2";
    return fma256;
  }
  if (__builtin_cpu_supports("fma")) {
    isa = "fma128";
    return fma128;
  }
  isa = "none";
  return nullptr;
}

} // namespace

cnnc::FmaPeak cnnc::measureFmaPeak(int threads) {
  FmaPeak result;
  result.threads = std::max(1, threads);
  Kernel kernel = pickKernel(result.isa);
  if (!kernel)
    return result;
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    std::vector<std::thread> pool;
    std::vector<double> flops(result.threads, 0);
    auto start = std::chrono::steady_clock::now();
    for (int t = 0; t < result.threads; ++t)
      pool.emplace_back([&, t] { flops[t] = kernel(kIterations); });
    for (std::thread &th : pool)
      th.join();
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    double total = 0;
    for (double f : flops)
      total += f;
    best = std::max(best, total / seconds * 1e-9);
  }
  result.gflops = best;
  return result;
}
