/*===- hostile_signature.c - a model library with a damaged signature -----===*
 *
 * Stand-in for the generated part of a model library (as in
 * test/Runtime/FakeModel.c), whose signature is well-typed C but breaks what
 * hosts rely on; CASE picks the damage (hostile-signatures.test). Found by
 * cnnrt-signature-fuzzer: libcnnrt used to accept all of these, and cnnc-run
 * then printed a NULL shape, built a vector from shape to shape + rank, or
 * took strlen of a NULL layer name.
 *
 *===----------------------------------------------------------------------===*/

#include "cnnrt/cnnrt_abi.h"

#include <stddef.h>

#define HIDDEN __attribute__((visibility("hidden")))

static const int64_t kShape[2] = {1, 4};
static const int64_t kHuge[3] = {0, INT64_MAX, INT64_MAX};

#if CASE == 1 /* rank 4, no shape */
#define INPUT {"x", CNNRT_DTYPE_F32, 4, NULL}
#elif CASE == 2 /* negative rank */
#define INPUT {"x", CNNRT_DTYPE_F32, -3, kShape}
#elif CASE == 3 /* unknown dtype */
#define INPUT {"x", 12345, 2, kShape}
#elif CASE == 4 /* no name */
#define INPUT {NULL, CNNRT_DTYPE_F32, 2, kShape}
#elif CASE == 5 /* a zero dimension beside huge ones */
#define INPUT {"x", CNNRT_DTYPE_F32, 3, kHuge}
#else
#define INPUT {"x", CNNRT_DTYPE_F32, 2, kShape}
#endif

static const cnnrt_tensor_info kInputs[1] = {INPUT};
static const cnnrt_tensor_info kOutputs[1] = {
    {"y", CNNRT_DTYPE_F32, 2, kShape},
};

#if CASE == 6 /* a layer without a name */
static const cnnrt_layer_info kLayers[1] = {{NULL, "matmul", 4}};
#elif CASE == 7 /* multiply-accumulates that overflow when summed */
static const cnnrt_layer_info kLayers[2] = {{"a", "matmul", INT64_MAX},
                                            {"b", "matmul", INT64_MAX}};
#else
static const cnnrt_layer_info kLayers[1] = {{"a", "matmul", 4}};
#endif

HIDDEN const cnnrt_model_signature cnnc_model_signature = {
    CNNRT_ABI_VERSION,
    1,
    1,
    kInputs,
    kOutputs,
    "hostile",
    "host",
    (int32_t)(sizeof(kLayers) / sizeof(kLayers[0])),
    kLayers,
    ""};

HIDDEN void cnnc_model_entry(void **buffers) {
  const float *x = (const float *)buffers[0];
  float *y = (float *)buffers[1];
  for (int i = 0; i < 4; ++i)
    y[i] = x[i];
}
