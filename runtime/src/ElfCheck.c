/*===- ElfCheck.c - is a file a whole ELF shared object for this host? ----===*
 *
 * dlopen maps a library's segments as its program headers describe them; a
 * segment that runs past the end of a truncated file maps pages with no
 * file behind them, and the loader's first touch of one (relocations,
 * initializers) kills the process with SIGBUS. So before dlopen, libcnnrt
 * reads the headers and checks everything the loader will trust against the
 * file's length: the ELF identification, class, byte order, type and
 * machine, then the program header table, every PT_LOAD and PT_DYNAMIC
 * segment's file range, and the section header table with each section's
 * file range.
 *
 *===----------------------------------------------------------------------===*/

/* pread, O_CLOEXEC. */
#define _POSIX_C_SOURCE 200809L

#include "ElfCheck.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#define HOST_MACHINE EM_X86_64
#define HOST_MACHINE_NAME "x86-64"
#elif defined(__aarch64__)
#define HOST_MACHINE EM_AARCH64
#define HOST_MACHINE_NAME "AArch64"
#endif

/* Headers beyond these counts are not what cnnc's linker writes. */
enum { kMaxProgramHeaders = 4096, kMaxSectionHeaders = 1 << 20 };

static const char *machineName(unsigned machine) {
  switch (machine) {
  case EM_X86_64:
    return "x86-64";
  case EM_AARCH64:
    return "AArch64";
  case EM_386:
    return "i386";
  case EM_ARM:
    return "ARM";
  case EM_RISCV:
    return "RISC-V";
  case EM_PPC64:
    return "PowerPC64";
  default:
    return "another machine";
  }
}

/* Whether [offset, offset + size) lies inside a file of `length` bytes. */
static int inFile(uint64_t offset, uint64_t size, uint64_t length) {
  return offset <= length && size <= length - offset;
}

/* Reads exactly `size` bytes at `offset`; 0 on a short read. */
static int readAt(int fd, void *buf, size_t size, uint64_t offset) {
  char *p = (char *)buf;
  while (size) {
    ssize_t n = pread(fd, p, size, (off_t)offset);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return 0;
    p += n;
    size -= (size_t)n;
    offset += (uint64_t)n;
  }
  return 1;
}

static int check(int fd, uint64_t length, char *why, size_t whySize) {
#define FAIL(...)                                                              \
  do {                                                                         \
    snprintf(why, whySize, __VA_ARGS__);                                       \
    return 0;                                                                  \
  } while (0)
  unsigned char ident[EI_NIDENT];
  if (length < SELFMAG || !readAt(fd, ident, SELFMAG, 0) ||
      memcmp(ident, ELFMAG, SELFMAG) != 0)
    FAIL("not an ELF file");
  if (length < EI_NIDENT || !readAt(fd, ident, EI_NIDENT, 0))
    FAIL("truncated: the file holds %llu bytes, less than an ELF header",
         (unsigned long long)length);
  if (ident[EI_CLASS] != ELFCLASS64)
    FAIL("not a 64-bit ELF file (class %u)", ident[EI_CLASS]);
  if (ident[EI_DATA] != ELFDATA2LSB)
    FAIL("not a little-endian ELF file (data encoding %u)", ident[EI_DATA]);
  if (ident[EI_VERSION] != EV_CURRENT)
    FAIL("unknown ELF version %u", ident[EI_VERSION]);
  Elf64_Ehdr eh;
  if (length < sizeof(eh) || !readAt(fd, &eh, sizeof(eh), 0))
    FAIL("truncated: the file holds %llu bytes, less than an ELF header",
         (unsigned long long)length);
  if (eh.e_type != ET_DYN)
    FAIL("not a shared library (ELF type %u)", (unsigned)eh.e_type);
#ifdef HOST_MACHINE
  if (eh.e_machine != HOST_MACHINE)
    FAIL("built for %s (ELF machine %u), but this host is %s",
         machineName(eh.e_machine), (unsigned)eh.e_machine, HOST_MACHINE_NAME);
#endif
  if (eh.e_version != EV_CURRENT || eh.e_ehsize != sizeof(Elf64_Ehdr))
    FAIL("malformed ELF header (version %u, header size %u)",
         (unsigned)eh.e_version, (unsigned)eh.e_ehsize);

  /* Program headers: what the loader maps. */
  if (eh.e_phnum == 0 || eh.e_phnum >= PN_XNUM ||
      eh.e_phnum > kMaxProgramHeaders)
    FAIL("malformed ELF header: %u program headers", (unsigned)eh.e_phnum);
  if (eh.e_phentsize != sizeof(Elf64_Phdr))
    FAIL("malformed ELF header: program header size %u",
         (unsigned)eh.e_phentsize);
  uint64_t phSize = (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr);
  if (!inFile(eh.e_phoff, phSize, length))
    FAIL("truncated or corrupt: the program header table (offset %llu, %llu "
         "bytes) ends past the end of the file (%llu bytes)",
         (unsigned long long)eh.e_phoff, (unsigned long long)phSize,
         (unsigned long long)length);
  Elf64_Phdr *ph = (Elf64_Phdr *)malloc((size_t)phSize);
  if (!ph)
    FAIL("out of memory reading the program headers");
  if (!readAt(fd, ph, (size_t)phSize, eh.e_phoff)) {
    free(ph);
    FAIL("cannot read the program headers");
  }
  int loads = 0;
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    const Elf64_Phdr *p = &ph[i];
    if (p->p_type != PT_LOAD && p->p_type != PT_DYNAMIC)
      continue;
    loads += p->p_type == PT_LOAD;
    const char *kind = p->p_type == PT_LOAD ? "loadable" : "dynamic";
    if (!inFile(p->p_offset, p->p_filesz, length)) {
      snprintf(why, whySize,
               "truncated or corrupt: %s segment #%u (file offset %llu, %llu "
               "bytes) ends past the end of the file (%llu bytes)",
               kind, i, (unsigned long long)p->p_offset,
               (unsigned long long)p->p_filesz, (unsigned long long)length);
      free(ph);
      return 0;
    }
    if (p->p_type == PT_LOAD && p->p_filesz > p->p_memsz) {
      snprintf(why, whySize,
               "corrupt: loadable segment #%u holds %llu bytes of file in "
               "%llu bytes of memory",
               i, (unsigned long long)p->p_filesz,
               (unsigned long long)p->p_memsz);
      free(ph);
      return 0;
    }
  }
  free(ph);
  if (!loads)
    FAIL("corrupt: no loadable segment");

  /* Section headers: not needed to load, but a table cut off or pointing
   * outside the file marks a damaged file. */
  if (eh.e_shoff == 0 && eh.e_shnum == 0)
    return 1;
  if (eh.e_shentsize != sizeof(Elf64_Shdr))
    FAIL("malformed ELF header: section header size %u",
         (unsigned)eh.e_shentsize);
  uint64_t shnum = eh.e_shnum;
  if (shnum == 0) {
    /* More than SHN_LORESERVE sections: the count is in section 0. */
    Elf64_Shdr first;
    if (!inFile(eh.e_shoff, sizeof(first), length) ||
        !readAt(fd, &first, sizeof(first), eh.e_shoff))
      FAIL("truncated or corrupt: section header table at offset %llu is "
           "past the end of the file (%llu bytes)",
           (unsigned long long)eh.e_shoff, (unsigned long long)length);
    shnum = first.sh_size;
  }
  if (shnum > kMaxSectionHeaders)
    FAIL("corrupt: %llu sections", (unsigned long long)shnum);
  uint64_t shSize = shnum * sizeof(Elf64_Shdr);
  if (!inFile(eh.e_shoff, shSize, length))
    FAIL("truncated or corrupt: the section header table (offset %llu, %llu "
         "bytes) ends past the end of the file (%llu bytes)",
         (unsigned long long)eh.e_shoff, (unsigned long long)shSize,
         (unsigned long long)length);
  Elf64_Shdr *sh = (Elf64_Shdr *)malloc((size_t)shSize);
  if (!sh)
    FAIL("out of memory reading the section headers");
  if (!readAt(fd, sh, (size_t)shSize, eh.e_shoff)) {
    free(sh);
    FAIL("cannot read the section headers");
  }
  for (uint64_t i = 0; i < shnum; ++i) {
    if (sh[i].sh_type == SHT_NOBITS || sh[i].sh_type == SHT_NULL)
      continue;
    if (!inFile(sh[i].sh_offset, sh[i].sh_size, length)) {
      snprintf(why, whySize,
               "truncated or corrupt: section #%llu (file offset %llu, %llu "
               "bytes) ends past the end of the file (%llu bytes)",
               (unsigned long long)i, (unsigned long long)sh[i].sh_offset,
               (unsigned long long)sh[i].sh_size, (unsigned long long)length);
      free(sh);
      return 0;
    }
  }
  free(sh);
  return 1;
#undef FAIL
}

int cnnrtCheckElfFile(const char *path, char *why, size_t whySize) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    snprintf(why, whySize, "cannot open: %s", strerror(errno));
    return 0;
  }
  struct stat st;
  int ok;
  if (fstat(fd, &st) != 0) {
    snprintf(why, whySize, "cannot stat: %s", strerror(errno));
    ok = 0;
  } else if (!S_ISREG(st.st_mode)) {
    snprintf(why, whySize, "not a regular file");
    ok = 0;
  } else {
    ok = check(fd, (uint64_t)st.st_size, why, whySize);
  }
  close(fd);
  return ok;
}
