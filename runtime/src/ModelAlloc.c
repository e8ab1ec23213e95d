/*===- ModelAlloc.c - heap allocations of generated code ------------------===*
 *
 * cnnc lowers memref allocations with memref-to-llvm's generic functions
 * (finalize-memref-to-llvm{use-generic-functions}, lib/Pipelines), defined
 * here. Each block carries a header just below the pointer handed out,
 * linking it into the list of its run, so that a run ended by a failed
 * allocation can free whatever it still holds (see ModelRun.h). A failed
 * allocation never returns.
 *
 *===----------------------------------------------------------------------===*/

#include "ModelRun.h"

#include <stdio.h>
#include <stdlib.h>

#define HIDDEN __attribute__((visibility("hidden")))

__thread CnnrtRun *cnnrtCurrentRun;
__thread jmp_buf *cnnrtCurrentJump;
__thread int64_t cnnrtCurrentLayer = -1;

struct CnnrtBlock {
  CnnrtBlock *prev, *next;
  void *raw;     /* what aligned_alloc returned */
  CnnrtRun *run; /* NULL for an allocation outside a run */
};

/* aligned_alloc's smallest useful alignment, and the header's. */
enum { kMinAlignment = 16 };
_Static_assert(sizeof(CnnrtBlock) % kMinAlignment == 0,
               "the header keeps the block aligned");

static void lockRun(CnnrtRun *run) {
  while (atomic_flag_test_and_set_explicit(&run->lock, memory_order_acquire))
    ;
}

static void unlockRun(CnnrtRun *run) {
  atomic_flag_clear_explicit(&run->lock, memory_order_release);
}

_Noreturn static void failAllocation(uint64_t bytes) {
  CnnrtRun *run = cnnrtCurrentRun;
  jmp_buf *target = cnnrtCurrentJump;
  if (!run || !target) {
    /* Generated code called outside cnnrt_lib_run*: nothing to return to. */
    fprintf(stderr,
            "cnnrt: out of memory: allocation of %llu bytes failed outside a "
            "model run\n",
            (unsigned long long)bytes);
    abort();
  }
  int expected = 0;
  if (atomic_compare_exchange_strong(&run->failed, &expected, 1)) {
    run->failedBytes = bytes;
    run->failedLayer = cnnrtCurrentLayer;
  }
  longjmp(*target, 1);
}

HIDDEN void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment,
                                                uint64_t size) {
  CnnrtRun *run = cnnrtCurrentRun;
  if (alignment < kMinAlignment)
    alignment = kMinAlignment;
  if (alignment & (alignment - 1))
    failAllocation(size); /* never generated: alignments are powers of 2 */
  /* The header sits right below the returned pointer, in a pad that keeps
   * the pointer aligned. */
  uint64_t pad = (sizeof(CnnrtBlock) + alignment - 1) & ~(alignment - 1);
  if (size > UINT64_MAX - pad - alignment || size > SIZE_MAX - pad - alignment)
    failAllocation(size);
  uint64_t total = (pad + size + alignment - 1) & ~(alignment - 1);
  if (run && run->failAt &&
      atomic_fetch_add_explicit(&run->allocations, 1, memory_order_relaxed) +
              1 ==
          run->failAt)
    failAllocation(size);
  char *raw = (char *)aligned_alloc((size_t)alignment, (size_t)total);
  if (!raw)
    failAllocation(size);
  CnnrtBlock *block = (CnnrtBlock *)(raw + pad) - 1;
  block->raw = raw;
  block->run = run;
  block->prev = NULL;
  if (run) {
    lockRun(run);
    block->next = run->blocks;
    if (run->blocks)
      run->blocks->prev = block;
    run->blocks = block;
    unlockRun(run);
  } else {
    block->next = NULL;
  }
  return raw + pad;
}

HIDDEN void *_mlir_memref_to_llvm_alloc(uint64_t size) {
  return _mlir_memref_to_llvm_aligned_alloc(kMinAlignment, size);
}

HIDDEN void _mlir_memref_to_llvm_free(void *ptr) {
  if (!ptr)
    return;
  CnnrtBlock *block = (CnnrtBlock *)ptr - 1;
  CnnrtRun *run = block->run;
  if (run) {
    lockRun(run);
    if (block->prev)
      block->prev->next = block->next;
    else
      run->blocks = block->next;
    if (block->next)
      block->next->prev = block->prev;
    unlockRun(run);
  }
  free(block->raw);
}

void cnnrtRunFreeAll(CnnrtRun *run) {
  CnnrtBlock *block = run->blocks;
  while (block) {
    CnnrtBlock *next = block->next;
    free(block->raw);
    block = next;
  }
  run->blocks = NULL;
}
