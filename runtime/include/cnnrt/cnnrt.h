/*===- cnnrt.h - host-side C API for loading and running cnnc models -----===*
 *
 * libcnnrt.so loads model libraries built by cnnc (dlopen), exposes their
 * signatures and runs them. Every fallible call returns a cnnrt_code and, when
 * given a non-NULL `err`, fills it with a message naming the offending tensor
 * or file. The only global state is the thread pool that runs every model's
 * parallel loops (cnnrt_set_num_threads); otherwise any number of models
 * (including the same file loaded twice) can be used side by side. Loading
 * the same file twice shares its code and weights (the dynamic loader maps a
 * file once), so it isolates nothing that the generated code itself shares.
 *
 *===----------------------------------------------------------------------===*/
#ifndef CNNRT_H
#define CNNRT_H

#include "cnnrt/cnnrt_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define CNNRT_API __attribute__((visibility("default")))
#else
#define CNNRT_API
#endif

/* A loaded model library. Opaque; created by cnnrt_load, freed by
 * cnnrt_unload. */
typedef struct cnnrt_model cnnrt_model;

/* Loads the model library at `path`. A path without '/' is taken relative to
 * the current directory, never searched on the system library path, so that
 * `cnnrt_load("libmodel.so", ...)` cannot pick up an unrelated library.
 * Fails with CNNRT_ERROR_LOAD when the file is missing, is not a complete
 * ELF shared object for this machine (checked before dlopen: a truncated
 * library would otherwise die with SIGBUS inside the loader), is not a cnnc
 * model library, was built for a different CNNRT_ABI_VERSION, or needs
 * instruction-set features this CPU lacks (the message names them; the
 * environment variable CNNC_HOST_FEATURES_MASK="avx512f,..." hides host
 * features, for tests); `*out` is then NULL. */
CNNRT_API int cnnrt_load(const char *path, cnnrt_model **out, cnnrt_error *err);

/* The model's inputs and outputs; valid until cnnrt_unload. NULL for a NULL
 * model. */
CNNRT_API const cnnrt_model_signature *
cnnrt_signature(const cnnrt_model *model);

/* Runs the model. `inputs` and `outputs` are in signature order; each tensor
 * must match its signature entry exactly (dtype, rank, shape) and be dense
 * row-major. Nothing is run when a check fails. A run whose memory cannot
 * be allocated returns CNNRT_ERROR_OUT_OF_MEMORY (the message names the bytes
 * and the layer), having freed what it allocated; the model stays usable.
 * `err` may be NULL. */
CNNRT_API int cnnrt_run(cnnrt_model *model, const cnnrt_tensor *inputs,
                        size_t num_inputs, const cnnrt_tensor *outputs,
                        size_t num_outputs, cnnrt_error *err);

/* Like cnnrt_run, and adds the seconds spent in each layer to
 * `layer_seconds[i]` for i < signature->num_layers (see cnnrt_layer_info).
 * Timing costs two clock reads per layer. */
CNNRT_API int cnnrt_run_profiled(cnnrt_model *model,
                                 const cnnrt_tensor *inputs, size_t num_inputs,
                                 const cnnrt_tensor *outputs,
                                 size_t num_outputs, double *layer_seconds,
                                 cnnrt_error *err);

/* Threads that run models' parallel loops: one process-wide pool shared by
 * every model, counting the calling thread. A loop started while another
 * thread has the pool runs on its caller's thread alone, so several models
 * run at once never oversubscribe the CPUs. The default is CNNC_NUM_THREADS
 * when set, else the number of CPUs the process may run on. `n` must be in
 * [1, 1024]; 1 runs everything on the caller's thread. Waits for a loop in
 * progress. Returns CNNRT_OK or CNNRT_ERROR_INVALID_ARGUMENT, and
 * CNNRT_ERROR_INTERNAL when fewer threads could be started (the pool keeps
 * those it got). */
CNNRT_API int cnnrt_set_num_threads(int n, cnnrt_error *err);

/* The pool's current size (creating it with the default size on first
 * use). */
CNNRT_API int cnnrt_get_num_threads(void);

/* Index of the input/output called `name`, or -1 when there is none. */
CNNRT_API int cnnrt_find_input(const cnnrt_model *model, const char *name);
CNNRT_API int cnnrt_find_output(const cnnrt_model *model, const char *name);

/* Unloads the library. NULL is accepted. Tensors and signatures obtained from
 * the model must not be used afterwards. */
CNNRT_API void cnnrt_unload(cnnrt_model *model);

/* "CNNRT_OK", "CNNRT_ERROR_SHAPE_MISMATCH", ...; "CNNRT_UNKNOWN_CODE" for a
 * value outside cnnrt_code. Never NULL. */
CNNRT_API const char *cnnrt_code_name(int code);

/* "f32", "i64"; "unknown" for any other value. Never NULL. */
CNNRT_API const char *cnnrt_dtype_name(int dtype);

/* Size in bytes of one element of `dtype`, or 0 for an unknown dtype. */
CNNRT_API size_t cnnrt_dtype_size(int dtype);

/* Number of elements of a tensor described by `info` (1 for rank 0, 0 for
 * NULL or a negative dimension). */
CNNRT_API size_t cnnrt_num_elements(const cnnrt_tensor_info *info);

#ifdef __cplusplus
}
#endif

#endif /* CNNRT_H */
