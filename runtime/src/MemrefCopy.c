/*===- MemrefCopy.c - strided copy called by generated code ---------------===*
 *
 * MLIR lowers a memref.copy between non-contiguous views (e.g. writing a
 * tensor into a padded buffer) to a call of `memrefCopy`, which upstream
 * provides in libmlir_c_runner_utils. Model libraries must not depend on MLIR's
 * runtime libraries, so the model stub carries its own implementation of the
 * same ABI: unranked descriptors {rank, pointer to a ranked descriptor}.
 *
 *===----------------------------------------------------------------------===*/

#include <stdint.h>
#include <string.h>

typedef struct {
  int64_t rank;
  void *descriptor;
} UnrankedMemRef;

/* The ranked descriptor: allocated, aligned, offset, sizes[rank],
 * strides[rank]. */
typedef struct {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
} RankedMemRef;

enum { kMaxRank = 16 };

__attribute__((visibility("hidden"))) void
memrefCopy(int64_t elemSize, UnrankedMemRef *src, UnrankedMemRef *dst) {
  int64_t rank = src->rank;
  const RankedMemRef *s = (const RankedMemRef *)src->descriptor;
  const RankedMemRef *d = (const RankedMemRef *)dst->descriptor;
  const int64_t *sizes = s->sizesAndStrides;
  const int64_t *sStrides = s->sizesAndStrides + rank;
  const int64_t *dStrides = d->sizesAndStrides + rank;
  char *sBase = s->aligned + s->offset * elemSize;
  char *dBase = d->aligned + d->offset * elemSize;
  if (rank == 0) {
    memcpy(dBase, sBase, (size_t)elemSize);
    return;
  }
  if (rank > kMaxRank)
    __builtin_trap(); /* generated code never has rank > 16 */
  for (int64_t i = 0; i < rank; ++i)
    if (sizes[i] == 0)
      return;
  /* Copy the innermost dimension as one block when both sides are unit
   * stride there, widened over every outer dimension that is contiguous
   * with it on both sides (a padded NHWC buffer takes whole W x C rows);
   * walk the remaining dimensions with an odometer. */
  int64_t inner = rank - 1;
  int contiguous = sStrides[inner] == 1 && dStrides[inner] == 1;
  int64_t run = sizes[inner];
  if (contiguous)
    while (inner > 0 && sStrides[inner - 1] == run &&
           dStrides[inner - 1] == run) {
      run *= sizes[inner - 1];
      --inner;
    }
  int64_t index[kMaxRank] = {0};
  int64_t sOff = 0, dOff = 0;
  for (;;) {
    if (contiguous) {
      memcpy(dBase + dOff * elemSize, sBase + sOff * elemSize,
             (size_t)(run * elemSize));
    } else {
      for (int64_t k = 0; k < sizes[inner]; ++k)
        memcpy(dBase + (dOff + k * dStrides[inner]) * elemSize,
               sBase + (sOff + k * sStrides[inner]) * elemSize,
               (size_t)elemSize);
    }
    int64_t dim = inner - 1;
    for (; dim >= 0; --dim) {
      ++index[dim];
      sOff += sStrides[dim];
      dOff += dStrides[dim];
      if (index[dim] < sizes[dim])
        break;
      sOff -= sStrides[dim] * sizes[dim];
      dOff -= dStrides[dim] * sizes[dim];
      index[dim] = 0;
    }
    if (dim < 0)
      return;
  }
}
