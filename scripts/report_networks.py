#!/usr/bin/env python3
"""Compiles every network of cnnc_models.py with cnnc and compares it with onnxruntime.

For each network: generate it (seeded weights, BN calibrated), compile it with
`cnnc` (timed), run it with `cnnc-run` on a seeded standard-normal input and
compare its output with onnxruntime's (scripts/onnx_reference.py). Prints a
markdown table:

  network | params | GMACs | compile (s) | latency (ms) | max abs err |
  max rel err | max abs err / max |ref| | top-5

max rel err is the largest |actual - ref| / |ref| over the elements, large
where a logit is near zero; the column after it relates the largest error to
the output's scale. top-5 compares the class indices, treating reference
scores within --tie-atol of each other as ties (compare_topk.py). Progress
goes to stderr, the table to stdout. Exit status 1 if any network fails to
compile or run or its top-5 disagree.

Usage:
  report_networks.py [--only alexnet,vgg16] [--seed 0] [--input-seed 1]
                     [--work DIR] [--tie-atol 1e-4]
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx

SCRIPTS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(SCRIPTS)
sys.path.insert(0, SCRIPTS)

import cnnc_models  # noqa: E402
from compare_topk import topk_agree  # noqa: E402


def _run(cmd):
    """Runs `cmd`; returns (seconds, returncode, combined output)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return time.perf_counter() - start, proc.returncode, proc.stdout


def _sanitize(name):
    """cnnc-run's file name for output NAME (see its --output-dir)."""
    return "".join(c if c.isalnum() or c in "_.-" else "_" for c in name)


def _first_error(output):
    lines = [line for line in output.splitlines() if "error" in line.lower()]
    return (lines or output.strip().splitlines()[-1:] or ["(no output)"])[0].strip()


def report(name, args, work):
    """Returns the row of network `name` as a dict; logs progress to stderr."""
    log = lambda msg: print(f"[{name}] {msg}", file=sys.stderr, flush=True)  # noqa: E731
    row = {"network": name}
    start = time.perf_counter()
    model = cnnc_models.build(name, args.seed)
    path = os.path.join(work, f"{name}.onnx")
    onnx.save(model, path)
    params, macs = cnnc_models.model_stats(model)
    row.update(params=params, macs=macs)
    log(f"generated in {time.perf_counter() - start:.1f} s (weights seed {args.seed})")

    lib = os.path.join(work, f"{name}.so")
    secs, rc, out = _run([args.cnnc, path, "-o", lib])
    if rc:
        row["failure"] = f"cnnc failed (exit {rc}): {_first_error(out)}"
        log(f"{row['failure']}\n  command: {args.cnnc} {path} -o {lib}")
        return row
    row["compile_s"] = secs
    log(f"compiled in {secs:.1f} s")

    ref = os.path.join(work, f"{name}.ref")
    secs, rc, out = _run([sys.executable, os.path.join(SCRIPTS, "onnx_reference.py"), path,
                          "--out", ref, "--seed", str(args.input_seed)])
    if rc:
        raise SystemExit(f"onnx_reference.py failed on {name}:\n{out}")
    outdir = os.path.join(work, f"{name}.out")
    secs, rc, out = _run([args.cnnc_run, lib, "--input", os.path.join(ref, "input_0.npy"),
                          "--output-dir", outdir, "--quiet", "--bench", "1", "--warmup", "0"])
    if rc:
        row["failure"] = f"cnnc-run failed (exit {rc}): {_first_error(out)}"
        log(row["failure"])
        return row
    latency = [line for line in out.splitlines() if line.startswith("latency:")]
    if latency:  # "latency: min X ms, median Y ms over N runs"
        row["latency_ms"] = float(latency[0].split()[2])

    expected = np.load(os.path.join(ref, "output_0.npy")).astype(np.float64)
    actual = np.load(os.path.join(outdir, _sanitize(model.graph.output[0].name) + ".npy"))
    actual = actual.astype(np.float64)
    if actual.shape != expected.shape or not np.all(np.isfinite(actual)):
        row["failure"] = f"output shape {list(actual.shape)} or non-finite values"
        log(row["failure"])
        return row
    err = np.abs(actual - expected)
    row["max_abs"] = float(err.max())
    row["max_rel"] = float((err / np.maximum(np.abs(expected), np.finfo(np.float32).tiny)).max())
    row["scaled"] = row["max_abs"] / float(np.abs(expected).max())
    row["top5"], message = topk_agree(expected, actual, 5, args.tie_atol)
    row["top5_msg"] = message
    log(f"max abs err {row['max_abs']:.3g}, max rel err {row['max_rel']:.3g}; {message}")
    return row


def table(rows, args, built):
    lines = [
        f"Weights seed {args.seed}, input seed {args.input_seed} (standard normal); "
        f"reference: onnxruntime {_ort_version()} (CPU, ORT_ENABLE_ALL); cnnc built "
        f"{built}; latency: one run of cnnc-run.",
        "",
        "| network | params | GMACs | compile (s) | latency (ms) | max abs err | max rel err "
        "| max abs err / max abs ref | top-5 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        head = f"| {r['network']} | {r['params'] / 1e6:.2f} M | {r['macs'] / 1e9:.3f} "
        if "failure" in r:
            lines.append(head + f"| {r.get('compile_s', float('nan')):.1f} | | | | | "
                         f"FAILED: {r['failure']} |")
            continue
        lat = r.get("latency_ms")
        lat = "" if lat is None else f"{lat:.0f}" if lat >= 100 else f"{lat:.3g}"
        top5 = "agree" if r["top5"] else f"DISAGREE: {r['top5_msg']}"
        lines.append(head + f"| {r['compile_s']:.1f} | {lat} | {r['max_abs']:.2e} "
                     f"| {r['max_rel']:.2e} | {r['scaled']:.2e} | {top5} |")
    return "\n".join(lines)


def _mtime(path):
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(os.path.getmtime(path)))


def _ort_version():
    import onnxruntime
    return onnxruntime.__version__


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--only", help="comma-separated network names (default: all)")
    p.add_argument("--seed", type=int, default=0, help="weight seed (default 0)")
    p.add_argument("--input-seed", type=int, default=1, help="input seed (default 1)")
    p.add_argument("--work", help="keep the models, libraries and outputs in this directory "
                                  "(default: a temporary directory, removed)")
    p.add_argument("--tie-atol", type=float, default=1e-4,
                   help="reference scores this close are ties for top-5 (default 1e-4)")
    p.add_argument("--cnnc", default=os.path.join(ROOT, "build", "bin", "cnnc"))
    p.add_argument("--cnnc-run", default=os.path.join(ROOT, "build", "bin", "cnnc-run"))
    args = p.parse_args(argv)

    names = args.only.split(",") if args.only else list(cnnc_models.NETWORKS)
    unknown = [n for n in names if n not in cnnc_models.NETWORKS]
    if unknown:
        p.error(f"unknown network(s): {', '.join(unknown)}; see cnnc_models.py --list")

    built = _mtime(args.cnnc)
    work = args.work or tempfile.mkdtemp(prefix="cnnc-report-")
    os.makedirs(work, exist_ok=True)
    try:
        rows = [report(name, args, work) for name in names]
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(table(rows, args, built))
    if _mtime(args.cnnc) != built:
        print(f"\nWARNING: {args.cnnc} was rebuilt during the run ({built} -> "
              f"{_mtime(args.cnnc)}); the rows mix two compilers, run again.")
        return 1
    return 0 if all("failure" not in r and r["top5"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
