/*===- ThreadPool.c - the process-wide pool that runs parallel loops -------===*
 *
 * One pool for every model loaded through libcnnrt, so that several models,
 * or several host threads running models, never put more busy threads on the
 * CPUs than the pool has: a parallel loop that finds the pool taken by
 * another thread runs on its own caller's thread instead of queueing or
 * starting more threads.
 *
 * A loop of n iterations is cut into chunks of contiguous iterations; the
 * caller and the workers take chunks from an atomic counter until none are
 * left. Workers spin for a short while after a loop (the next layer's loop
 * usually follows within microseconds) and then sleep on a condition
 * variable.
 *
 * The pool is the one piece of global mutable state in libcnnrt; everything
 * about it is guarded by `control` (size changes) and `busy` (one loop at a
 * time).
 *
 *===----------------------------------------------------------------------===*/

#include "ThreadPool.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* How long an idle worker spins before it sleeps. */
enum { kSpinNanoseconds = 200 * 1000 };

/* Chunks per thread: a few, so that a thread slowed by the machine does not
 * hold up the loop, but not so many that chunks lose their locality. */
enum { kChunksPerThread = 4 };

/* The claim word of a loop: chunks taken so far (low 20 bits) and the
 * number of chunks (next 20 bits). One word, so that a claim (a CAS) sees
 * both at once and can never take a chunk of a finished loop. */
enum { kChunkBits = 20 };
static const uint64_t kChunkMask = (1u << kChunkBits) - 1;

typedef struct Pool {
  pthread_mutex_t control; /* held while the pool is created or resized */
  pthread_mutex_t busy;    /* held by the thread running a loop on the pool */
  pthread_mutex_t lock;    /* guards the sleeping below */
  pthread_cond_t wake;     /* a new loop or stop */
  pthread_cond_t done;     /* the last chunk of a loop finished */

  int numThreads; /* including the calling thread; 0 before first use */
  int numWorkers;
  pthread_t *workers;

  /* The loop in progress: written by the caller before it stores `claims`
   * (release); read by a thread after its claim succeeds (acquire). The
   * caller rewrites them only once every claimed chunk has completed. */
  cnnrt_task_fn fn;
  void *ctx;
  int64_t begin, end, chunk;
  _Atomic uint64_t claims;
  atomic_llong completed;
  /* Bumped for each loop; idle workers wait for it to change. */
  atomic_ullong generation;
  /* `generation` when the workers were started. */
  unsigned long long startGeneration;
  atomic_int stop;
} Pool;

static Pool pool = {
    .control = PTHREAD_MUTEX_INITIALIZER,
    .busy = PTHREAD_MUTEX_INITIALIZER,
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .done = PTHREAD_COND_INITIALIZER,
};

static double nowSeconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void cpuRelax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Takes chunks of the current loop until there are none left. A worker
 * that wakes late finds none and does nothing: the caller never waits for
 * a worker that is not running, only for chunks that were claimed. */
static void runChunks(Pool *p) {
  for (;;) {
    uint64_t v = atomic_load_explicit(&p->claims, memory_order_acquire);
    uint64_t count;
    for (;;) {
      count = (v >> kChunkBits) & kChunkMask;
      if ((v & kChunkMask) >= count)
        return;
      if (atomic_compare_exchange_weak_explicit(&p->claims, &v, v + 1,
                                                memory_order_acq_rel,
                                                memory_order_acquire))
        break;
    }
    int64_t b = p->begin + (int64_t)(v & kChunkMask) * p->chunk;
    int64_t e = b + p->chunk < p->end ? b + p->chunk : p->end;
    p->fn(p->ctx, b, e);
    if (atomic_fetch_add_explicit(&p->completed, 1, memory_order_acq_rel) +
            1 ==
        (long long)count) {
      pthread_mutex_lock(&p->lock);
      pthread_cond_signal(&p->done);
      pthread_mutex_unlock(&p->lock);
    }
  }
}

static void *workerMain(void *arg) {
  Pool *p = (Pool *)arg;
  unsigned long long seen = p->startGeneration;
  for (;;) {
    /* Spin, then sleep, until a new loop is published or the pool stops. */
    unsigned long long g;
    double spinUntil = nowSeconds() + kSpinNanoseconds * 1e-9;
    unsigned spins = 0;
    while ((g = atomic_load_explicit(&p->generation, memory_order_acquire)) ==
               seen &&
           !atomic_load_explicit(&p->stop, memory_order_acquire)) {
      cpuRelax();
      if ((++spins & 255) == 0 && nowSeconds() > spinUntil) {
        pthread_mutex_lock(&p->lock);
        while (atomic_load_explicit(&p->generation, memory_order_acquire) ==
                   seen &&
               !atomic_load_explicit(&p->stop, memory_order_acquire))
          pthread_cond_wait(&p->wake, &p->lock);
        pthread_mutex_unlock(&p->lock);
      }
    }
    if (atomic_load_explicit(&p->stop, memory_order_acquire))
      return NULL;
    seen = g;
    runChunks(p);
  }
}

static void stopWorkers(Pool *p) {
  if (!p->numWorkers)
    return;
  pthread_mutex_lock(&p->lock);
  atomic_store_explicit(&p->stop, 1, memory_order_release);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);
  for (int i = 0; i < p->numWorkers; ++i)
    pthread_join(p->workers[i], NULL);
  free(p->workers);
  p->workers = NULL;
  p->numWorkers = 0;
  atomic_store_explicit(&p->stop, 0, memory_order_release);
}

/* Pins worker `i` to the (i + 1)-th CPU this process may run on (modulo
 * their count), unless CNNC_PIN_THREADS=0. Unpinned, a worker woken after
 * an idle pause was placed on its waker's CPU and shared it for several
 * milliseconds until the scheduler moved one of them: on the 2-vCPU build
 * machine, EfficientNet-B0's first run at 2 threads after a 0.3 s pause
 * took 14-16 ms (1-thread speed) against 7.7 ms warm, pinned 8.8 ms. The
 * calling thread stays free, so the scheduler moves it off a worker's
 * CPU. */
static void pinWorker(pthread_t worker, int i) {
#ifdef CPU_COUNT
  const char *env = getenv("CNNC_PIN_THREADS");
  if (env && strcmp(env, "0") == 0)
    return;
  cpu_set_t allowed, one;
  if (sched_getaffinity(0, sizeof(allowed), &allowed) != 0)
    return;
  int count = CPU_COUNT(&allowed);
  if (count < 2)
    return;
  int want = (i + 1) % count, seen = 0;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &allowed) && seen++ == want) {
      CPU_ZERO(&one);
      CPU_SET(c, &one);
      (void)pthread_setaffinity_np(worker, sizeof(one), &one);
      return;
    }
#else
  (void)worker;
  (void)i;
#endif
}

/* Starts n - 1 workers. Called with `control` and `busy` held. Returns the
 * number of threads actually available (fewer if threads cannot start). */
static int startWorkers(Pool *p, int n) {
  p->numThreads = 1;
  if (n <= 1)
    return 1;
  p->workers = (pthread_t *)calloc((size_t)(n - 1), sizeof(pthread_t));
  if (!p->workers)
    return 1;
  p->startGeneration =
      atomic_load_explicit(&p->generation, memory_order_relaxed);
  for (int i = 0; i < n - 1; ++i) {
    if (pthread_create(&p->workers[i], NULL, workerMain, p) != 0)
      break;
    pinWorker(p->workers[i], i);
    ++p->numWorkers;
  }
  p->numThreads = p->numWorkers + 1;
  return p->numThreads;
}

/* CPUs this process may run on. */
static int availableCpus(void) {
#ifdef CPU_COUNT
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
    return CPU_COUNT(&set);
#endif
  return 1;
}

/* The size a new pool gets: CNNC_NUM_THREADS when it holds a valid count,
 * else the CPUs this process may run on. An invalid CNNC_NUM_THREADS is
 * returned in `*envError`. */
static int defaultThreads(const char **envError) {
  *envError = NULL;
  const char *env = getenv("CNNC_NUM_THREADS");
  if (env && *env) {
    char *endp = NULL;
    errno = 0;
    long v = strtol(env, &endp, 10);
    if (errno == 0 && endp && *endp == '\0' && v >= 1 &&
        v <= kCnnrtMaxThreads) {
      return (int)v;
    }
    *envError = env;
  }
  return availableCpus();
}

/* Creates the pool on first use with the default size. */
static void ensurePool(Pool *p) {
  pthread_mutex_lock(&p->control);
  if (p->numThreads == 0) {
    const char *bad;
    int n = defaultThreads(&bad);
    if (bad)
      fprintf(stderr,
              "cnnrt: ignoring CNNC_NUM_THREADS='%s' (expected an integer "
              "from 1 to %d); using %d threads\n",
              bad, kCnnrtMaxThreads, n);
    pthread_mutex_lock(&p->busy);
    startWorkers(p, n);
    pthread_mutex_unlock(&p->busy);
  }
  pthread_mutex_unlock(&p->control);
}

int cnnrtPoolResize(int n) {
  Pool *p = &pool;
  pthread_mutex_lock(&p->control);
  pthread_mutex_lock(&p->busy); /* waits for the loop in progress */
  stopWorkers(p);
  int got = startWorkers(p, n);
  pthread_mutex_unlock(&p->busy);
  pthread_mutex_unlock(&p->control);
  return got;
}

int cnnrtPoolThreads(void) {
  ensurePool(&pool);
  return pool.numThreads;
}

/* Iterations per chunk for a loop of n iterations on `threads` threads:
 * about kChunksPerThread chunks per thread, preferably equal chunks whose
 * count is a multiple of the threads, so that each thread gets the same
 * work. (14 rows on 2 threads: 14 chunks of 1, not 7 chunks of 2, which
 * left one thread 8 rows and the other 6.) */
static int64_t chunkSize(int64_t n, int threads) {
  int64_t wanted = (int64_t)threads * kChunksPerThread;
  int64_t first = (n + wanted - 1) / wanted;
  for (int64_t c = first; c >= 1; --c)
    if (n % c == 0 && (n / c) % threads == 0)
      return c;
  return first;
}

static void poolParallelFor(void *impl, cnnrt_task_fn fn, void *ctx,
                            int64_t begin, int64_t end) {
  Pool *p = (Pool *)impl;
  int64_t n = end - begin;
  /* Another thread has the pool (or this thread is inside one of its
   * tasks): run here rather than oversubscribe the CPUs. */
  if (n <= 1 || pthread_mutex_trylock(&p->busy) != 0) {
    fn(ctx, begin, end);
    return;
  }
  if (p->numWorkers == 0) {
    pthread_mutex_unlock(&p->busy);
    fn(ctx, begin, end);
    return;
  }
  int64_t chunk = chunkSize(n, p->numThreads);
  int64_t numChunks = (n + chunk - 1) / chunk;
  p->fn = fn;
  p->ctx = ctx;
  p->begin = begin;
  p->end = end;
  p->chunk = chunk;
  atomic_store_explicit(&p->completed, 0, memory_order_relaxed);
  atomic_store_explicit(&p->claims, (uint64_t)numChunks << kChunkBits,
                        memory_order_release);
  /* Wake the workers; the lock orders the bump against one about to sleep. */
  pthread_mutex_lock(&p->lock);
  atomic_fetch_add_explicit(&p->generation, 1, memory_order_release);
  pthread_cond_broadcast(&p->wake);
  pthread_mutex_unlock(&p->lock);

  runChunks(p);

  /* Chunks claimed by workers must finish before the loop's context goes
   * away. */
  double spinUntil = nowSeconds() + kSpinNanoseconds * 1e-9;
  unsigned spins = 0;
  while (atomic_load_explicit(&p->completed, memory_order_acquire) !=
         numChunks) {
    cpuRelax();
    if ((++spins & 255) == 0 && nowSeconds() > spinUntil) {
      pthread_mutex_lock(&p->lock);
      while (atomic_load_explicit(&p->completed, memory_order_acquire) !=
             numChunks)
        pthread_cond_wait(&p->done, &p->lock);
      pthread_mutex_unlock(&p->lock);
    }
  }
  pthread_mutex_unlock(&p->busy);
}

const cnnrt_executor *cnnrtPoolExecutor(void) {
  static const cnnrt_executor executor = {&pool, poolParallelFor};
  ensurePool(&pool);
  return pool.numThreads > 1 ? &executor : NULL;
}

/* Workers must not outlive the library's code when it is unloaded. */
__attribute__((destructor)) static void shutdownPool(void) {
  /* A loop still running on another thread at exit: leave the workers (the
   * process is going away) rather than wait for it. */
  if (pthread_mutex_trylock(&pool.control) != 0)
    return;
  if (pthread_mutex_trylock(&pool.busy) == 0) {
    stopWorkers(&pool);
    pthread_mutex_unlock(&pool.busy);
  }
  pthread_mutex_unlock(&pool.control);
}
