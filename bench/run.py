#!/usr/bin/env python3
"""cnnc against onnxruntime on the seed networks, in one process, alternately.

For each network: generate it (scripts/cnnc_models.py, weights seed 0),
compile it with `cnnc` (timed), load the library through libcnnrt (ctypes) and
an onnxruntime session (CPU provider, all graph optimizations) per thread
count, then time them alternately on the same seeded input: per thread
count, warm-up runs, then --runs rounds of (a block of cnnc runs, a block of
onnxruntime runs), each block after an idle pause; medians. The FMA peak is
measured in the same run (`cnnc-run --peak`).

Prints a markdown table and writes it, with the raw numbers, to
OUT/bench.md, OUT/bench.json and a bar chart OUT/bench.svg (speedup over
onnxruntime per network and thread count).

cnnc runs at the same thread counts as onnxruntime: libcnnrt's pool is
resized (cnnrt_set_num_threads) before each thread count's rounds, so each
round compares the two at equal threads.

With --batch N the networks take N images per run (cnnc_models.py --batch)
and the table adds throughput in images per second; the default output
directory is then build/bench-b<N>.

Usage:
  bench/run.py [--only resnet50,googlenet] [--threads 1,2] [--runs 10]
               [--block 3] [--settle 0.3] [--warmup 3] [--batch 1]
               [--out build/bench] [--cnnc-bin build/bin]
"""

import argparse
import ctypes
import datetime
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))

import cnnc_models  # noqa: E402

DEFAULT_NETWORKS = ["lenet5", "alexnet", "vgg16", "googlenet", "inception_v3",
                    "resnet50", "resnext50_32x4d", "se_resnet50",
                    "mobilenet_v2", "efficientnet_b0"]


class CnnrtTensor(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("strides", ctypes.POINTER(ctypes.c_int64))]


class CnnrtTensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_int32), ("shape", ctypes.POINTER(ctypes.c_int64))]


class CnnrtSignature(ctypes.Structure):
    _fields_ = [("abi_version", ctypes.c_uint32), ("num_inputs", ctypes.c_int32),
                ("num_outputs", ctypes.c_int32),
                ("inputs", ctypes.POINTER(CnnrtTensorInfo)),
                ("outputs", ctypes.POINTER(CnnrtTensorInfo)),
                ("model_name", ctypes.c_char_p), ("target", ctypes.c_char_p)]


class CnncModel:
    """A compiled model loaded through libcnnrt.so."""

    def __init__(self, runtime, path):
        self.rt = runtime
        self.handle = ctypes.c_void_p()
        err = ctypes.create_string_buffer(512)
        code = self.rt.cnnrt_load(path.encode(), ctypes.byref(self.handle), err)
        if code != 0:
            raise RuntimeError(err.value.decode())
        sig = self.rt.cnnrt_signature(self.handle).contents
        self.inputs = [self._info(sig.inputs[i]) for i in range(sig.num_inputs)]
        self.outputs = [self._info(sig.outputs[i]) for i in range(sig.num_outputs)]

    @staticmethod
    def _info(info):
        return info.name.decode(), tuple(info.shape[d] for d in range(info.rank))

    def bind(self, arrays):
        """Prepares descriptors for `arrays` (inputs in signature order)."""
        self.in_arrays = [np.ascontiguousarray(a, dtype=np.float32) for a in arrays]
        self.out_arrays = [np.empty(shape, np.float32) for _, shape in self.outputs]
        self._keep = []

        def descriptors(arrs):
            ds = (CnnrtTensor * len(arrs))()
            for d, a in zip(ds, arrs):
                shape = (ctypes.c_int64 * a.ndim)(*a.shape)
                self._keep.append(shape)
                d.data = a.ctypes.data
                d.dtype = 1
                d.rank = a.ndim
                d.shape = shape
                d.strides = None
            return ds
        self.in_desc = descriptors(self.in_arrays)
        self.out_desc = descriptors(self.out_arrays)
        self.err = ctypes.create_string_buffer(512)

    def run(self):
        code = self.rt.cnnrt_run(self.handle, self.in_desc, len(self.in_arrays),
                                 self.out_desc, len(self.out_arrays), self.err)
        if code != 0:
            raise RuntimeError(self.err.value.decode())

    def close(self):
        self.rt.cnnrt_unload(self.handle)


def load_runtime(lib_dir):
    rt = ctypes.CDLL(os.path.join(lib_dir, "libcnnrt.so"))
    rt.cnnrt_load.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_void_p),
                              ctypes.c_char_p]
    rt.cnnrt_signature.restype = ctypes.POINTER(CnnrtSignature)
    rt.cnnrt_signature.argtypes = [ctypes.c_void_p]
    rt.cnnrt_run.argtypes = [ctypes.c_void_p, ctypes.POINTER(CnnrtTensor), ctypes.c_size_t,
                             ctypes.POINTER(CnnrtTensor), ctypes.c_size_t, ctypes.c_char_p]
    rt.cnnrt_unload.argtypes = [ctypes.c_void_p]
    rt.cnnrt_set_num_threads.argtypes = [ctypes.c_int, ctypes.c_char_p]
    return rt


def set_threads(runtime, n):
    err = ctypes.create_string_buffer(512)
    if runtime.cnnrt_set_num_threads(n, err) != 0:
        raise RuntimeError(err.value.decode())


def measure_peak(cnnc_bin):
    out = subprocess.run([os.path.join(cnnc_bin, "cnnc-run"), "--peak"],
                         capture_output=True, text=True, check=True).stdout
    m = re.search(r"fma peak: ([0-9.]+) GFLOP/s on 1 thread, ([0-9.]+) GFLOP/s on (\d+) "
                  r"threads \((\w+)\)", out)
    if not m:
        raise RuntimeError("cannot parse cnnc-run --peak output: " + out)
    return {"1": float(m.group(1)), str(m.group(3)): float(m.group(2)), "isa": m.group(4)}


def ort_session(path, threads):
    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(path, opts, providers=["CPUExecutionProvider"])


def timed(fn):
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1e3


def bench_network(name, args, work, cnnc_bin, runtime):
    cnnc_models.NetBuilder.batch = args.batch
    model = cnnc_models.build(name, seed=0)
    stem = name if args.batch == 1 else "%s_b%d" % (name, args.batch)
    onnx_path = os.path.join(work, stem + ".onnx")
    onnx.save(model, onnx_path)
    _, macs = cnnc_models.model_stats(model)
    lib = os.path.join(work, stem + ".so")
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(cnnc_bin, "cnnc"), onnx_path, "-o", lib],
                          capture_output=True, text=True)
    compile_s = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError("cnnc failed on %s:\n%s" % (name, proc.stderr[-2000:]))

    cnnc = CnncModel(runtime, lib)
    rng = np.random.default_rng(args.input_seed)
    inputs = [rng.standard_normal(shape).astype(np.float32) for _, shape in cnnc.inputs]
    cnnc.bind(inputs)
    sessions = {t: ort_session(onnx_path, t) for t in args.threads}
    feeds = {i.name: a for i, a in zip(sessions[args.threads[0]].get_inputs(), inputs)}

    def run_ort(t):
        sessions[t].run(None, feeds)

    # The two must agree before their times mean anything.
    cnnc.run()
    ref = sessions[args.threads[0]].run(None, feeds)[0]
    err = float(np.max(np.abs(cnnc.out_arrays[0] - ref)))
    scale = float(np.max(np.abs(ref))) or 1.0

    times = {}
    for t in args.threads:
        set_threads(runtime, t)
        for _ in range(args.warmup):
            cnnc.run()
            run_ort(t)
        times["cnnc%d" % t], times["ort%d" % t] = [], []
        for _ in range(args.runs):
            # onnxruntime's workers keep spinning for tens of milliseconds
            # after a run (measured: cnnc at 2 threads runs 25% slower 50 ms
            # after an onnxruntime run, as fast after 0.5 s). So the two
            # alternate in blocks, each after an idle pause.
            time.sleep(args.settle)
            for _ in range(args.block):
                times["cnnc%d" % t].append(timed(cnnc.run))
            time.sleep(args.settle)
            for _ in range(args.block):
                times["ort%d" % t].append(timed(lambda: run_ort(t)))
    cnnc.close()
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"network": name, "compile_s": compile_s, "max_abs_err": err,
            "rel_err_to_scale": err / scale, "median_ms": med,
            "min_ms": {k: min(v) for k, v in times.items()},
            "macs": macs}


def svg_chart(rows, threads):
    """Horizontal bars: onnxruntime time / cnnc time per network and thread
    count (right of the 1.0 line: cnnc faster)."""
    bar_h, gap, left, width = 12, 8, 150, 520
    colors = ["#4c72b0", "#dd8452", "#55a868", "#c44e52"]
    ratios = [[r["median_ms"]["ort%d" % t] / r["median_ms"]["cnnc%d" % t] for t in threads]
              for r in rows]
    top = max([2.0] + [x for rs in ratios for x in rs])
    scale = width / top
    height = len(rows) * (len(threads) * bar_h + gap) + 60
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="11">' % (left + width + 60, height)]
    out.append('<text x="%d" y="14" font-weight="bold">onnxruntime ms / cnnc ms '
               '(&gt; 1: cnnc faster)</text>' % left)
    y = 28
    for r, rs in zip(rows, ratios):
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (left - 6, y + bar_h * len(threads) / 2 + 4, r["network"]))
        for i, (t, x) in enumerate(zip(threads, rs)):
            out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"/>'
                       % (left, y, x * scale, bar_h - 2, colors[i % len(colors)]))
            out.append('<text x="%.1f" y="%d">%.2f</text>' % (left + x * scale + 3, y + 9, x))
            y += bar_h
        y += gap
    one = left + scale
    out.append('<line x1="%.1f" y1="22" x2="%.1f" y2="%d" stroke="black" '
               'stroke-dasharray="3,3"/>' % (one, one, y))
    for i, t in enumerate(threads):
        out.append('<rect x="%d" y="%d" width="10" height="10" fill="%s"/>'
                   '<text x="%d" y="%d">vs onnxruntime, %d thread%s</text>'
                   % (left + i * 170, y + 8, colors[i % len(colors)], left + i * 170 + 14,
                      y + 17, t, "s" if t > 1 else ""))
    out.append("</svg>")
    return "\n".join(out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--only", help="comma-separated networks (default: %s)"
                   % ",".join(DEFAULT_NETWORKS))
    p.add_argument("--threads", default="1,2",
                   help="thread counts, for cnnc and onnxruntime alike (default 1,2)")
    p.add_argument("--runs", type=int, default=10,
                   help="rounds; each times --block runs of cnnc, then of onnxruntime")
    p.add_argument("--block", type=int, default=3)
    p.add_argument("--settle", type=float, default=0.3,
                   help="idle seconds before each block (default 0.3)")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--input-seed", type=int, default=1)
    p.add_argument("--batch", type=int, default=1,
                   help="images per run (default 1); adds images/s to the table")
    p.add_argument("--out", help="output directory (default build/bench, or "
                   "build/bench-b<N> with --batch N)")
    p.add_argument("--cnnc-bin", default=os.path.join(ROOT, "build", "bin"))
    p.add_argument("--lib-dir", default=os.path.join(ROOT, "build", "lib"))
    args = p.parse_args(argv)
    args.threads = [int(t) for t in args.threads.split(",")]
    if args.batch < 1:
        p.error("--batch expects a size >= 1")
    if args.out is None:
        args.out = os.path.join(ROOT, "build", "bench" if args.batch == 1
                                else "bench-b%d" % args.batch)
    names = args.only.split(",") if args.only else DEFAULT_NETWORKS
    unknown = [n for n in names if n not in cnnc_models.NETWORKS]
    if unknown:
        p.error("unknown network(s): %s; known: %s"
                % (", ".join(unknown), ", ".join(cnnc_models.NETWORKS)))
    os.makedirs(args.out, exist_ok=True)
    runtime = load_runtime(args.lib_dir)
    peak = measure_peak(args.cnnc_bin)
    print("FMA peak: %.1f GFLOP/s on 1 thread (%s); onnxruntime %s; input seed %d; "
          "medians of %d alternating runs" % (peak["1"], peak["isa"], ort.__version__,
                                              args.input_seed, args.runs), file=sys.stderr)
    rows = []
    for name in names:
        print("[%s] generating, compiling, timing..." % name, file=sys.stderr)
        rows.append(bench_network(name, args, args.out, args.cnnc_bin, runtime))

    head = ["network", "GMACs", "compile s"]
    for t in args.threads:
        head += ["cnnc ms %dT" % t, "ORT ms %dT" % t, "ratio %dT" % t]
    if args.batch > 1:
        for t in args.threads:
            head += ["cnnc img/s %dT" % t, "ORT img/s %dT" % t]
    head += ["cnnc GFLOP/s %dT" % args.threads[0]]
    head += ["%% peak %dT" % t for t in args.threads if str(t) in peak]
    head += ["max err / max |ref|"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        ms = r["median_ms"]
        cells = [r["network"], "%.3f" % (r["macs"] / 1e9), "%.1f" % r["compile_s"]]
        for t in args.threads:
            cells += ["%.3f" % ms["cnnc%d" % t], "%.3f" % ms["ort%d" % t],
                      "%.2f" % (ms["ort%d" % t] / ms["cnnc%d" % t])]
        if args.batch > 1:
            for t in args.threads:
                cells += ["%.1f" % (1e3 * args.batch / ms["cnnc%d" % t]),
                          "%.1f" % (1e3 * args.batch / ms["ort%d" % t])]
        cells += ["%.1f" % (2.0 * r["macs"] / (ms["cnnc%d" % args.threads[0]] * 1e6))]
        for t in args.threads:
            if str(t) in peak:
                gflops = 2.0 * r["macs"] / (ms["cnnc%d" % t] * 1e6)
                cells += ["%.0f%%" % (100 * gflops / peak[str(t)])]
        cells += ["%.1e" % r["rel_err_to_scale"]]
        lines.append("| " + " | ".join(cells) + " |")
    when = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    peaks = ", ".join("%.1f GFLOP/s on %s thread%s" % (v, k, "" if k == "1" else "s")
                      for k, v in peak.items() if k != "isa")
    header = ("cnnc vs onnxruntime %s on %s (%s), %s, batch %d. FMA peak %s. "
              "Ratio = onnxruntime ms / cnnc ms at the same thread count (> 1: cnnc "
              "faster). Medians of %d runs each, in %d alternating blocks of %d after "
              "%.1f s idle, after %d warm-up runs."
              % (ort.__version__, platform.node(), peak["isa"], when, args.batch, peaks,
                 args.runs * args.block, args.runs, args.block, args.settle, args.warmup))
    table = header + "\n\n" + "\n".join(lines) + "\n"
    print(table)
    with open(os.path.join(args.out, "bench.md"), "w") as f:
        f.write(table)
    with open(os.path.join(args.out, "bench.json"), "w") as f:
        json.dump({"when": when, "batch": args.batch, "peak_gflops": peak,
                   "onnxruntime": ort.__version__,
                   "threads": args.threads, "runs": args.runs, "rows": rows}, f, indent=1)
    with open(os.path.join(args.out, "bench.svg"), "w") as f:
        f.write(svg_chart(rows, args.threads))
    print("wrote %s/bench.{md,json,svg}" % args.out, file=sys.stderr)
    bad = [r["network"] for r in rows if r["rel_err_to_scale"] > 1e-3]
    if bad:
        print("error: cnnc and onnxruntime disagree on %s" % ", ".join(bad), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
