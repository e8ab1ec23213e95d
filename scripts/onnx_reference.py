#!/usr/bin/env python3
"""Reference outputs for a model from onnxruntime, for numerical tests of cnnc.

Writes DIR/input_<k>.npy (graph-input order, initializers skipped) and
onnxruntime's outputs DIR/output_<k>.npy (graph-output order), computed with
the CPU execution provider at ORT_ENABLE_ALL. Inputs are seeded standard
normal float32 (integer inputs: uniform in [0, 10); bool: fair coin), or the
files given with --inputs, bound positionally. Symbolic dimensions are set to
1 unless given with --dim NAME=VALUE.

Usage:
  onnx_reference.py MODEL.onnx --out DIR [--seed S]
  onnx_reference.py MODEL.onnx --out DIR --inputs a.npy b.npy
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import helper


def graph_inputs(model):
    """Graph inputs that are real inputs (older IRs also list initializers)."""
    inits = {i.name for i in model.graph.initializer}
    return [i for i in model.graph.input if i.name not in inits]


def input_shape(vi, dims):
    shape = []
    for d in vi.type.tensor_type.shape.dim:
        if d.HasField("dim_value"):
            shape.append(d.dim_value)
        else:
            shape.append(dims.get(d.dim_param, 1))
    return shape


def random_input(vi, rng, dims):
    if not vi.type.HasField("tensor_type"):
        raise SystemExit(f"error: input '{vi.name}' is not a tensor; pass it with --inputs")
    tt = vi.type.tensor_type
    dtype = helper.tensor_dtype_to_np_dtype(tt.elem_type)
    shape = input_shape(vi, dims)
    if np.issubdtype(dtype, np.floating):
        return rng.standard_normal(shape).astype(dtype)
    if dtype == np.bool_:
        return rng.random(shape) < 0.5
    if np.issubdtype(dtype, np.integer):
        return rng.integers(0, 10, size=shape).astype(dtype)
    raise SystemExit(f"error: no random generator for input '{vi.name}' of type {dtype}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("--out", required=True, help="directory for input_<k>.npy, output_<k>.npy")
    p.add_argument("--seed", type=int, default=0, help="input seed (default 0)")
    p.add_argument("--inputs", nargs="+", metavar="NPY",
                   help="use these inputs (graph-input order) instead of random ones")
    p.add_argument("--dim", action="append", default=[], metavar="NAME=VALUE",
                   help="value of a symbolic dimension (default 1)")
    args = p.parse_args(argv)

    import onnxruntime as ort

    model = onnx.load(args.model)
    dims = {}
    for d in args.dim:
        name, _, value = d.partition("=")
        dims[name] = int(value)
    ins = graph_inputs(model)

    if args.inputs:
        if len(args.inputs) != len(ins):
            raise SystemExit(f"error: model has {len(ins)} input(s), got {len(args.inputs)}")
        arrays = [np.load(f) for f in args.inputs]
        for vi, a, f in zip(ins, arrays, args.inputs):
            want = helper.tensor_dtype_to_np_dtype(vi.type.tensor_type.elem_type)
            if a.dtype != want:
                raise SystemExit(f"error: {f}: dtype {a.dtype}, input '{vi.name}' wants {want}")
        print(f"inputs: {' '.join(args.inputs)}")
    else:
        rng = np.random.default_rng(args.seed)
        arrays = [random_input(vi, rng, dims) for vi in ins]
        print(f"seed: {args.seed}")

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    sess = ort.InferenceSession(args.model, opts, providers=["CPUExecutionProvider"])
    outputs = sess.run(None, {vi.name: a for vi, a in zip(ins, arrays)})

    os.makedirs(args.out, exist_ok=True)
    for kind, vis, values in (("input", ins, arrays),
                              ("output", list(model.graph.output), outputs)):
        for k, (vi, a) in enumerate(zip(vis, values)):
            a = np.asarray(a)
            path = os.path.join(args.out, f"{kind}_{k}.npy")
            np.save(path, a)
            print(f"{kind}_{k}.npy: {vi.name} {list(a.shape)} {a.dtype}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
