/*===- signature_fuzzer.c - libFuzzer harness of the signature checks -----===*
 *
 * Builds a cnnrt_model_signature from the fuzz bytes, the way a corrupt or
 * hostile model library could present one, and runs libcnnrt's load-time
 * validation on it (cnnrtCheckSignature, Runtime.c). A signature it accepts
 * must then be safe for everything that trusts it:
 *   - libcnnrt's API (cnnrt_find_input/output, cnnrt_num_elements),
 *   - what cnnc-run does with it (names, shapes copied by rank, per-layer
 *     names, kinds and summed macs),
 *   - the model stub's per-run checks (ModelStub.c, linked in with a
 *     stand-in entry, FuzzModel.c), fed caller tensors built from the
 *     signature and then perturbed by further fuzz bytes.
 * A crash or sanitizer report (UB is fatal) is a bug in the runtime's checks.
 *
 * Memory is built to match what the structure promises: an array holds as
 * many entries as its count or rank says (no check can verify a count
 * against a pointer), and strings are NUL-terminated; the values (counts,
 * ranks, dtypes, dimensions, NULL pointers, strings, ABI version, features)
 * are the fuzzer's.
 *
 *===----------------------------------------------------------------------===*/

#include "FuzzModel.h"
#include "SignatureCheck.h"

#include "cnnrt/cnnrt.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Reads fuzz bytes; zeros once they run out. */
typedef struct Bytes {
  const uint8_t *p;
  size_t n;
} Bytes;

static uint8_t u8(Bytes *b) {
  if (!b->n)
    return 0;
  --b->n;
  return *b->p++;
}

static uint64_t u64(Bytes *b) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= (uint64_t)u8(b) << (8 * i);
  return v;
}

/* Every allocation of one input, freed at the end. */
enum { kMaxAllocs = 4096 };
typedef struct Arena {
  void *blocks[kMaxAllocs];
  size_t count;
} Arena;

static void *arenaAlloc(Arena *a, size_t size) {
  if (a->count == kMaxAllocs)
    return NULL;
  void *p = calloc(1, size ? size : 1);
  if (p)
    a->blocks[a->count++] = p;
  return p;
}

static void arenaFree(Arena *a) {
  for (size_t i = 0; i < a->count; ++i)
    free(a->blocks[i]);
  a->count = 0;
}

/* NULL, or a NUL-terminated string of up to 63 fuzz bytes. */
static const char *fuzzString(Bytes *b, Arena *a) {
  uint8_t len = u8(b);
  if (len == 0xff)
    return NULL;
  len &= 63;
  char *s = (char *)arenaAlloc(a, (size_t)len + 1);
  if (!s)
    return NULL;
  for (uint8_t i = 0; i < len; ++i)
    s[i] = (char)u8(b);
  s[len] = '\0';
  return s;
}

/* Mostly small values, sometimes any 64-bit one. */
static int64_t fuzzDim(Bytes *b) {
  uint8_t tag = u8(b);
  if (tag < 0xf0)
    return tag & 15;
  return (int64_t)u64(b);
}

static int32_t fuzzDtype(Bytes *b) {
  uint8_t tag = u8(b);
  if (tag < 0xc0)
    return CNNRT_DTYPE_F32;
  if (tag < 0xf0)
    return CNNRT_DTYPE_I64;
  return (int32_t)(uint32_t)u64(b);
}

/* A count in [-128, 127] with an array of max(count, 0) entries of `size`
 * bytes, or a NULL array. */
static void *fuzzArray(Bytes *b, Arena *a, size_t size, int32_t *count) {
  *count = (int8_t)u8(b);
  uint8_t flags = u8(b);
  if (flags & 1)
    return NULL;
  return arenaAlloc(a, (*count > 0 ? (size_t)*count : 0) * size);
}

static void fuzzInfos(Bytes *b, Arena *a, cnnrt_tensor_info *infos,
                      int32_t count) {
  for (int32_t i = 0; infos && i < count; ++i) {
    cnnrt_tensor_info *t = &infos[i];
    t->name = fuzzString(b, a);
    t->dtype = fuzzDtype(b);
    t->rank = (int8_t)u8(b);
    if (u8(b) & 1) {
      t->shape = NULL;
      continue;
    }
    int64_t *shape =
        (int64_t *)arenaAlloc(a, (t->rank > 0 ? (size_t)t->rank : 0) * 8);
    for (int32_t d = 0; shape && d < t->rank; ++d)
      shape[d] = fuzzDim(b);
    t->shape = shape;
  }
}

/* What cnnc-run does with an accepted tensor info (cnnc-run.cpp: describe,
 * bindFiles, allocateOutputs). */
static void useInfo(const cnnrt_tensor_info *t) {
  volatile size_t sink = strlen(t->name ? t->name : "");
  sink += cnnrt_num_elements(t) + cnnrt_dtype_size(t->dtype);
  sink += strlen(cnnrt_dtype_name(t->dtype));
  /* cnnc-run's std::vector<int64_t>(shape, shape + rank). */
  int64_t *copy = (int64_t *)malloc((size_t)t->rank * 8 + 8);
  if (!copy)
    __builtin_trap();
  if (t->rank > 0)
    memcpy(copy, t->shape, (size_t)t->rank * 8);
  /* HostTensor's size, as the stub's dense strides: in int64. */
  int64_t elements = 1;
  for (int32_t d = 0; d < t->rank; ++d)
    elements *= copy[d];
  sink += (size_t)elements;
  free(copy);
}

/* Caller tensors for `infos`, perturbed by fuzz bytes; NULL when their data
 * would not fit in a small buffer. */
static cnnrt_tensor *fuzzCallerTensors(Bytes *b, Arena *a,
                                       const cnnrt_tensor_info *infos,
                                       int32_t count) {
  cnnrt_tensor *ts =
      (cnnrt_tensor *)arenaAlloc(a, (size_t)count * sizeof(cnnrt_tensor));
  if (!ts)
    return NULL;
  for (int32_t i = 0; i < count; ++i) {
    const cnnrt_tensor_info *info = &infos[i];
    cnnrt_tensor *t = &ts[i];
    size_t bytes = cnnrt_num_elements(info) * cnnrt_dtype_size(info->dtype);
    if (bytes > (1u << 16))
      return NULL;
    t->data = arenaAlloc(a, bytes);
    t->dtype = info->dtype;
    t->rank = info->rank;
    int64_t *shape = (int64_t *)arenaAlloc(a, (size_t)info->rank * 8);
    int64_t *strides = (int64_t *)arenaAlloc(a, (size_t)info->rank * 8);
    if (!shape || !strides)
      return NULL;
    if (info->rank > 0)
      memcpy(shape, info->shape, (size_t)info->rank * 8);
    /* Dense strides, computed as a caller would (unsigned: no UB here). */
    uint64_t dense = 1;
    for (int32_t d = info->rank - 1; d >= 0; --d) {
      strides[d] = (int64_t)dense;
      dense *= (uint64_t)shape[d];
    }
    t->shape = shape;
    t->strides = NULL;
    uint8_t how = u8(b);
    switch (how & 7) {
    case 1:
      t->strides = strides;
      break;
    case 2:
      t->data = NULL;
      break;
    case 3:
      t->dtype = fuzzDtype(b);
      break;
    case 4: /* a rank of the fuzzer's, the same shape array (if it fits) */
      t->rank = (int8_t)u8(b);
      if (t->rank > info->rank)
        t->shape = NULL;
      break;
    case 5:
      if (info->rank > 0)
        shape[u8(b) % info->rank] = fuzzDim(b);
      break;
    case 6:
      if (info->rank > 0) {
        t->strides = strides;
        strides[u8(b) % info->rank] = fuzzDim(b);
      }
      break;
    default:
      break;
    }
  }
  return ts;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Bytes b = {data, size};
  static Arena arena;
  Arena *a = &arena;
  cnnrt_model_signature sig;
  memset(&sig, 0, sizeof(sig));
  sig.abi_version = (u8(&b) & 0x80) ? (uint32_t)u64(&b) : CNNRT_ABI_VERSION;
  sig.inputs = (const cnnrt_tensor_info *)fuzzArray(
      &b, a, sizeof(cnnrt_tensor_info), &sig.num_inputs);
  fuzzInfos(&b, a, (cnnrt_tensor_info *)sig.inputs, sig.num_inputs);
  sig.outputs = (const cnnrt_tensor_info *)fuzzArray(
      &b, a, sizeof(cnnrt_tensor_info), &sig.num_outputs);
  fuzzInfos(&b, a, (cnnrt_tensor_info *)sig.outputs, sig.num_outputs);
  sig.model_name = fuzzString(&b, a);
  sig.target = fuzzString(&b, a);
  cnnrt_layer_info *layers = (cnnrt_layer_info *)fuzzArray(
      &b, a, sizeof(cnnrt_layer_info), &sig.num_layers);
  for (int32_t i = 0; layers && i < sig.num_layers; ++i) {
    layers[i].name = fuzzString(&b, a);
    layers[i].kind = fuzzString(&b, a);
    layers[i].macs = fuzzDim(&b);
  }
  sig.layers = layers;
  /* Features: mostly none, so that the other checks are reached. */
  sig.required_features = (u8(&b) & 0x80) ? fuzzString(&b, a) : "";

  cnnrt_error err;
  err.message[0] = '\0';
  if (cnnrtCheckSignature(&sig, "fuzz.so", &err) != CNNRT_OK) {
    if (!err.message[0])
      __builtin_trap(); /* a refusal must say why */
    arenaFree(a);
    return 0;
  }

  /* libcnnrt's and cnnc-run's uses of an accepted signature. */
  for (int32_t i = 0; i < sig.num_inputs; ++i)
    useInfo(&sig.inputs[i]);
  for (int32_t i = 0; i < sig.num_outputs; ++i)
    useInfo(&sig.outputs[i]);
  int64_t macs = 0;
  volatile size_t sink = 0;
  for (int32_t i = 0; i < sig.num_layers; ++i) {
    sink += strlen(sig.layers[i].name) + strlen(sig.layers[i].kind);
    macs += sig.layers[i].macs;
  }
  sink += (size_t)macs;
  (void)sink;

  /* The model stub's checks of caller tensors against it. */
  *fuzzModelSignature() = sig;
  cnnrt_tensor *in = fuzzCallerTensors(&b, a, sig.inputs, sig.num_inputs);
  cnnrt_tensor *out = fuzzCallerTensors(&b, a, sig.outputs, sig.num_outputs);
  if (in && out) {
    fuzzModelEntered = 0;
    int code = cnnrt_lib_run_with(in, (size_t)sig.num_inputs, out,
                                  (size_t)sig.num_outputs, NULL, NULL, &err);
    if ((code == CNNRT_OK) != (fuzzModelEntered == 1))
      __builtin_trap();
  }
  arenaFree(a);
  return 0;
}
