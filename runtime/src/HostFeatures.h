/*===- HostFeatures.h - does this CPU have a library's ISA features? ------===*
 *
 * A model library records the instruction-set features its code may use
 * (cnnrt_model_signature::required_features, LLVM's names, e.g.
 * "avx,avx2,fma,avx512f"). Code built for AVX-512 dies with SIGILL on a CPU
 * without it, so the model stub (before running any generated code) and
 * libcnnrt's loader compare that list with what the host offers: the CPU's
 * cpuid bits and, for AVX and AVX-512, whether the OS saves the registers
 * (XCR0). Header-only and plain C, so that the stub and libcnnrt share it
 * without sharing a symbol; the stub is compiled for the generic target, so
 * this code runs on any CPU of the architecture.
 *
 * Testing hook: CNNC_HOST_FEATURES_MASK, a comma-separated list of feature
 * names (e.g. "avx512f" or "avx2,avx512f"), makes the check treat those
 * features as absent, so that the refusal can be tested on any host.
 *
 *===----------------------------------------------------------------------===*/
#ifndef CNNRT_HOSTFEATURES_H
#define CNNRT_HOSTFEATURES_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#elif defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

/* Whether the comma-separated `list` holds `name` (length `len`). */
static inline int cnnrtListHas(const char *list, const char *name, size_t len) {
  while (list && *list) {
    const char *comma = strchr(list, ',');
    size_t n = comma ? (size_t)(comma - list) : strlen(list);
    if (n == len && memcmp(list, name, len) == 0)
      return 1;
    list = comma ? comma + 1 : NULL;
  }
  return 0;
}

#if defined(__x86_64__) || defined(__i386__)
/* Register state the OS must save (XCR0) for a feature to be usable. */
enum { kCnnrtXcr0Avx = 0x6, kCnnrtXcr0Avx512 = 0xe6 };

typedef struct CnnrtCpuFeature {
  const char *name; /* LLVM's name */
  uint32_t leaf, subleaf;
  uint8_t reg; /* 0 eax, 1 ebx, 2 ecx, 3 edx */
  uint8_t bit;
  uint32_t xcr0; /* state bits that must be enabled */
} CnnrtCpuFeature;

/* Every name in CNNRT_X86_CHECKED_FEATURES (cnnrt_abi.h) must be here. */
static const CnnrtCpuFeature kCnnrtCpuFeatures[] = {
    {"sse3", 1, 0, 2, 0, 0},
    {"ssse3", 1, 0, 2, 9, 0},
    {"fma", 1, 0, 2, 12, kCnnrtXcr0Avx},
    {"sse4.1", 1, 0, 2, 19, 0},
    {"sse4.2", 1, 0, 2, 20, 0},
    {"movbe", 1, 0, 2, 22, 0},
    {"popcnt", 1, 0, 2, 23, 0},
    {"avx", 1, 0, 2, 28, kCnnrtXcr0Avx},
    {"f16c", 1, 0, 2, 29, kCnnrtXcr0Avx},
    {"bmi", 7, 0, 1, 3, 0},
    {"avx2", 7, 0, 1, 5, kCnnrtXcr0Avx},
    {"bmi2", 7, 0, 1, 8, 0},
    {"avx512f", 7, 0, 1, 16, kCnnrtXcr0Avx512},
    {"avx512dq", 7, 0, 1, 17, kCnnrtXcr0Avx512},
    {"avx512ifma", 7, 0, 1, 21, kCnnrtXcr0Avx512},
    {"avx512cd", 7, 0, 1, 28, kCnnrtXcr0Avx512},
    {"avx512bw", 7, 0, 1, 30, kCnnrtXcr0Avx512},
    {"avx512vl", 7, 0, 1, 31, kCnnrtXcr0Avx512},
    {"avx512vbmi", 7, 0, 2, 1, kCnnrtXcr0Avx512},
    {"avx512vbmi2", 7, 0, 2, 6, kCnnrtXcr0Avx512},
    {"avx512vnni", 7, 0, 2, 11, kCnnrtXcr0Avx512},
    {"avx512bitalg", 7, 0, 2, 12, kCnnrtXcr0Avx512},
    {"avx512vpopcntdq", 7, 0, 2, 14, kCnnrtXcr0Avx512},
    {"avx512fp16", 7, 0, 3, 23, kCnnrtXcr0Avx512},
    {"avxvnni", 7, 1, 0, 4, kCnnrtXcr0Avx},
    {"avx512bf16", 7, 1, 0, 5, kCnnrtXcr0Avx512},
    {"lzcnt", 0x80000001u, 0, 2, 5, 0},
};

static inline uint64_t cnnrtXcr0(void) {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27))) /* OSXSAVE */
    return 0;
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((uint64_t)hi << 32) | lo;
}

static inline int cnnrtCpuHas(const char *name, size_t len) {
  for (size_t i = 0; i < sizeof(kCnnrtCpuFeatures) / sizeof(kCnnrtCpuFeatures[0]);
       ++i) {
    const CnnrtCpuFeature *f = &kCnnrtCpuFeatures[i];
    if (strlen(f->name) != len || memcmp(f->name, name, len) != 0)
      continue;
    unsigned r[4] = {0, 0, 0, 0};
    if (!__get_cpuid_count(f->leaf, f->subleaf, &r[0], &r[1], &r[2], &r[3]))
      return 0;
    if (!(r[f->reg] & (1u << f->bit)))
      return 0;
    return (cnnrtXcr0() & f->xcr0) == f->xcr0;
  }
  return 0; /* a name this runtime does not know: not known to be there */
}
#elif defined(__aarch64__)
static inline int cnnrtCpuHas(const char *name, size_t len) {
  if (len == 4 && memcmp(name, "neon", 4) == 0) {
#if defined(__linux__) && defined(AT_HWCAP)
    return (getauxval(AT_HWCAP) & (1ul << 1)) != 0; /* HWCAP_ASIMD */
#else
    return 1;
#endif
  }
  return 0;
}
#else
static inline int cnnrtCpuHas(const char *name, size_t len) {
  (void)name;
  (void)len;
  return 0;
}
#endif

/* Returns 1 when the host has every feature of the comma-separated
 * `required` (NULL or "" requires nothing). Otherwise returns 0 and writes
 * the missing ones, comma-separated, into `missing` (cut to fit). */
static inline int cnnrtHostHasFeatures(const char *required, char *missing,
                                       size_t size) {
  const char *mask = getenv("CNNC_HOST_FEATURES_MASK");
  size_t pos = 0;
  int ok = 1;
  if (size)
    missing[0] = '\0';
  while (required && *required) {
    const char *comma = strchr(required, ',');
    size_t n = comma ? (size_t)(comma - required) : strlen(required);
    if (n && (cnnrtListHas(mask, required, n) || !cnnrtCpuHas(required, n))) {
      ok = 0;
      if (size && pos + n + 2 < size) {
        if (pos)
          missing[pos++] = ',';
        memcpy(missing + pos, required, n);
        pos += n;
        missing[pos] = '\0';
      }
    }
    required = comma ? comma + 1 : NULL;
  }
  return ok;
}

#endif /* CNNRT_HOSTFEATURES_H */
