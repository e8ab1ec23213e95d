/*===- FakeModel.c - hand-written stand-in for cnnc-generated code --------===*
 *
 * Defines what cnnc generates into a model library (cnnc_model_entry and
 * cnnc_model_signature, both hidden) for a model y = 2 * x with x, y of shape
 * [1,4] f32, computed by a parallel loop through cnnrt_parallel_for (so the
 * thread pool is exercised too). Like generated code it allocates through the
 * stub: a buffer for the whole run (as the activation arena) and one in every
 * chunk of the loop (as scratch on the pool's threads), so that
 * CNNC_TEST_FAIL_ALLOCATION=1 fails on the calling thread and =2 in a chunk.
 * Linked with libcnnrt_model.a it is a complete model library, so the
 * runtime and cnnc-run can be tested without the compiler.
 *
 * FAKE_MODEL_ABI_VERSION overrides the signature's ABI version to build a
 * library that the loader must reject.
 *
 *===----------------------------------------------------------------------===*/

#include "cnnrt/cnnrt_abi.h"

#include <stddef.h>

#ifndef FAKE_MODEL_ABI_VERSION
#define FAKE_MODEL_ABI_VERSION CNNRT_ABI_VERSION
#endif

#define HIDDEN __attribute__((visibility("hidden")))

static const int64_t kShape[2] = {1, 4};

static const cnnrt_tensor_info kInputs[1] = {
    {"x", CNNRT_DTYPE_F32, 2, kShape},
};
static const cnnrt_tensor_info kOutputs[1] = {
    {"y", CNNRT_DTYPE_F32, 2, kShape},
};

HIDDEN const cnnrt_model_signature cnnc_model_signature = {
    FAKE_MODEL_ABI_VERSION, 1, 1, kInputs, kOutputs, "fake_double", "host",
    0, NULL, ""};

typedef struct Context {
  const float *x;
  float *y;
} Context;

/* One parallel loop iteration per element, as generated code splits rows. */
static void doubleRange(void *ctx, int64_t begin, int64_t end) {
  Context *c = (Context *)ctx;
  float *scratch = (float *)_mlir_memref_to_llvm_aligned_alloc(
      64, (uint64_t)(end - begin) * sizeof(float));
  for (int64_t i = begin; i < end; ++i)
    scratch[i - begin] = 2.0f * c->x[i];
  for (int64_t i = begin; i < end; ++i)
    c->y[i] = scratch[i - begin];
  _mlir_memref_to_llvm_free(scratch);
}

HIDDEN void cnnc_model_entry(void **buffers) {
  void *arena = _mlir_memref_to_llvm_aligned_alloc(64, 1024);
  Context c = {(const float *)buffers[0], (float *)buffers[1]};
  cnnrt_parallel_for(doubleRange, &c, 0, 4);
  _mlir_memref_to_llvm_free(arena);
}
