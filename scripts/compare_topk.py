#!/usr/bin/env python3
"""Compares a model output against its reference: errors and top-k agreement.

  compare_topk.py REFERENCE.npy ACTUAL.npy [--k 5] [--tie-atol T]

Prints the max absolute and relative error and whether the top-k class indices
of ACTUAL match those of REFERENCE row by row (the last axis holds the
classes, so [N, C] logits or probabilities compare per sample). Exit status 1
when the shapes differ, ACTUAL holds NaN/Inf, or the top-k disagree; 2 on bad
usage.

Classes whose reference scores lie within --tie-atol of each other are ties:
any order among them is accepted, since a last-ulp difference may legitimately
swap them.
"""

import argparse
import sys

import numpy as np


def topk_agree(ref, act, k, tie_atol):
    """Returns (ok, message) comparing the top-k indices of each row."""
    ref2 = ref.reshape(-1, ref.shape[-1]) if ref.ndim else ref.reshape(1, 1)
    act2 = act.reshape(ref2.shape)
    k = min(k, ref2.shape[-1])
    for row, (r, a) in enumerate(zip(ref2, act2)):
        want = np.argsort(-r, kind="stable")[:k]
        got = np.argsort(-a, kind="stable")[:k]
        # `got` is acceptable when, rank by rank, the class it picks has the
        # reference score of that rank (up to ties).
        if not np.all(np.abs(r[got] - r[want]) <= tie_atol):
            return False, (f"top-{k} DISAGREE in row {row}: reference {want.tolist()}, "
                           f"actual {got.tolist()}")
    return True, f"top-{k} agree: {np.argsort(-ref2[0], kind='stable')[:k].tolist()}" + (
        f" (+{ref2.shape[0] - 1} more rows)" if ref2.shape[0] > 1 else "")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("reference", help=".npy reference output (e.g. onnxruntime's)")
    p.add_argument("actual", help=".npy output under test (e.g. cnnc-run --output-dir)")
    p.add_argument("--k", type=int, default=5, help="classes compared (default 5)")
    p.add_argument("--tie-atol", type=float, default=1e-6,
                   help="reference scores this close count as ties (default 1e-6)")
    args = p.parse_args(argv)

    ref = np.load(args.reference).astype(np.float64)
    act = np.load(args.actual).astype(np.float64)
    if ref.shape != act.shape:
        print(f"shape mismatch: reference {list(ref.shape)}, actual {list(act.shape)}")
        return 1
    if not np.all(np.isfinite(act)):
        print(f"actual output has {np.count_nonzero(~np.isfinite(act))} NaN/Inf values")
        return 1
    err = np.abs(ref - act)
    max_abs = float(err.max()) if err.size else 0.0
    max_rel = float((err / np.maximum(np.abs(ref), np.finfo(np.float32).tiny)).max()) \
        if err.size else 0.0
    print(f"shape {list(ref.shape)}: max_abs_err={max_abs:.3e} max_rel_err={max_rel:.3e}")
    ok, message = topk_agree(ref, act, args.k, args.tie_atol)
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
