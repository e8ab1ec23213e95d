//===- SplitMix.h - the project's seeded random stream --------------------===//
//
// splitmix64: tiny, well mixed, and identical on every platform (std::
// distributions are not), so a seed names the same numbers everywhere:
// cnnc-run --random-inputs, the whole-network check of cnnc --factorize,
// and the DSL's seeded weights all draw from it.
//
//===----------------------------------------------------------------------===//

#ifndef CNNC_SUPPORT_SPLITMIX_H
#define CNNC_SUPPORT_SPLITMIX_H

#include <cstdint>

namespace cnnc {

class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  /// Uniform in [-1, 1): 24 random mantissa bits, exact in float. The
  /// random inputs of cnnc-run and the factorization check.
  float uniformSigned() {
    return static_cast<float>(next() >> 40) * (2.0f / 16777216.0f) - 1.0f;
  }
  /// Uniform in [0, 1), 53 bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

private:
  uint64_t state;
};

} // namespace cnnc

#endif // CNNC_SUPPORT_SPLITMIX_H
