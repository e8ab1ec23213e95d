/*===- FakeModel.c - hand-written stand-in for cnnc-generated code --------===*
 *
 * Defines what cnnc generates into a model library (cnnc_model_entry and
 * cnnc_model_signature, both hidden) for a model y = 2 * x with x, y of shape
 * [1,4] f32. Linked with libcnnrt_model.a it is a complete model library, so
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

HIDDEN void cnnc_model_entry(void **buffers) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  for (int i = 0; i < 4; ++i)
    y[i] = 2.0f * x[i];
}
