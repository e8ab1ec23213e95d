/*===- ModelStub.c - exported entry points of every cnnc model library ----===*
 *
 * Linked into each model library from libcnnrt_model.a. The generated code
 * only knows raw data pointers (`cnnc_model_entry(void **)`), so everything a
 * caller can get wrong is checked here, before any generated code runs:
 * tensor counts, NULL data, dtype, rank, every dimension, and the layout.
 * A wrong shape would otherwise read or write out of bounds silently.
 *
 * Before that, the host's CPU must have every ISA feature the generated code
 * may use (HostFeatures.h): generated code for AVX-512 would otherwise die
 * with SIGILL. While it runs, a failed allocation ends the run with
 * CNNRT_ERROR_OUT_OF_MEMORY instead of a crash (ModelRun.h, ModelAlloc.c).
 *
 * Constraints: C only (no libstdc++ in the model library), no global mutable
 * state (several threads and several loaded models may call in at once; the
 * state of a run lives on its caller's stack, reached through thread-locals;
 * the one global, "the host has the features", only ever goes to 1), and
 * only the cnnrt_lib_* functions have default visibility; the model
 * library's version script (ModelExports.map) keeps everything else local.
 *
 *===----------------------------------------------------------------------===*/

#include "cnnrt/cnnrt_abi.h"
#include "HostFeatures.h"
#include "ModelRun.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CNNRT_EXPORT __attribute__((visibility("default")))

/* Enough for typical CNNs without touching the heap on every call. */
enum { kStackBuffers = 32 };

/* Longest shape text put into a message; the rest is elided. */
enum { kShapeText = 160 };

static void setError(cnnrt_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void setError(cnnrt_error *err, const char *fmt, ...) {
  if (!err)
    return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err->message, sizeof(err->message), fmt, ap);
  va_end(ap);
}

static const char *dtypeName(int32_t dtype) {
  switch (dtype) {
  case CNNRT_DTYPE_F32:
    return "f32";
  case CNNRT_DTYPE_I64:
    return "i64";
  default:
    return "unknown";
  }
}

/* Writes "[1,3,32,32]" into `buf` (always NUL-terminated, "...]" when cut). */
static void formatShape(char *buf, size_t size, const int64_t *shape,
                        int32_t rank) {
  size_t pos = 0;
  if (!shape)
    rank = 0;
  buf[pos++] = '[';
  for (int32_t i = 0; i < rank; ++i) {
    char dim[32];
    int n =
        snprintf(dim, sizeof(dim), "%s%lld", i ? "," : "", (long long)shape[i]);
    /* Keep room for "...]" and the terminator. */
    if (pos + (size_t)n + 5 > size) {
      memcpy(buf + pos, "...", 3);
      pos += 3;
      break;
    }
    memcpy(buf + pos, dim, (size_t)n);
    pos += (size_t)n;
  }
  buf[pos++] = ']';
  buf[pos] = '\0';
}

/* Checks one caller tensor against its signature entry. `kind` is "input" or
 * "output" for the message. */
static int checkTensor(const char *kind, size_t index,
                       const cnnrt_tensor_info *expected,
                       const cnnrt_tensor *actual, cnnrt_error *err) {
  const char *name = expected->name ? expected->name : "";
  char want[kShapeText], got[kShapeText];

  if (!actual->data) {
    setError(err, "%s '%s' (#%zu): data pointer is NULL", kind, name, index);
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  if (actual->dtype != expected->dtype) {
    setError(err, "%s '%s': expected dtype %s but got %s (%d)", kind, name,
             dtypeName(expected->dtype), dtypeName(actual->dtype),
             (int)actual->dtype);
    return CNNRT_ERROR_DTYPE_MISMATCH;
  }
  formatShape(want, sizeof(want), expected->shape, expected->rank);
  if (actual->rank < 0 || (actual->rank > 0 && !actual->shape)) {
    setError(err, "%s '%s': invalid rank %d or NULL shape (expected shape %s)",
             kind, name, (int)actual->rank, want);
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  if (actual->rank != expected->rank) {
    formatShape(got, sizeof(got), actual->shape, actual->rank);
    setError(err, "%s '%s': expected rank %d (shape %s) but got rank %d (%s)",
             kind, name, (int)expected->rank, want, (int)actual->rank, got);
    return CNNRT_ERROR_SHAPE_MISMATCH;
  }
  for (int32_t d = 0; d < expected->rank; ++d) {
    if (actual->shape[d] != expected->shape[d]) {
      formatShape(got, sizeof(got), actual->shape, actual->rank);
      setError(err, "%s '%s': expected shape %s but got %s", kind, name, want,
               got);
      return CNNRT_ERROR_SHAPE_MISMATCH;
    }
  }
  if (actual->strides) {
    /* Dense row-major; the stride of a size-1 dimension is never used to
     * address anything, so any value is accepted there (as numpy and PyTorch
     * do when they decide contiguity). */
    int64_t dense = 1;
    for (int32_t d = expected->rank - 1; d >= 0; --d) {
      if (expected->shape[d] != 1 && actual->strides[d] != dense) {
        formatShape(got, sizeof(got), actual->strides, actual->rank);
        setError(err,
                 "%s '%s': strides %s are not dense row-major for shape %s "
                 "(pass NULL strides for a dense buffer)",
                 kind, name, got, want);
        return CNNRT_ERROR_INVALID_ARGUMENT;
      }
      dense *= expected->shape[d];
    }
  }
  return CNNRT_OK;
}

static int checkTensors(const char *kind, const cnnrt_tensor_info *expected,
                        int32_t numExpected, const cnnrt_tensor *actual,
                        size_t numActual, cnnrt_error *err) {
  if (numActual != (size_t)numExpected) {
    setError(err, "expected %d %s tensor(s) but got %zu", (int)numExpected,
             kind, numActual);
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  if (numActual && !actual) {
    setError(err, "%s tensor array is NULL but %zu %s(s) are expected", kind,
             numActual, kind);
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  for (size_t i = 0; i < numActual; ++i) {
    int code = checkTensor(kind, i, &expected[i], &actual[i], err);
    if (code != CNNRT_OK)
      return code;
  }
  return CNNRT_OK;
}

CNNRT_EXPORT uint32_t cnnrt_lib_abi_version(void) { return CNNRT_ABI_VERSION; }

CNNRT_EXPORT const cnnrt_model_signature *cnnrt_lib_signature(void) {
  return &cnnc_model_signature;
}

/* The executor of the run in progress on this thread, if any. */
static __thread const cnnrt_executor *currentExecutor;

/* A parallel loop body and the run it belongs to, as handed to an
 * executor. */
typedef struct Task {
  cnnrt_task_fn fn;
  void *ctx;
  CnnrtRun *run;
  int64_t layer; /* of the thread that started the loop */
} Task;

/* Runs one chunk for the run of `task` on whatever thread the executor
 * chose: a chunk whose allocation fails comes back here (the jump target of
 * this thread for the chunk's duration), and once one has failed the run's
 * other chunks do nothing. */
static void runChunk(void *task, int64_t begin, int64_t end) {
  const Task *t = (const Task *)task;
  if (atomic_load_explicit(&t->run->failed, memory_order_relaxed))
    return;
  CnnrtRun *savedRun = cnnrtCurrentRun;
  jmp_buf *savedJump = cnnrtCurrentJump;
  int64_t savedLayer = cnnrtCurrentLayer;
  jmp_buf here;
  cnnrtCurrentRun = t->run;
  cnnrtCurrentJump = &here;
  cnnrtCurrentLayer = t->layer;
  if (setjmp(here) == 0)
    t->fn(t->ctx, begin, end);
  cnnrtCurrentRun = savedRun;
  cnnrtCurrentJump = savedJump;
  cnnrtCurrentLayer = savedLayer;
}

void cnnrt_parallel_for(cnnrt_task_fn fn, void *ctx, int64_t begin,
                        int64_t end) {
  if (begin >= end)
    return;
  const cnnrt_executor *e = currentExecutor;
  CnnrtRun *run = cnnrtCurrentRun;
  if (!e || !e->parallel_for || end - begin <= 1 || !run || !cnnrtCurrentJump) {
    fn(ctx, begin, end);
    return;
  }
  Task task = {fn, ctx, run, cnnrtCurrentLayer};
  e->parallel_for(e->impl, runChunk, &task, begin, end);
  /* A chunk ran out of memory: end the run (or the enclosing chunk). */
  if (atomic_load_explicit(&run->failed, memory_order_acquire))
    longjmp(*cnnrtCurrentJump, 1);
}

/* The profile of the profiled run in progress on this thread, if any. */
typedef struct Profile {
  double *seconds;
  int64_t numLayers;
  int64_t current; /* layer running since `since`, -1 before the first */
  struct timespec since;
} Profile;
static __thread Profile *currentProfile;

void cnnrt_layer_mark(int64_t id) {
  cnnrtCurrentLayer = id;
  Profile *p = currentProfile;
  if (!p)
    return;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  if (p->current >= 0 && p->current < p->numLayers)
    p->seconds[p->current] += (double)(now.tv_sec - p->since.tv_sec) +
                              1e-9 * (double)(now.tv_nsec - p->since.tv_nsec);
  p->current = id;
  p->since = now;
}

/* Whether this CPU has every ISA feature the generated code may use; the
 * answer "yes" is kept (cpuid is slow in a VM), a refusal is recomputed for
 * its message. */
static int checkHost(cnnrt_error *err) {
  static atomic_int hostOk;
  if (atomic_load_explicit(&hostOk, memory_order_relaxed))
    return CNNRT_OK;
  const cnnrt_model_signature *sig = &cnnc_model_signature;
  char missing[256];
  if (!cnnrtHostHasFeatures(sig->required_features, missing,
                            sizeof(missing))) {
    setError(err,
             "this CPU lacks instruction-set features that model '%s' was "
             "compiled for: %s (library target: %s); recompile it with "
             "--target=native on this machine or an older --target",
             sig->model_name ? sig->model_name : "",
             missing, sig->target ? sig->target : "unknown");
    return CNNRT_ERROR_LOAD;
  }
  atomic_store_explicit(&hostOk, 1, memory_order_relaxed);
  return CNNRT_OK;
}

/* CNNC_TEST_FAIL_ALLOCATION: the allocation of each run that fails (from
 * 1), 0 when unset or invalid. */
static uint64_t testFailAllocation(void) {
  const char *env = getenv("CNNC_TEST_FAIL_ALLOCATION");
  if (!env || !*env)
    return 0;
  char *end = NULL;
  unsigned long long n = strtoull(env, &end, 10);
  return end && *end == '\0' ? (uint64_t)n : 0;
}

/* Fills `err` for a run ended by a failed allocation: the bytes, and where
 * (the layer, when the library has a layer table). */
static void setOutOfMemory(const CnnrtRun *state, cnnrt_error *err) {
  const cnnrt_model_signature *sig = &cnnc_model_signature;
  int64_t layer = state->failedLayer;
  char where[192] = "";
  if (sig->num_layers > 0 && sig->layers) {
    if (layer < 0)
      snprintf(where, sizeof(where), " for its activations");
    else if (layer >= sig->num_layers)
      snprintf(where, sizeof(where), " after its last layer");
    else
      snprintf(where, sizeof(where), " in layer '%s'",
               sig->layers[layer].name ? sig->layers[layer].name : "");
  }
  setError(err,
           "out of memory: model '%s' could not allocate %llu bytes%s; the "
           "run was abandoned and its memory freed",
           sig->model_name ? sig->model_name : "",
           (unsigned long long)state->failedBytes, where);
}

static int run(const cnnrt_tensor *inputs, size_t num_inputs,
               const cnnrt_tensor *outputs, size_t num_outputs,
               const cnnrt_executor *executor, double *layer_seconds,
               cnnrt_error *err) {
  const cnnrt_model_signature *sig = &cnnc_model_signature;
  if (err)
    err->message[0] = '\0';

  int code = checkHost(err);
  if (code != CNNRT_OK)
    return code;
  code = checkTensors("input", sig->inputs, sig->num_inputs, inputs,
                      num_inputs, err);
  if (code != CNNRT_OK)
    return code;
  code = checkTensors("output", sig->outputs, sig->num_outputs, outputs,
                      num_outputs, err);
  if (code != CNNRT_OK)
    return code;

  size_t total = num_inputs + num_outputs;
  void *stackBuffers[kStackBuffers];
  void **buffers = stackBuffers;
  if (total > kStackBuffers) {
    buffers = (void **)malloc(total * sizeof(void *));
    if (!buffers) {
      setError(err, "out of memory collecting %zu buffer pointers", total);
      return CNNRT_ERROR_OUT_OF_MEMORY;
    }
  }
  for (size_t i = 0; i < num_inputs; ++i)
    buffers[i] = inputs[i].data;
  for (size_t i = 0; i < num_outputs; ++i)
    buffers[num_inputs + i] = outputs[i].data;

  CnnrtRun state;
  memset(&state, 0, sizeof(state));
  atomic_flag_clear(&state.lock);
  atomic_init(&state.failed, 0);
  atomic_init(&state.allocations, 0);
  state.failAt = testFailAllocation();
  state.failedLayer = -1;

  /* Saved and restored, so that a host calling a model from inside another
   * model's parallel task (it should not) still gets back what it had. */
  const cnnrt_executor *savedExecutor = currentExecutor;
  Profile *savedProfile = currentProfile;
  CnnrtRun *savedRun = cnnrtCurrentRun;
  jmp_buf *savedJump = cnnrtCurrentJump;
  int64_t savedLayer = cnnrtCurrentLayer;
  Profile profile = {layer_seconds, sig->num_layers, -1, {0, 0}};
  jmp_buf failed;
  currentExecutor = executor;
  currentProfile = layer_seconds ? &profile : NULL;
  cnnrtCurrentRun = &state;
  cnnrtCurrentJump = &failed;
  cnnrtCurrentLayer = -1;
  /* Only `state` (through pointers) changes between setjmp and a longjmp. */
  if (setjmp(failed) == 0) {
    cnnc_model_entry(buffers);
    code = CNNRT_OK;
  } else {
    cnnrtRunFreeAll(&state);
    setOutOfMemory(&state, err);
    code = CNNRT_ERROR_OUT_OF_MEMORY;
  }
  currentExecutor = savedExecutor;
  currentProfile = savedProfile;
  cnnrtCurrentRun = savedRun;
  cnnrtCurrentJump = savedJump;
  cnnrtCurrentLayer = savedLayer;

  if (buffers != stackBuffers)
    free(buffers);
  return code;
}

CNNRT_EXPORT int cnnrt_lib_run(const cnnrt_tensor *inputs, size_t num_inputs,
                               const cnnrt_tensor *outputs, size_t num_outputs,
                               cnnrt_error *err) {
  return run(inputs, num_inputs, outputs, num_outputs, NULL, NULL, err);
}

CNNRT_EXPORT int cnnrt_lib_run_profiled(const cnnrt_tensor *inputs,
                                        size_t num_inputs,
                                        const cnnrt_tensor *outputs,
                                        size_t num_outputs,
                                        double *layer_seconds,
                                        cnnrt_error *err) {
  if (!layer_seconds) {
    setError(err, "cnnrt_lib_run_profiled: layer_seconds is NULL");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  return run(inputs, num_inputs, outputs, num_outputs, NULL, layer_seconds,
             err);
}

CNNRT_EXPORT int cnnrt_lib_run_with(const cnnrt_tensor *inputs,
                                    size_t num_inputs,
                                    const cnnrt_tensor *outputs,
                                    size_t num_outputs,
                                    const cnnrt_executor *executor,
                                    double *layer_seconds, cnnrt_error *err) {
  if (executor && !executor->parallel_for) {
    setError(err, "cnnrt_lib_run_with: executor has no parallel_for");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  return run(inputs, num_inputs, outputs, num_outputs, executor,
             layer_seconds, err);
}
