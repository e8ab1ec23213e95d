/*===- ElfCheck.h - validate a model library file before dlopen (internal) ===*/
#ifndef CNNRT_ELFCHECK_H
#define CNNRT_ELFCHECK_H

#include <stddef.h>

/* Returns 1 when `path` is a regular file holding a complete 64-bit
 * little-endian ELF shared object for this host's machine: headers, and the
 * program and section header tables and every loadable segment and section
 * inside the file. Otherwise returns 0 and writes the reason into `why`. */
int cnnrtCheckElfFile(const char *path, char *why, size_t whySize);

#endif
