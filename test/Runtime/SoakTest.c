/*===- SoakTest.c - concurrency, soak and leak tests of real model libraries ===*
 *
 * Usage: cnnrt-soak-test LIB_A.so LIB_B.so
 *        cnnrt-soak-test --direct LIB.so
 *
 * --direct opens LIB.so with dlopen, not cnnrt_load, runs it once on zeros
 * through its own cnnrt_lib_run and prints the code and message: the model
 * stub's own checks, as a host without libcnnrt meets them.
 *
 * Two libraries compiled by cnnc (small networks with one input and one
 * output; the lit test uses LeNet-5 with two weight seeds), each run
 * single-threaded first for a reference output. Then, every output compared
 * bit for bit with its reference:
 *   - one library run from several host threads at once, on a pool of 2;
 *   - both libraries run side by side from several threads;
 *   - a run whose allocation fails (CNNC_TEST_FAIL_ALLOCATION) returns
 *     CNNRT_ERROR_OUT_OF_MEMORY, and the next run is right, for every
 *     allocation of a run in turn, on a pool of 2 threads (a batch-4
 *     library allocates in its parallel loop over images);
 *   - 10,000 runs (one in 50 of them failing an allocation) keep the
 *     resident set flat (with the failed runs' memory not freed, it grows
 *     by 2.5 MB);
 *   - load/run/unload cycles keep it flat too.
 * RSS comes from /proc/self/statm, after a warm-up, with a fixed slack;
 * the numbers are printed. Prints "ALL SOAK TESTS PASSED" when every check
 * holds.
 *
 *===----------------------------------------------------------------------===*/

/* setenv, sysconf. */
#define _POSIX_C_SOURCE 200809L

#include "cnnrt/cnnrt.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Growth of the resident set tolerated over a soak: a few pages of malloc
 * arenas and thread caches, far below one leaked activation per run. */
enum { kRssSlackKiB = 1024 };
enum { kThreads = 4, kRunsPerThread = 300, kSoakRuns = 10000, kCycles = 100 };

static int failures = 0;

#define EXPECT(cond, ...)                                                      \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                                            \
      fprintf(stderr, "\n");                                                   \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

/* One library with its input and its single-threaded reference output. */
typedef struct Lib {
  const char *path;
  cnnrt_model *model;
  float *input;
  size_t inputCount;
  float *reference;
  size_t outputCount;
} Lib;

static cnnrt_tensor tensorFor(const cnnrt_tensor_info *info, float *data) {
  cnnrt_tensor t = {data, info->dtype, info->rank, info->shape, NULL};
  return t;
}

/* Runs `lib` once into `out`; returns the cnnrt code. */
static int runInto(const Lib *lib, float *out, cnnrt_error *err) {
  const cnnrt_model_signature *sig = cnnrt_signature(lib->model);
  cnnrt_tensor in = tensorFor(&sig->inputs[0], lib->input);
  cnnrt_tensor o = tensorFor(&sig->outputs[0], out);
  return cnnrt_run(lib->model, &in, 1, &o, 1, err);
}

/* Runs once and compares with the reference bit for bit. */
static int runMatches(const Lib *lib, float *scratch) {
  cnnrt_error err;
  memset(scratch, 0xff, lib->outputCount * sizeof(float));
  int code = runInto(lib, scratch, &err);
  if (code != CNNRT_OK) {
    fprintf(stderr, "%s: run failed: %s\n", lib->path, err.message);
    return 0;
  }
  return memcmp(scratch, lib->reference, lib->outputCount * sizeof(float)) ==
         0;
}

static void loadLib(Lib *lib, const char *path, unsigned seed) {
  cnnrt_error err;
  lib->path = path;
  if (cnnrt_load(path, &lib->model, &err) != CNNRT_OK) {
    fprintf(stderr, "cannot load %s: %s\n", path, err.message);
    exit(1);
  }
  const cnnrt_model_signature *sig = cnnrt_signature(lib->model);
  if (sig->num_inputs != 1 || sig->num_outputs != 1 ||
      sig->inputs[0].dtype != CNNRT_DTYPE_F32 ||
      sig->outputs[0].dtype != CNNRT_DTYPE_F32) {
    fprintf(stderr, "%s: expected one f32 input and one f32 output\n", path);
    exit(1);
  }
  lib->inputCount = cnnrt_num_elements(&sig->inputs[0]);
  lib->outputCount = cnnrt_num_elements(&sig->outputs[0]);
  lib->input = (float *)malloc(lib->inputCount * sizeof(float));
  lib->reference = (float *)malloc(lib->outputCount * sizeof(float));
  if (!lib->input || !lib->reference)
    exit(1);
  for (size_t i = 0; i < lib->inputCount; ++i) {
    seed = seed * 1664525u + 1013904223u;
    lib->input[i] = (float)(seed >> 8) / (float)(1u << 24) * 2.0f - 1.0f;
  }
}

static long rssKiB(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long size = 0, resident = 0;
  if (f) {
    if (fscanf(f, "%ld %ld", &size, &resident) != 2)
      resident = 0;
    fclose(f);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* Lines of /proc/self/maps naming the file `path` (by its base name). */
static int mappings(const char *path) {
  const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
  FILE *f = fopen("/proc/self/maps", "r");
  char line[4096];
  int n = 0;
  while (f && fgets(line, sizeof(line), f))
    n += strstr(line, base) != NULL;
  if (f)
    fclose(f);
  return n;
}

/* Fails each allocation of a run in turn (1, 2, ... until a run makes
 * fewer): every such run ends out of memory, and the next one is right. */
static void oomSweep(const Lib *lib) {
  float *scratch = (float *)malloc(lib->outputCount * sizeof(float));
  cnnrt_error err;
  int failed = 0, wrong = 0, n = 1;
  for (;; ++n) {
    char nth[16];
    snprintf(nth, sizeof(nth), "%d", n);
    setenv("CNNC_TEST_FAIL_ALLOCATION", nth, 1);
    int code = runInto(lib, scratch, &err);
    unsetenv("CNNC_TEST_FAIL_ALLOCATION");
    if (code == CNNRT_OK)
      break;
    EXPECT(code == CNNRT_ERROR_OUT_OF_MEMORY, "allocation %d: %s: %s", n,
           cnnrt_code_name(code), err.message);
    failed += code == CNNRT_ERROR_OUT_OF_MEMORY;
    wrong += !runMatches(lib, scratch);
    if (n == 10000)
      break;
  }
  EXPECT(failed > 0 && wrong == 0,
         "%s: %d runs out of memory, %d next runs differed", lib->path, failed,
         wrong);
  printf("each allocation failing in turn: %d runs out of memory, every "
         "next run matched (%d thread(s))\n",
         failed, cnnrt_get_num_threads());
  free(scratch);
}

typedef struct Worker {
  const Lib *libs[2];
  int numLibs;
  int ok;
} Worker;

static void *work(void *p) {
  Worker *w = (Worker *)p;
  float *scratch[2];
  for (int l = 0; l < w->numLibs; ++l)
    scratch[l] = (float *)malloc(w->libs[l]->outputCount * sizeof(float));
  w->ok = 1;
  for (int i = 0; i < kRunsPerThread && w->ok; ++i)
    for (int l = 0; l < w->numLibs && w->ok; ++l)
      w->ok = runMatches(w->libs[l], scratch[l]);
  for (int l = 0; l < w->numLibs; ++l)
    free(scratch[l]);
  return NULL;
}

static void runThreads(const char *what, Worker *workers) {
  pthread_t threads[kThreads];
  for (int t = 0; t < kThreads; ++t)
    EXPECT(pthread_create(&threads[t], NULL, work, &workers[t]) == 0, "%s",
           what);
  for (int t = 0; t < kThreads; ++t)
    pthread_join(threads[t], NULL);
  for (int t = 0; t < kThreads; ++t)
    EXPECT(workers[t].ok, "%s: thread %d saw an output differing from the "
                          "single-threaded run",
           what, t);
  printf("%s: %d threads x %d runs match the single-threaded outputs\n", what,
         kThreads, kRunsPerThread);
}

/* --direct: the stub's checks without libcnnrt's. */
static int runDirect(const char *path) {
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    fprintf(stderr, "dlopen: %s\n", dlerror());
    return 1;
  }
  typedef const cnnrt_model_signature *(*SignatureFn)(void);
  typedef int (*RunFn)(const cnnrt_tensor *, size_t, const cnnrt_tensor *,
                       size_t, cnnrt_error *);
  SignatureFn signature;
  RunFn run;
  void *sym = dlsym(handle, "cnnrt_lib_signature");
  memcpy(&signature, &sym, sizeof(sym));
  sym = dlsym(handle, "cnnrt_lib_run");
  memcpy(&run, &sym, sizeof(sym));
  if (!signature || !run)
    return 1;
  const cnnrt_model_signature *sig = signature();
  cnnrt_tensor tensors[64];
  if (sig->num_inputs + sig->num_outputs > 64)
    return 1;
  for (int i = 0; i < sig->num_inputs + sig->num_outputs; ++i) {
    const cnnrt_tensor_info *info = i < sig->num_inputs
                                        ? &sig->inputs[i]
                                        : &sig->outputs[i - sig->num_inputs];
    tensors[i] = tensorFor(info, (float *)calloc(cnnrt_num_elements(info) + 1,
                                                 sizeof(double)));
  }
  cnnrt_error err;
  int code = run(tensors, (size_t)sig->num_inputs, tensors + sig->num_inputs,
                 (size_t)sig->num_outputs, &err);
  printf("direct run: %s%s%s\n", cnnrt_code_name(code),
         code == CNNRT_OK ? "" : ": ", code == CNNRT_OK ? "" : err.message);
  for (int i = 0; i < sig->num_inputs + sig->num_outputs; ++i)
    free(tensors[i].data);
  dlclose(handle);
  return code == CNNRT_OK ? 0 : 1;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "--direct") == 0)
    return runDirect(argv[2]);
  if (argc != 3) {
    fprintf(stderr, "usage: %s LIB_A.so LIB_B.so | --direct LIB.so\n",
            argv[0]);
    return 2;
  }
  cnnrt_error err;
  Lib a, b;
  loadLib(&a, argv[1], 1);
  loadLib(&b, argv[2], 2);

  /* References: the calling thread alone. */
  EXPECT(cnnrt_set_num_threads(1, &err) == CNNRT_OK, "%s", err.message);
  EXPECT(runInto(&a, a.reference, &err) == CNNRT_OK, "%s", err.message);
  EXPECT(runInto(&b, b.reference, &err) == CNNRT_OK, "%s", err.message);

  EXPECT(cnnrt_set_num_threads(2, &err) == CNNRT_OK, "%s", err.message);
  Worker same[kThreads], mixed[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    same[t] = (Worker){{&a, NULL}, 1, 0};
    mixed[t] = (Worker){{t % 2 ? &a : &b, t % 2 ? &b : &a}, 2, 0};
  }
  runThreads("one library from several threads", same);
  runThreads("two libraries side by side", mixed);

  /* A failed allocation ends the run cleanly; the next run is right. */
  float *scratch = (float *)malloc(a.outputCount * sizeof(float));
  setenv("CNNC_TEST_FAIL_ALLOCATION", "2", 1);
  int code = runInto(&a, scratch, &err);
  EXPECT(code == CNNRT_ERROR_OUT_OF_MEMORY && strstr(err.message, "bytes"),
         "a failing allocation returned %s: %s", cnnrt_code_name(code),
         err.message);
  printf("failing allocation: %s: %s\n", cnnrt_code_name(code), err.message);
  unsetenv("CNNC_TEST_FAIL_ALLOCATION");
  EXPECT(runMatches(&a, scratch), "the run after a failed one differs");
  free(scratch);
  oomSweep(&a);
  oomSweep(&b);
  scratch = (float *)malloc(a.outputCount * sizeof(float));

  /* Soak: RSS before and after, past a warm-up. */
  for (int i = 0; i < 200; ++i)
    runMatches(&a, scratch);
  long before = rssKiB();
  int wrong = 0, oom = 0;
  for (int i = 0; i < kSoakRuns; ++i) {
    if (i % 50 == 25) {
      /* The first allocation (nothing to free yet) or the fifth (in conv2,
       * with ~50 KB allocated before it). */
      setenv("CNNC_TEST_FAIL_ALLOCATION", i % 100 == 25 ? "1" : "5", 1);
      oom += runInto(&a, scratch, &err) == CNNRT_ERROR_OUT_OF_MEMORY;
      unsetenv("CNNC_TEST_FAIL_ALLOCATION");
    } else {
      wrong += !runMatches(&a, scratch);
    }
  }
  long after = rssKiB();
  printf("soak: %d runs (%d out of memory on purpose), RSS %ld KiB before, "
         "%ld KiB after (slack %d KiB)\n",
         kSoakRuns, oom, before, after, (int)kRssSlackKiB);
  EXPECT(wrong == 0, "%d soak runs differed", wrong);
  EXPECT(oom == kSoakRuns / 50, "%d runs ran out of memory", oom);
  EXPECT(after - before <= kRssSlackKiB, "RSS grew by %ld KiB",
         after - before);
  free(scratch);

  /* Load/run/unload cycles of A's file, with A unloaded: each cycle maps
   * and unmaps the library. */
  Lib c = a;
  cnnrt_unload(a.model);
  a.model = NULL;
  scratch = (float *)malloc(a.outputCount * sizeof(float));
  for (int pass = 0; pass < 2; ++pass) {
    long start = rssKiB();
    int startMaps = mappings(argv[1]);
    int cycles = pass ? kCycles : 10; /* the first pass warms up */
    for (int i = 0; i < cycles; ++i) {
      if (cnnrt_load(argv[1], &c.model, &err) != CNNRT_OK) {
        EXPECT(0, "load cycle %d: %s", i, err.message);
        break;
      }
      wrong += !runMatches(&c, scratch);
      cnnrt_unload(c.model);
    }
    long end = rssKiB();
    int endMaps = mappings(argv[1]);
    if (pass) {
      printf("load/unload: %d cycles, RSS %ld KiB before, %ld KiB after "
             "(slack %d KiB), %d mappings of the library before, %d after\n",
             cycles, start, end, (int)kRssSlackKiB, startMaps, endMaps);
      EXPECT(end - start <= kRssSlackKiB, "RSS grew by %ld KiB", end - start);
      EXPECT(startMaps == 0 && endMaps == 0,
             "the library is still mapped after unloading");
    }
  }
  EXPECT(wrong == 0, "%d runs of reloaded libraries differed", wrong);
  free(scratch);

  cnnrt_unload(b.model);
  free(a.input);
  free(a.reference);
  free(b.input);
  free(b.reference);
  if (failures) {
    fprintf(stderr, "%d soak check(s) failed\n", failures);
    return 1;
  }
  printf("ALL SOAK TESTS PASSED\n");
  return 0;
}
