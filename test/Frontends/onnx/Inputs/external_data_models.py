#!/usr/bin/env python3
"""Writes models whose weights are ONNX external data and imports each.

usage: external_data_models.py WORKDIR TOOL

Lays out WORKDIR/secret.bin (outside the model's folder) and WORKDIR/m/
(the models, their data files, symbolic links, a directory and a FIFO),
then runs TOOL on WORKDIR/m/NAME.onnx for each case and prints
`== NAME: exit N ==` followed by stderr, with WORKDIR written as TMP.
"""

import os
import struct
import subprocess
import sys

from onnx import TensorProto as T
from onnx import helper as h

FOUR = struct.pack("<4f", 1.0, 2.0, 3.0, 4.0)  # the 16 bytes of w


def model(entries, dims=(1, 4)):
    w = T(name="w", data_type=T.FLOAT, dims=list(dims))
    w.data_location = T.EXTERNAL
    for k, v in entries:
        e = w.external_data.add()
        e.key, e.value = k, v
    g = h.make_graph([h.make_node("Add", ["x", "w"], ["y"])], "g",
                     [h.make_tensor_value_info("x", T.FLOAT, [1, 4])],
                     [h.make_tensor_value_info("y", T.FLOAT, [1, 4])],
                     initializer=[w])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
    m.ir_version = 8
    return m


def loc(path, **kw):
    return [("location", path)] + [(k, str(v)) for k, v in kw.items()]


CASES = {
    # Accepted: a file in the folder, a slice of one, a link that stays in.
    "ok": loc("w.bin"),
    "ok-slice": loc("padded.bin", offset=8, length=16),
    "ok-link-inside": loc("alias.bin"),
    "ok-subdir": loc("sub/w.bin"),
    # Leaving the folder.
    "absolute": loc("/etc/passwd"),
    "absolute-dev-zero": loc("/dev/zero"),
    "dotdot": loc("../../../../etc/passwd"),
    "dotdot-secret": loc("../secret.bin"),
    "dotdot-inside": loc("sub/../w.bin"),
    "backslash-dotdot": loc("..\\secret.bin"),
    "link-out": loc("link-out.bin"),
    "link-dev-zero": loc("link-zero.bin"),
    "link-dir-out": loc("outside/secret.bin"),
    # Not a regular file, or no file.
    "directory": loc("sub"),
    "fifo": loc("fifo"),
    "missing": loc("missing.bin"),
    "no-location": [("offset", "0")],
    "key-twice": loc("w.bin") + [("location", "w.bin")],
    # Offsets and lengths.
    "offset-past-end": loc("w.bin", offset=1000),
    "offset-bad": loc("w.bin", offset="-4"),
    "length-mismatch": loc("w.bin", length=32),
    "length-huge": loc("w.bin", length=2**62),
    "slice-past-end": loc("w.bin", offset=8, length=16),
    "trailing-bytes": loc("padded.bin"),
}
DIMS = {"too-large": ((65536, 65537), loc("w.bin")),
        "count-overflow": ((2**31 - 1,) * 3, loc("w.bin"))}


def main():
    work, tool = sys.argv[1], sys.argv[2]
    m = os.path.join(work, "m")
    os.makedirs(os.path.join(m, "sub"), exist_ok=True)
    with open(os.path.join(work, "secret.bin"), "wb") as f:
        f.write(FOUR)
    for name in ("w.bin", "sub/w.bin"):
        with open(os.path.join(m, name), "wb") as f:
            f.write(FOUR)
    with open(os.path.join(m, "padded.bin"), "wb") as f:
        f.write(b"\0" * 8 + FOUR + b"\0" * 8)
    os.symlink("w.bin", os.path.join(m, "alias.bin"))
    os.symlink("../secret.bin", os.path.join(m, "link-out.bin"))
    os.symlink("/dev/zero", os.path.join(m, "link-zero.bin"))
    os.symlink(work, os.path.join(m, "outside"))
    os.mkfifo(os.path.join(m, "fifo"))
    cases = {k: model(v) for k, v in CASES.items()}
    cases.update({k: model(v, dims) for k, (dims, v) in DIMS.items()})
    for name, mod in cases.items():
        path = os.path.join(m, name + ".onnx")
        with open(path, "wb") as f:
            f.write(mod.SerializeToString())
        args = [tool, path] + (["--print-weights"] if name.startswith("ok")
                               else [])
        r = subprocess.run(args, capture_output=True, text=True, timeout=20)
        print(f"== {name}: exit {r.returncode} ==")
        real = os.path.realpath(work)
        print(r.stderr.replace(real, "TMP").replace(work, "TMP"), end="")
        # The weight blob, for the accepted cases.
        for line in r.stdout.splitlines():
            if '"0x' in line:
                print(line.strip())


if __name__ == "__main__":
    main()
