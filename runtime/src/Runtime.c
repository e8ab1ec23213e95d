/*===- Runtime.c - host-side loader for cnnc model libraries --------------===*
 *
 * Implements cnnrt.h on top of dlopen. The model library validates every run
 * itself (ModelStub.c), so this layer only checks the file (a whole ELF
 * shared object for this machine, ElfCheck.c) before dlopen, finds the entry
 * points, checks the ABI version and the host's ISA features (HostFeatures.h)
 * once at load time, and forwards calls with the process-wide
 * thread pool (ThreadPool.c) as executor. All other state lives in the
 * cnnrt_model handle.
 *
 *===----------------------------------------------------------------------===*/

#include "cnnrt/cnnrt.h"
#include "ElfCheck.h"
#include "HostFeatures.h"
#include "SignatureCheck.h"
#include "ThreadPool.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef uint32_t (*AbiVersionFn)(void);
typedef const cnnrt_model_signature *(*SignatureFn)(void);
typedef int (*RunFn)(const cnnrt_tensor *, size_t, const cnnrt_tensor *, size_t,
                     cnnrt_error *);
typedef int (*RunWithFn)(const cnnrt_tensor *, size_t, const cnnrt_tensor *,
                         size_t, const cnnrt_executor *, double *,
                         cnnrt_error *);

struct cnnrt_model {
  void *handle;
  RunWithFn runWith;
  const cnnrt_model_signature *signature;
};

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

/* dlsym returns an object pointer; converting it through memcpy avoids the
 * object-to-function pointer cast that ISO C leaves undefined. */
static int lookup(void *handle, const char *name, void *fnOut, size_t fnSize) {
  dlerror();
  void *sym = dlsym(handle, name);
  if (!sym)
    return 0;
  memcpy(fnOut, &sym, fnSize);
  return 1;
}

/* Checks one input or output of a signature (see SignatureCheck.h). */
static int checkTensorInfo(const cnnrt_tensor_info *t, const char *kind,
                           int32_t index, const char *path, cnnrt_error *err) {
  const char *why = NULL;
  size_t elementSize = cnnrt_dtype_size(t->dtype);
  if (!t->name)
    why = "no name";
  else if (!elementSize)
    why = "an unknown dtype";
  else if (t->rank < 0 || t->rank > kCnnrtMaxSignatureRank)
    why = "an invalid rank";
  else if (t->rank > 0 && !t->shape)
    why = "no shape";
  if (!why) {
    /* The byte size must fit in int64: the stub computes dense strides and
     * hosts compute buffer sizes from these dimensions, in any order, so a
     * zero dimension does not excuse huge others (zeros count as 1). */
    uint64_t bytes = elementSize;
    for (int32_t d = 0; d < t->rank && !why; ++d) {
      uint64_t dim = (uint64_t)t->shape[d];
      if (t->shape[d] < 0)
        why = "a negative dimension";
      else if (__builtin_mul_overflow(bytes, dim ? dim : 1, &bytes) ||
               bytes > (uint64_t)INT64_MAX)
        why = "a shape too large to address";
    }
  }
  if (!why)
    return CNNRT_OK;
  setError(err,
           "'%s': model library has a malformed signature: %s #%d has %s "
           "(dtype %d, rank %d)",
           path, kind, (int)index, why, (int)t->dtype, (int)t->rank);
  return CNNRT_ERROR_LOAD;
}

int cnnrtCheckSignature(const cnnrt_model_signature *sig, const char *path,
                        cnnrt_error *err) {
  if (!sig) {
    setError(err, "'%s': model library returned a NULL signature", path);
    return CNNRT_ERROR_LOAD;
  }
  if (sig->abi_version != CNNRT_ABI_VERSION) {
    setError(err,
             "'%s': model code was generated for cnnrt ABI version %u but "
             "this runtime implements version %u; recompile the model",
             path, (unsigned)sig->abi_version, (unsigned)CNNRT_ABI_VERSION);
    return CNNRT_ERROR_LOAD;
  }
  if (sig->num_inputs < 0 || sig->num_outputs < 0 ||
      (sig->num_inputs && !sig->inputs) ||
      (sig->num_outputs && !sig->outputs) || sig->num_layers < 0 ||
      (sig->num_layers && !sig->layers)) {
    setError(err, "'%s': model library has a malformed signature", path);
    return CNNRT_ERROR_LOAD;
  }
  for (int32_t i = 0; i < sig->num_inputs; ++i)
    if (checkTensorInfo(&sig->inputs[i], "input", i, path, err) != CNNRT_OK)
      return CNNRT_ERROR_LOAD;
  for (int32_t i = 0; i < sig->num_outputs; ++i)
    if (checkTensorInfo(&sig->outputs[i], "output", i, path, err) != CNNRT_OK)
      return CNNRT_ERROR_LOAD;
  /* Hosts print the layer table and add up its multiply-accumulates. */
  int64_t macs = 0;
  for (int32_t i = 0; i < sig->num_layers; ++i) {
    const cnnrt_layer_info *l = &sig->layers[i];
    if (!l->name || !l->kind || l->macs < 0 ||
        __builtin_add_overflow(macs, l->macs, &macs)) {
      setError(err,
               "'%s': model library has a malformed signature: layer #%d "
               "has %s",
               path, (int)i,
               !l->name || !l->kind ? "no name or kind"
                                    : "an invalid multiply-accumulate count");
      return CNNRT_ERROR_LOAD;
    }
  }
  char missing[256];
  if (!cnnrtHostHasFeatures(sig->required_features, missing,
                            sizeof(missing))) {
    setError(err,
             "cannot load model library '%s': this CPU lacks instruction-set "
             "features the model was compiled for: %s (library target: %s); "
             "recompile it with --target=native on this machine or an older "
             "--target",
             path, missing, sig->target ? sig->target : "unknown");
    return CNNRT_ERROR_LOAD;
  }
  return CNNRT_OK;
}

int cnnrt_load(const char *path, cnnrt_model **out, cnnrt_error *err) {
  if (err)
    err->message[0] = '\0';
  if (!out) {
    setError(err, "cnnrt_load: output handle pointer is NULL");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  *out = NULL;
  if (!path || !*path) {
    setError(err, "cnnrt_load: empty model library path");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }

  /* A clearer message than dlopen's for the most common mistake. */
  struct stat st;
  if (stat(path, &st) != 0) {
    setError(err, "cannot load model library '%s': no such file", path);
    return CNNRT_ERROR_LOAD;
  }
  if (!S_ISREG(st.st_mode)) {
    setError(err, "cannot load model library '%s': not a regular file", path);
    return CNNRT_ERROR_LOAD;
  }

  /* dlopen trusts the file's headers: a truncated library dies with
   * SIGBUS inside the loader. */
  char why[384];
  if (!cnnrtCheckElfFile(path, why, sizeof(why))) {
    setError(err, "cannot load model library '%s': %s", path, why);
    return CNNRT_ERROR_LOAD;
  }

  /* dlopen searches the library path for a name without '/'; a model is a
   * file the user named, so anchor it to the current directory. */
  const char *openPath = path;
  char *anchored = NULL;
  if (!strchr(path, '/')) {
    size_t len = strlen(path);
    anchored = (char *)malloc(len + 3);
    if (!anchored) {
      setError(err, "cnnrt_load: out of memory");
      return CNNRT_ERROR_OUT_OF_MEMORY;
    }
    memcpy(anchored, "./", 2);
    memcpy(anchored + 2, path, len + 1);
    openPath = anchored;
  }
  /* RTLD_LOCAL: two models must not resolve each other's symbols.
   * RTLD_NOW: report unresolved symbols here, not in the middle of a run. */
  void *handle = dlopen(openPath, RTLD_NOW | RTLD_LOCAL);
  free(anchored);
  if (!handle) {
    const char *why = dlerror();
    setError(err, "cannot load model library '%s': %s", path,
             why ? why : "unknown dlopen error");
    return CNNRT_ERROR_LOAD;
  }

  AbiVersionFn abiVersion = NULL;
  SignatureFn signature = NULL;
  RunFn run = NULL;
  RunWithFn runWith = NULL;
  if (!lookup(handle, "cnnrt_lib_abi_version", &abiVersion,
              sizeof(abiVersion)) ||
      !lookup(handle, "cnnrt_lib_signature", &signature, sizeof(signature)) ||
      !lookup(handle, "cnnrt_lib_run", &run, sizeof(run))) {
    setError(err,
             "'%s' is not a cnnc model library (it does not export "
             "cnnrt_lib_abi_version, cnnrt_lib_signature and cnnrt_lib_run)",
             path);
    dlclose(handle);
    return CNNRT_ERROR_LOAD;
  }

  uint32_t version = abiVersion();
  if (version != CNNRT_ABI_VERSION) {
    setError(err,
             "'%s': model library was built for cnnrt ABI version %u but "
             "this runtime implements version %u; recompile the model",
             path, (unsigned)version, (unsigned)CNNRT_ABI_VERSION);
    dlclose(handle);
    return CNNRT_ERROR_LOAD;
  }
  const cnnrt_model_signature *sig = signature();
  int code = cnnrtCheckSignature(sig, path, err);
  if (code != CNNRT_OK) {
    dlclose(handle);
    return code;
  }

  cnnrt_model *model = (cnnrt_model *)calloc(1, sizeof(cnnrt_model));
  if (!model) {
    setError(err, "cnnrt_load: out of memory");
    dlclose(handle);
    return CNNRT_ERROR_OUT_OF_MEMORY;
  }
  model->handle = handle;
  if (!lookup(handle, "cnnrt_lib_run_with", &runWith, sizeof(runWith))) {
    setError(err, "'%s' does not export cnnrt_lib_run_with", path);
    free(model);
    dlclose(handle);
    return CNNRT_ERROR_LOAD;
  }
  model->runWith = runWith;
  model->signature = sig;
  *out = model;
  return CNNRT_OK;
}

const cnnrt_model_signature *cnnrt_signature(const cnnrt_model *model) {
  return model ? model->signature : NULL;
}

int cnnrt_run(cnnrt_model *model, const cnnrt_tensor *inputs, size_t num_inputs,
              const cnnrt_tensor *outputs, size_t num_outputs,
              cnnrt_error *err) {
  if (!model) {
    setError(err, "cnnrt_run: model handle is NULL");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  return model->runWith(inputs, num_inputs, outputs, num_outputs,
                        cnnrtPoolExecutor(), NULL, err);
}

int cnnrt_run_profiled(cnnrt_model *model, const cnnrt_tensor *inputs,
                       size_t num_inputs, const cnnrt_tensor *outputs,
                       size_t num_outputs, double *layer_seconds,
                       cnnrt_error *err) {
  if (!model) {
    setError(err, "cnnrt_run_profiled: model handle is NULL");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  if (!layer_seconds) {
    setError(err, "cnnrt_run_profiled: layer_seconds is NULL");
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  return model->runWith(inputs, num_inputs, outputs, num_outputs,
                        cnnrtPoolExecutor(), layer_seconds, err);
}

int cnnrt_set_num_threads(int n, cnnrt_error *err) {
  if (err)
    err->message[0] = '\0';
  if (n < 1 || n > kCnnrtMaxThreads) {
    setError(err, "cnnrt_set_num_threads: %d threads requested; expected 1 to %d",
             n, (int)kCnnrtMaxThreads);
    return CNNRT_ERROR_INVALID_ARGUMENT;
  }
  int got = cnnrtPoolResize(n);
  if (got != n) {
    setError(err,
             "cnnrt_set_num_threads: could start only %d of %d threads", got,
             n);
    return CNNRT_ERROR_INTERNAL;
  }
  return CNNRT_OK;
}

int cnnrt_get_num_threads(void) { return cnnrtPoolThreads(); }

static int findTensor(const cnnrt_tensor_info *infos, int32_t count,
                      const char *name) {
  if (!name)
    return -1;
  for (int32_t i = 0; i < count; ++i)
    if (infos[i].name && strcmp(infos[i].name, name) == 0)
      return (int)i;
  return -1;
}

int cnnrt_find_input(const cnnrt_model *model, const char *name) {
  if (!model)
    return -1;
  return findTensor(model->signature->inputs, model->signature->num_inputs,
                    name);
}

int cnnrt_find_output(const cnnrt_model *model, const char *name) {
  if (!model)
    return -1;
  return findTensor(model->signature->outputs, model->signature->num_outputs,
                    name);
}

void cnnrt_unload(cnnrt_model *model) {
  if (!model)
    return;
  dlclose(model->handle);
  free(model);
}

const char *cnnrt_code_name(int code) {
  switch (code) {
  case CNNRT_OK:
    return "CNNRT_OK";
  case CNNRT_ERROR_INVALID_ARGUMENT:
    return "CNNRT_ERROR_INVALID_ARGUMENT";
  case CNNRT_ERROR_SHAPE_MISMATCH:
    return "CNNRT_ERROR_SHAPE_MISMATCH";
  case CNNRT_ERROR_DTYPE_MISMATCH:
    return "CNNRT_ERROR_DTYPE_MISMATCH";
  case CNNRT_ERROR_LOAD:
    return "CNNRT_ERROR_LOAD";
  case CNNRT_ERROR_OUT_OF_MEMORY:
    return "CNNRT_ERROR_OUT_OF_MEMORY";
  case CNNRT_ERROR_INTERNAL:
    return "CNNRT_ERROR_INTERNAL";
  default:
    return "CNNRT_UNKNOWN_CODE";
  }
}

const char *cnnrt_dtype_name(int dtype) {
  switch (dtype) {
  case CNNRT_DTYPE_F32:
    return "f32";
  case CNNRT_DTYPE_I64:
    return "i64";
  default:
    return "unknown";
  }
}

size_t cnnrt_dtype_size(int dtype) {
  switch (dtype) {
  case CNNRT_DTYPE_F32:
    return 4;
  case CNNRT_DTYPE_I64:
    return 8;
  default:
    return 0;
  }
}

size_t cnnrt_num_elements(const cnnrt_tensor_info *info) {
  if (!info || info->rank < 0 || (info->rank > 0 && !info->shape))
    return 0;
  size_t count = 1;
  for (int32_t i = 0; i < info->rank; ++i) {
    if (info->shape[i] < 0)
      return 0;
    count *= (size_t)info->shape[i];
  }
  return count;
}
