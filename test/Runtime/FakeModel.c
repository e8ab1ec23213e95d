/*===- FakeModel.c - hand-written stand-in for cnnc-generated code --------===*
 *
 * Defines what cnnc generates into a model library (cnnc_model_entry and
 * cnnc_model_signature, both hidden) for a model y = 2 * x with x, y of shape
 * [1,4] f32, computed by a parallel loop through cnnrt_parallel_for (so the
 * thread pool is exercised too). Linked with libcnnrt_model.a it is a complete model library, so
 * the runtime and cnnc-run can be tested without the compiler.
 *
 * FAKE_MODEL_ABI_VERSION overrides the signature's ABI version to build a
 * library that the loader must reject.
 *
 *===----------------------------------------------------------------------===*/

#include "cnnrt/cnnrt_abi.h"

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
    FAKE_MODEL_ABI_VERSION, 1, 1, kInputs, kOutputs, "fake_double", "host"};

typedef struct Context {
  const float *x;
  float *y;
} Context;

/* One parallel loop iteration per element, as generated code splits rows. */
static void doubleRange(void *ctx, int64_t begin, int64_t end) {
  Context *c = (Context *)ctx;
  for (int64_t i = begin; i < end; ++i)
    c->y[i] = 2.0f * c->x[i];
}

HIDDEN void cnnc_model_entry(void **buffers) {
  Context c = {(const float *)buffers[0], (float *)buffers[1]};
  cnnrt_parallel_for(doubleRange, &c, 0, 4);
}
