/*===- ModelRun.h - state of a model run, shared inside the stub ----------===*
 *
 * Internal to the model stub (ModelStub.c, ModelAlloc.c). A run's state lives
 * on the stack of cnnrt_lib_run*; the threads working for the run (the
 * caller, and the executor's threads while they run one of its parallel
 * chunks) reach it through the thread-local `cnnrtCurrentRun`.
 *
 * Allocation failures: every heap allocation of generated code goes through
 * ModelAlloc.c, which records it in the run's list. A failed allocation
 * records the failure in the run and longjmps to the innermost jump target of
 * its thread (`cnnrtCurrentJump`): the run's own (in cnnrt_lib_run*, on the
 * calling thread) or that of the parallel chunk being run (in the stub's task
 * trampoline, on any thread). A chunk that failed returns normally to the
 * executor, the run's remaining chunks do nothing, and once the executor's
 * parallel_for returns the caller jumps on to the run's target. The run then
 * frees every allocation still in its list. Generated code holds nothing but
 * memory, so skipping its frames loses nothing else.
 *
 *===----------------------------------------------------------------------===*/
#ifndef CNNRT_MODELRUN_H
#define CNNRT_MODELRUN_H

#include <setjmp.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct CnnrtBlock CnnrtBlock;

typedef struct CnnrtRun {
  atomic_flag lock;          /* guards `blocks` */
  CnnrtBlock *blocks;        /* live allocations of this run */
  atomic_int failed;         /* an allocation failed; chunks do nothing */
  uint64_t failAt;           /* CNNC_TEST_FAIL_ALLOCATION, 0 when unset */
  atomic_uint_fast64_t allocations; /* counted only when failAt is set */
  uint64_t failedBytes;      /* set by the first failing allocation */
  int64_t failedLayer;
} CnnrtRun;

/* The run the calling thread works for, or NULL. */
extern __thread CnnrtRun *cnnrtCurrentRun;
/* Where a failed allocation on the calling thread jumps to, or NULL. */
extern __thread jmp_buf *cnnrtCurrentJump;
/* The layer the calling thread works in (cnnrt_layer_mark on this thread,
 * or the layer that started the parallel chunk it runs), -1 before the
 * first. Per thread: a parallel loop over images marks layers on several
 * threads at once. */
extern __thread int64_t cnnrtCurrentLayer;

/* Frees every allocation still recorded in `run` (after a failed run, once
 * no thread works for it any more). */
void cnnrtRunFreeAll(CnnrtRun *run);

#endif /* CNNRT_MODELRUN_H */
