"""Writes damaged copies of a shared library for damaged-library.test.

usage: damage_elf.py LIBRARY OUTDIR

trunc-N.so holds the first N bytes (N from a fixed list, and half and all
but one byte of the file); each other file changes one ELF header field (or
the first loadable segment's file offset) of an otherwise whole copy.
"""
import os
import struct
import sys

src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
os.makedirs(out, exist_ok=True)

for n in (0, 3, 16, 63, 64, 200, 1000, 4096, len(data) // 2, len(data) - 1):
    with open(os.path.join(out, "trunc-%d.so" % n), "wb") as f:
        f.write(data[:n])
    # Stable names for the two file-dependent lengths.
    if n == len(data) // 2:
        os.replace(os.path.join(out, "trunc-%d.so" % n),
                   os.path.join(out, "trunc-half.so"))
    if n == len(data) - 1:
        os.replace(os.path.join(out, "trunc-%d.so" % n),
                   os.path.join(out, "trunc-all-but-one.so"))


def patched(name, offset, fmt, value):
    b = bytearray(data)
    struct.pack_into(fmt, b, offset, value)
    with open(os.path.join(out, name), "wb") as f:
        f.write(b)


size = len(data)
phoff = struct.unpack_from("<Q", data, 32)[0]
phnum = struct.unpack_from("<H", data, 56)[0]
first_load = next(phoff + 56 * i for i in range(phnum)
                  if struct.unpack_from("<I", data, phoff + 56 * i)[0] == 1)
patched("magic.so", 1, "<B", ord("X"))                 # \x7fXLF
patched("class32.so", 4, "<B", 1)                      # ELFCLASS32
patched("bigendian.so", 5, "<B", 2)                    # ELFDATA2MSB
patched("exec.so", 16, "<H", 2)                        # ET_EXEC
patched("aarch64.so", 18, "<H", 183)                   # EM_AARCH64
patched("phoff.so", 32, "<Q", size - 8)                # table past the end
patched("phentsize.so", 54, "<H", 55)
patched("shoff.so", 40, "<Q", size + 4096)
patched("load-offset.so", first_load + 8, "<Q", size)  # PT_LOAD p_offset
