/*===- elf_check_fuzzer.c - libFuzzer harness of the ELF file check -------===*
 *
 * Bytes in, "a whole ELF shared object for this host" or a reason out: the
 * bytes become the contents of a memory file (memfd) that libcnnrt's
 * pre-dlopen check (cnnrtCheckElfFile, ElfCheck.c) reads by path, exactly as
 * cnnrt_load does with a library on disk. A crash, a sanitizer report or a
 * refusal without a reason is a bug; so is an accepted file whose headers
 * promise something outside it: for an accepted file the harness walks, in
 * a heap copy of exactly the file's size, the program header table, every
 * PT_LOAD and PT_DYNAMIC segment's file range and the section header table
 * with every section's file range (what the check promises dlopen), and
 * ASan reports any byte read past the end.
 *
 *===----------------------------------------------------------------------===*/

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* memfd_create */
#endif

#include "ElfCheck.h"

#include <elf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int memfd = -1;
static char memfdPath[64];

static uint8_t touch(const uint8_t *file, uint64_t offset, uint64_t size) {
  uint8_t x = 0;
  if (size) {
    x ^= file[offset];
    x ^= file[offset + size - 1];
  }
  return x;
}

/* Walks what an accepted file's headers promise (see above). */
static void walk(const uint8_t *file, size_t size) {
  volatile uint8_t sink = 0;
  Elf64_Ehdr eh;
  memcpy(&eh, file, sizeof(eh)); /* ASan: an accepted file holds a header */
  /* Byte offsets: the tables need not be aligned in the file. */
  sink ^= touch(file, eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr));
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr p;
    memcpy(&p, file + eh.e_phoff + (uint64_t)i * sizeof(Elf64_Phdr), sizeof(p));
    if (p.p_type == PT_LOAD || p.p_type == PT_DYNAMIC)
      sink ^= touch(file, p.p_offset, p.p_filesz);
  }
  if (eh.e_shoff == 0 && eh.e_shnum == 0)
    return;
  uint64_t shnum = eh.e_shnum;
  if (shnum == 0) {
    Elf64_Shdr first;
    memcpy(&first, file + eh.e_shoff, sizeof(first));
    shnum = first.sh_size;
  }
  sink ^= touch(file, eh.e_shoff, shnum * sizeof(Elf64_Shdr));
  for (uint64_t i = 0; i < shnum; ++i) {
    Elf64_Shdr s;
    memcpy(&s, file + eh.e_shoff + i * sizeof(Elf64_Shdr), sizeof(s));
    if (s.sh_type != SHT_NOBITS && s.sh_type != SHT_NULL)
      sink ^= touch(file, s.sh_offset, s.sh_size);
  }
  (void)size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (memfd < 0) {
    memfd = memfd_create("cnnrt-elf-fuzz.so", MFD_CLOEXEC);
    if (memfd < 0) {
      perror("memfd_create");
      abort();
    }
    snprintf(memfdPath, sizeof(memfdPath), "/proc/self/fd/%d", memfd);
  }
  if (ftruncate(memfd, 0) != 0 ||
      (size && pwrite(memfd, data, size, 0) != (ssize_t)size)) {
    perror("writing the memfd");
    abort();
  }
  char why[384];
  why[0] = '\0';
  if (!cnnrtCheckElfFile(memfdPath, why, sizeof(why))) {
    if (!why[0])
      __builtin_trap(); /* a refusal must say why */
    return 0;
  }
  /* An exact-size heap copy: ASan bounds every promise to the file. */
  uint8_t *copy = (uint8_t *)malloc(size ? size : 1);
  memcpy(copy, data, size);
  walk(copy, size);
  free(copy);
  return 0;
}
