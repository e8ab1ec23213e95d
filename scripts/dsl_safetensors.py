#!/usr/bin/env python3
"""Writes and reads safetensors weight files for cnnc's network language (.cnn).

A safetensors file is an 8-byte little-endian header length, a JSON header
{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}} and the
raw little-endian data (offsets from the end of the header). cnnc reads F32.
This is a dependency-free writer (numpy only).

Weights are named like the layers of the .cnn network: "conv1.weight",
"bn1.running_var", "fc1.weight", "bottleneck1.conv2.weight" (see docs/dsl.md).
Note that dense weights are [in, out] (ONNX Gemm without transB); transpose a
PyTorch nn.Linear weight.

Usage:
  dsl_safetensors.py --from-onnx MODEL.onnx -o W.safetensors   # float initializers
  dsl_safetensors.py --from-npz W.npz -o W.safetensors
  dsl_safetensors.py --list W.safetensors

From Python:
  from dsl_safetensors import write_safetensors, read_safetensors
  write_safetensors("w.safetensors", {"conv1.weight": np.zeros((6, 1, 5, 5), np.float32)})
"""

import argparse
import json
import struct
import sys

import numpy as np

_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64",
           np.dtype(np.float16): "F16", np.dtype(np.int64): "I64",
           np.dtype(np.int32): "I32"}
_NP = {v: k for k, v in _DTYPES.items()}


def write_safetensors(path, tensors, metadata=None):
    """Writes {name: array} (C order, little-endian) to `path`."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        if a.dtype not in _DTYPES:
            raise ValueError(f"{name}: unsupported dtype {a.dtype}")
        data = a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": _DTYPES[a.dtype], "shape": list(a.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)  # keeps the data 8-byte aligned
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def read_safetensors(path):
    """Returns {name: array}."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = np.frombuffer(raw[8 + n + b:8 + n + end],
                                  _NP[e["dtype"]].newbyteorder("<")).reshape(e["shape"])
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from-onnx", help="take the float initializers of an ONNX model")
    src.add_argument("--from-npz", help="take the arrays of a .npz file")
    src.add_argument("--list", help="print the tensors of a safetensors file")
    p.add_argument("-o", "--out", help="output .safetensors")
    args = p.parse_args(argv)

    if args.list:
        for name, a in read_safetensors(args.list).items():
            print(f"{name}: {a.dtype} {list(a.shape)}")
        return 0
    if not args.out:
        p.error("-o is required")
    if args.from_onnx:
        import onnx
        from onnx import numpy_helper
        model = onnx.load(args.from_onnx)
        tensors = {i.name: numpy_helper.to_array(i) for i in model.graph.initializer}
        tensors = {k: v for k, v in tensors.items()
                   if v.dtype == np.float32 and v.ndim > 0}
    else:
        tensors = dict(np.load(args.from_npz))
    write_safetensors(args.out, tensors)
    print(f"wrote {len(tensors)} tensors to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
