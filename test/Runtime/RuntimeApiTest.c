/*===- RuntimeApiTest.c - tests of libcnnrt against a fake model ----------===*
 *
 * Usage: cnnrt-api-test FAKE_MODEL.so [BAD_ABI_MODEL.so]
 *
 * Exercises the host API (cnnrt.h) and the model stub's validation using the
 * hand-written model of FakeModel.c (y = 2 * x, [1,4] f32), so the runtime is
 * covered without the compiler. Prints "ALL RUNTIME API TESTS PASSED" and
 * exits 0 only when every check holds; each failed check is reported with its
 * line.
 *
 *===----------------------------------------------------------------------===*/

#include "cnnrt/cnnrt.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int failures = 0;

#define EXPECT(cond)                                                           \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

#define EXPECT_CODE(call, code, substring)                                     \
  do {                                                                         \
    int got_ = (call);                                                         \
    if (got_ != (code)) {                                                      \
      fprintf(stderr, "%s:%d: %s returned %s, expected %s (message: %s)\n",    \
              __FILE__, __LINE__, #call, cnnrt_code_name(got_),                \
              cnnrt_code_name(code), err.message);                             \
      ++failures;                                                              \
    } else if (!strstr(err.message, (substring))) {                            \
      fprintf(stderr, "%s:%d: message '%s' lacks '%s'\n", __FILE__, __LINE__,  \
              err.message, (substring));                                       \
      ++failures;                                                              \
    }                                                                          \
  } while (0)

static const int64_t kShape14[2] = {1, 4};

static cnnrt_tensor makeTensor(float *data, const int64_t *shape, int rank) {
  cnnrt_tensor t;
  t.data = data;
  t.dtype = CNNRT_DTYPE_F32;
  t.rank = rank;
  t.shape = shape;
  t.strides = NULL;
  return t;
}

static void testSignature(const cnnrt_model *model) {
  const cnnrt_model_signature *sig = cnnrt_signature(model);
  EXPECT(sig != NULL);
  if (!sig)
    return;
  EXPECT(sig->abi_version == CNNRT_ABI_VERSION);
  EXPECT(sig->num_inputs == 1 && sig->num_outputs == 1);
  EXPECT(strcmp(sig->inputs[0].name, "x") == 0);
  EXPECT(strcmp(sig->outputs[0].name, "y") == 0);
  EXPECT(sig->inputs[0].dtype == CNNRT_DTYPE_F32);
  EXPECT(cnnrt_num_elements(&sig->inputs[0]) == 4);
  EXPECT(strcmp(sig->model_name, "fake_double") == 0);
  EXPECT(cnnrt_find_input(model, "x") == 0);
  EXPECT(cnnrt_find_output(model, "y") == 0);
  EXPECT(cnnrt_find_input(model, "y") == -1);
  EXPECT(cnnrt_find_output(model, "nope") == -1);
  EXPECT(cnnrt_find_input(model, NULL) == -1);
}

/* Runs y = 2 * x once and checks the result. */
static int runOnce(cnnrt_model *model, float scale) {
  float x[4], y[4] = {0, 0, 0, 0};
  for (int i = 0; i < 4; ++i)
    x[i] = scale * (float)(i + 1);
  cnnrt_tensor in = makeTensor(x, kShape14, 2);
  cnnrt_tensor out = makeTensor(y, kShape14, 2);
  cnnrt_error err;
  int code = cnnrt_run(model, &in, 1, &out, 1, &err);
  if (code != CNNRT_OK) {
    fprintf(stderr, "run failed: %s: %s\n", cnnrt_code_name(code), err.message);
    return 0;
  }
  for (int i = 0; i < 4; ++i)
    if (y[i] != 2.0f * x[i])
      return 0;
  return 1;
}

static void testValidation(cnnrt_model *model) {
  float x[8] = {1, 2, 3, 4, 5, 6, 7, 8}, y[8];
  cnnrt_error err;
  cnnrt_tensor in = makeTensor(x, kShape14, 2);
  cnnrt_tensor out = makeTensor(y, kShape14, 2);

  /* Valid, also with explicit dense strides and a NULL error. */
  EXPECT_CODE(cnnrt_run(model, &in, 1, &out, 1, &err), CNNRT_OK, "");
  static const int64_t denseStrides[2] = {4, 1};
  static const int64_t oddStrides[2] = {99, 1}; /* size-1 dim: ignored */
  cnnrt_tensor strided = in;
  strided.strides = denseStrides;
  EXPECT_CODE(cnnrt_run(model, &strided, 1, &out, 1, &err), CNNRT_OK, "");
  strided.strides = oddStrides;
  EXPECT_CODE(cnnrt_run(model, &strided, 1, &out, 1, &err), CNNRT_OK, "");
  EXPECT(cnnrt_run(model, &in, 1, &out, 1, NULL) == CNNRT_OK);

  /* Shape. */
  static const int64_t shape15[2] = {1, 5};
  cnnrt_tensor bad = makeTensor(x, shape15, 2);
  EXPECT_CODE(cnnrt_run(model, &bad, 1, &out, 1, &err),
              CNNRT_ERROR_SHAPE_MISMATCH,
              "input 'x': expected shape [1,4] but got [1,5]");
  EXPECT(cnnrt_run(model, &bad, 1, &out, 1, NULL) ==
         CNNRT_ERROR_SHAPE_MISMATCH);
  static const int64_t shape4[1] = {4};
  bad = makeTensor(x, shape4, 1);
  EXPECT_CODE(cnnrt_run(model, &bad, 1, &out, 1, &err),
              CNNRT_ERROR_SHAPE_MISMATCH,
              "input 'x': expected rank 2 (shape [1,4]) but got rank 1 ([4])");
  static const int64_t shape24[2] = {2, 4};
  bad = makeTensor(y, shape24, 2);
  EXPECT_CODE(cnnrt_run(model, &in, 1, &bad, 1, &err),
              CNNRT_ERROR_SHAPE_MISMATCH,
              "output 'y': expected shape [1,4] but got [2,4]");

  /* Dtype. */
  bad = in;
  bad.dtype = CNNRT_DTYPE_I64;
  EXPECT_CODE(cnnrt_run(model, &bad, 1, &out, 1, &err),
              CNNRT_ERROR_DTYPE_MISMATCH,
              "input 'x': expected dtype f32 but got i64");

  /* Counts and NULLs. */
  cnnrt_tensor two[2] = {in, in};
  EXPECT_CODE(cnnrt_run(model, two, 2, &out, 1, &err),
              CNNRT_ERROR_INVALID_ARGUMENT,
              "expected 1 input tensor(s) but got 2");
  EXPECT_CODE(cnnrt_run(model, &in, 1, &out, 0, &err),
              CNNRT_ERROR_INVALID_ARGUMENT,
              "expected 1 output tensor(s) but got 0");
  EXPECT_CODE(cnnrt_run(model, NULL, 1, &out, 1, &err),
              CNNRT_ERROR_INVALID_ARGUMENT, "input tensor array is NULL");
  bad = in;
  bad.data = NULL;
  EXPECT_CODE(cnnrt_run(model, &bad, 1, &out, 1, &err),
              CNNRT_ERROR_INVALID_ARGUMENT,
              "input 'x' (#0): data pointer is NULL");
  bad = in;
  bad.shape = NULL;
  EXPECT_CODE(cnnrt_run(model, &bad, 1, &out, 1, &err),
              CNNRT_ERROR_INVALID_ARGUMENT, "input 'x': invalid rank 2");
  EXPECT_CODE(cnnrt_run(NULL, &in, 1, &out, 1, &err),
              CNNRT_ERROR_INVALID_ARGUMENT, "model handle is NULL");

  /* Layout: a column-major (transposed) view is not accepted. */
  static const int64_t stridesBad[2] = {1, 4};
  bad = makeTensor(x, kShape14, 2);
  bad.strides = stridesBad;
  EXPECT_CODE(cnnrt_run(model, &bad, 1, &out, 1, &err),
              CNNRT_ERROR_INVALID_ARGUMENT,
              "input 'x': strides [1,4] are not dense row-major");

  /* A failed check must not have run the model. */
  for (int i = 0; i < 4; ++i)
    y[i] = -7.0f;
  bad = makeTensor(x, shape15, 2);
  cnnrt_run(model, &bad, 1, &out, 1, &err);
  EXPECT(y[0] == -7.0f && y[3] == -7.0f);
}

static void testLoadFailures(const char *badAbiPath) {
  cnnrt_error err;
  cnnrt_model *model = (cnnrt_model *)0x1;

  EXPECT_CODE(cnnrt_load("/nonexistent/libmodel.so", &model, &err),
              CNNRT_ERROR_LOAD,
              "cannot load model library '/nonexistent/libmodel.so'");
  EXPECT(model == NULL);
  EXPECT_CODE(cnnrt_load("no-such-model-in-cwd.so", &model, &err),
              CNNRT_ERROR_LOAD, "no such file");
  EXPECT_CODE(cnnrt_load("/", &model, &err), CNNRT_ERROR_LOAD,
              "not a regular file");
  EXPECT_CODE(cnnrt_load(NULL, &model, &err), CNNRT_ERROR_INVALID_ARGUMENT,
              "empty model library path");
  EXPECT_CODE(cnnrt_load("x.so", NULL, &err), CNNRT_ERROR_INVALID_ARGUMENT,
              "NULL");
  EXPECT(cnnrt_load("/nonexistent.so", &model, NULL) == CNNRT_ERROR_LOAD);

  /* A file that is not a shared object at all. */
  char garbage[] = "/tmp/cnnrt-api-test-XXXXXX";
  int fd = mkstemp(garbage);
  EXPECT(fd >= 0);
  if (fd >= 0) {
    EXPECT(write(fd, "not an ELF file\n", 16) == 16);
    close(fd);
    EXPECT_CODE(cnnrt_load(garbage, &model, &err), CNNRT_ERROR_LOAD,
                "cannot load model library");
    EXPECT(model == NULL);
    unlink(garbage);
  }

  /* A shared object that is not a cnnc model: libcnnrt itself. */
  EXPECT_CODE(cnnrt_load(CNNRT_NON_MODEL_LIB, &model, &err), CNNRT_ERROR_LOAD,
              "is not a cnnc model library");

  if (badAbiPath) {
    EXPECT_CODE(cnnrt_load(badAbiPath, &model, &err), CNNRT_ERROR_LOAD,
                "ABI version 999");
    EXPECT(model == NULL);
  }
}

typedef struct {
  cnnrt_model *model;
  float scale;
  int ok;
} ThreadArgs;

static void *runMany(void *p) {
  ThreadArgs *args = (ThreadArgs *)p;
  args->ok = 1;
  for (int i = 0; i < 2000 && args->ok; ++i)
    args->ok = runOnce(args->model, args->scale + (float)i);
  return NULL;
}

static void testStaticHelpers(void) {
  EXPECT(strcmp(cnnrt_code_name(CNNRT_OK), "CNNRT_OK") == 0);
  EXPECT(strcmp(cnnrt_code_name(CNNRT_ERROR_SHAPE_MISMATCH),
                "CNNRT_ERROR_SHAPE_MISMATCH") == 0);
  EXPECT(strcmp(cnnrt_code_name(12345), "CNNRT_UNKNOWN_CODE") == 0);
  EXPECT(strcmp(cnnrt_dtype_name(CNNRT_DTYPE_F32), "f32") == 0);
  EXPECT(strcmp(cnnrt_dtype_name(CNNRT_DTYPE_I64), "i64") == 0);
  EXPECT(strcmp(cnnrt_dtype_name(0), "unknown") == 0);
  EXPECT(cnnrt_dtype_size(CNNRT_DTYPE_F32) == 4);
  EXPECT(cnnrt_dtype_size(CNNRT_DTYPE_I64) == 8);
  EXPECT(cnnrt_dtype_size(0) == 0);
  static const int64_t shape[3] = {2, 3, 5};
  static const int64_t negative[2] = {2, -1};
  cnnrt_tensor_info info = {"t", CNNRT_DTYPE_F32, 3, shape};
  EXPECT(cnnrt_num_elements(&info) == 30);
  info.rank = 0;
  EXPECT(cnnrt_num_elements(&info) == 1);
  info.rank = 2;
  info.shape = negative;
  EXPECT(cnnrt_num_elements(&info) == 0);
  EXPECT(cnnrt_num_elements(NULL) == 0);
  EXPECT(cnnrt_signature(NULL) == NULL);
  EXPECT(cnnrt_find_input(NULL, "x") == -1);
  cnnrt_unload(NULL);
}

/* CNNC_TEST_FAIL_ALLOCATION: the fake model's first allocation is made on
 * the calling thread, the others in the chunks of its parallel loop (on the
 * pool's threads as well). Either failure ends the run with
 * CNNRT_ERROR_OUT_OF_MEMORY naming the bytes, and the next run works. */
static void testOutOfMemory(cnnrt_model *model) {
  float x[4] = {1, 2, 3, 4}, y[4];
  cnnrt_error err;
  cnnrt_tensor in = makeTensor(x, kShape14, 2);
  cnnrt_tensor out = makeTensor(y, kShape14, 2);
  for (int threads = 1; threads <= 3; ++threads) {
    EXPECT_CODE(cnnrt_set_num_threads(threads, &err), CNNRT_OK, "");
    for (int i = 0; i < 50; ++i) {
      setenv("CNNC_TEST_FAIL_ALLOCATION", "1", 1);
      EXPECT_CODE(cnnrt_run(model, &in, 1, &out, 1, &err),
                  CNNRT_ERROR_OUT_OF_MEMORY,
                  "could not allocate 1024 bytes; the run was abandoned");
      /* One chunk on one thread; on more, 4 chunks of one element, which
       * allocate 2nd to 5th. */
      char nth[8];
      snprintf(nth, sizeof(nth), "%d", threads == 1 ? 2 : 2 + i % 4);
      setenv("CNNC_TEST_FAIL_ALLOCATION", nth, 1);
      EXPECT_CODE(cnnrt_run(model, &in, 1, &out, 1, &err),
                  CNNRT_ERROR_OUT_OF_MEMORY,
                  "out of memory: model 'fake_double' could not allocate");
      unsetenv("CNNC_TEST_FAIL_ALLOCATION");
      EXPECT(runOnce(model, (float)i));
    }
  }
}

/* The process-wide pool: sizes out of range are refused; every size runs
 * the fake model's parallel loop correctly. */
static void testThreads(cnnrt_model *model) {
  cnnrt_error err;
  EXPECT_CODE(cnnrt_set_num_threads(0, &err), CNNRT_ERROR_INVALID_ARGUMENT,
              "expected 1 to 1024");
  EXPECT_CODE(cnnrt_set_num_threads(5000, &err),
              CNNRT_ERROR_INVALID_ARGUMENT, "5000 threads requested");
  for (int n = 1; n <= 3; ++n) {
    EXPECT_CODE(cnnrt_set_num_threads(n, &err), CNNRT_OK, "");
    EXPECT(cnnrt_get_num_threads() == n);
    int ok = 1;
    for (int i = 0; i < 500 && ok; ++i)
      ok = runOnce(model, (float)(n * 1000 + i));
    EXPECT(ok);
  }
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s FAKE_MODEL.so [BAD_ABI_MODEL.so]\n", argv[0]);
    return 2;
  }
  const char *path = argv[1];
  testStaticHelpers();

  /* The same file loaded twice: two independent handles. */
  cnnrt_model *a = NULL, *b = NULL;
  cnnrt_error err;
  EXPECT_CODE(cnnrt_load(path, &a, &err), CNNRT_OK, "");
  EXPECT_CODE(cnnrt_load(path, &b, &err), CNNRT_OK, "");
  if (!a || !b) {
    fprintf(stderr, "cannot continue without the fake model\n");
    return 1;
  }
  EXPECT(a != b);
  testSignature(a);
  testSignature(b);
  EXPECT(runOnce(a, 1.0f));
  EXPECT(runOnce(b, -3.5f));
  testValidation(a);
  testThreads(a);
  testOutOfMemory(a);

  /* Both handles in use from two threads at once, with a two-thread pool:
   * one run's loops take the pool, the other's run on their callers. */
  {
    cnnrt_error err2;
    EXPECT(cnnrt_set_num_threads(2, &err2) == CNNRT_OK);
  }
  ThreadArgs argsA = {a, 1.0f, 0}, argsB = {b, 100.0f, 0};
  pthread_t ta, tb;
  EXPECT(pthread_create(&ta, NULL, runMany, &argsA) == 0);
  EXPECT(pthread_create(&tb, NULL, runMany, &argsB) == 0);
  pthread_join(ta, NULL);
  pthread_join(tb, NULL);
  EXPECT(argsA.ok && argsB.ok);

  /* Unloading one leaves the other usable. */
  cnnrt_unload(a);
  EXPECT(runOnce(b, 2.0f));
  testSignature(b);
  cnnrt_unload(b);

  testLoadFailures(argc > 2 ? argv[2] : NULL);

  if (failures) {
    fprintf(stderr, "%d runtime API check(s) failed\n", failures);
    return 1;
  }
  printf("ALL RUNTIME API TESTS PASSED\n");
  return 0;
}
