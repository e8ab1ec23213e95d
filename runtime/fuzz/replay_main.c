/*===- replay_main.c - run a fuzz harness on files, without libFuzzer -----===*
 *
 * Linked with a harness (LLVMFuzzerTestOneInput) instead of libFuzzer, so
 * that the regression inputs of test/Fuzz/regressions replay in the normal
 * test suite, compiled by test/Fuzz/regressions.test with UBSan in trap mode
 * (no sanitizer runtime needed). Runs every file named; a crash is the
 * process's signal.
 *
 *===----------------------------------------------------------------------===*/

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "cannot open '%s'\n", argv[i]);
      return 2;
    }
    uint8_t *buf = NULL;
    size_t size = 0, cap = 0, n;
    do {
      if (size == cap) {
        cap = cap ? 2 * cap : 4096;
        uint8_t *grown = (uint8_t *)realloc(buf, cap);
        if (!grown) {
          fprintf(stderr, "out of memory reading '%s'\n", argv[i]);
          return 2;
        }
        buf = grown;
      }
      n = fread(buf + size, 1, cap - size, f);
      size += n;
    } while (n);
    fclose(f);
    LLVMFuzzerTestOneInput(buf, size);
    free(buf);
  }
  printf("replayed %d file(s)\n", argc - 1);
  return 0;
}
