#!/usr/bin/env python3
"""What `cnnc --factorize` buys and costs, across error budgets.

For each network and weight kind, the network is generated
(scripts/cnnc_models.py, weight seed 0) and compiled once without
factorization (the baseline) and once per budget with
`--factorize=BUDGET --factorize-max-deviation=1`, so that no budget is
refused and its deviation is still measured. Per row it prints:

  - convolutions factorized, and the MACs of those layers before and after
    (the compiler's own summary remark);
  - the whole network's MACs (`cnnc --report`) and the reduction;
  - the compiler's whole-network check: max |factorized - unfactorized|
    relative to max |unfactorized output| on a seeded random input (the
    default --factorize-max-deviation, 1e-2, would refuse rows above it);
  - compile time (it includes the check, which compiles the baseline again);
  - median latency of the library (`cnnc-run --bench`, one thread), and the
    speedup over the baseline library measured in the same way.

Weight kinds: `random` is the He-initialized seed weights (no structure, the
honest case for a budget); `rank8` draws every square kernel with rank <= 8
(`--low-rank-kernels 8`), which factorizes without loss.

Writes OUT/factorize.md and OUT/factorize.json.

Usage:
  bench/factorize.py [--networks googlenet,inception_v3] [--weights random,rank8]
                     [--budgets 1e-4,1e-2,0.1,0.5] [--runs 20] [--threads 1]
                     [--out build/bench-factorize] [--cnnc-bin build/bin]
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WEIGHTS = {"random": [], "rank8": ["--low-rank-kernels", "8"]}

SUMMARY_RE = re.compile(r"factorized (\d+) of (\d+) convolutions(?:: (\d+) -> (\d+) MACs)?")
TOTAL_RE = re.compile(r"^total: .*MACs \((\d+)\)", re.M)
CHECK_RE = re.compile(r"whole-network check of --factorize .*= ([0-9.e+-]+) on output "
                      r"'[^']*', ([0-9.e+-]+) relative")
LATENCY_RE = re.compile(r"latency: min ([0-9.]+) ms, median ([0-9.]+) ms")


def run(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("command failed (%d): %s\n%s%s" % (proc.returncode, " ".join(cmd),
                                                   proc.stdout, proc.stderr))
    return proc.stdout + proc.stderr


def compile_lib(cnnc, onnx_path, lib, extra):
    start = time.perf_counter()
    out = run([cnnc, onnx_path, "--report", "-o", lib] + extra)
    seconds = time.perf_counter() - start
    total = TOTAL_RE.search(out)
    if not total:
        sys.exit("no 'total:' line in cnnc --report output for " + onnx_path)
    return out, int(total.group(1)), seconds


def latency(cnnc_run, lib, runs, threads):
    """cnnc-run's median latency of `lib` over `runs` runs."""
    out = run([cnnc_run, lib, "--random-inputs", "0", "--quiet", "--bench", str(runs),
               "--threads", str(threads)])
    m = LATENCY_RE.search(out)
    if not m:
        sys.exit("no latency line from cnnc-run " + lib)
    return float(m.group(2))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--networks", default="googlenet,inception_v3")
    p.add_argument("--weights", default="random,rank8",
                   help="comma-separated weight kinds: %s" % ",".join(WEIGHTS))
    p.add_argument("--budgets", default="1e-4,1e-2,0.1,0.5",
                   help="per-layer relative reconstruction budgets (--factorize=)")
    p.add_argument("--runs", type=int, default=20, help="timed runs per cnnc-run call")
    p.add_argument("--rounds", type=int, default=3,
                   help="cnnc-run calls per library, alternating baseline and "
                        "factorized (median of their medians)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", default=os.path.join(ROOT, "build", "bench-factorize"))
    p.add_argument("--cnnc-bin", default=os.path.join(ROOT, "build", "bin"))
    args = p.parse_args(argv)

    cnnc = os.path.join(args.cnnc_bin, "cnnc")
    cnnc_run = os.path.join(args.cnnc_bin, "cnnc-run")
    for tool in (cnnc, cnnc_run):
        if not os.access(tool, os.X_OK):
            sys.exit("%s not found: build first (ninja -C build)" % tool)
    kinds = args.weights.split(",")
    for k in kinds:
        if k not in WEIGHTS:
            sys.exit("unknown weight kind '%s' (expected one of: %s)" % (k, ", ".join(WEIGHTS)))
    budgets = [float(b) for b in args.budgets.split(",")]
    os.makedirs(args.out, exist_ok=True)

    rows = []
    for kind in kinds:
        model_dir = os.path.join(args.out, "models-" + kind)
        run([sys.executable, os.path.join(ROOT, "scripts", "cnnc_models.py"), "--out", model_dir,
             "--only", args.networks, "--seed", "0"] + WEIGHTS[kind])
        for net in args.networks.split(","):
            onnx_path = os.path.join(model_dir, net + ".onnx")
            base_lib = os.path.join(args.out, "%s-%s-base.so" % (net, kind))
            _, base_macs, base_s = compile_lib(cnnc, onnx_path, base_lib, [])
            print("%s (%s weights): %.3f GMACs, compiled in %.1f s"
                  % (net, kind, base_macs / 1e9, base_s), flush=True)
            for budget in budgets:
                lib = os.path.join(args.out, "%s-%s-%g.so" % (net, kind, budget))
                out, macs, seconds = compile_lib(
                    cnnc, onnx_path, lib,
                    ["--factorize=%g" % budget, "--factorize-max-deviation=1"])
                s = SUMMARY_RE.search(out)
                c = CHECK_RE.search(out)
                if not c:
                    sys.exit("no whole-network check remark from cnnc for " + lib)
                if not s:
                    sys.exit("no factorization summary remark from cnnc for " + lib)
                done, convs, layer_before, layer_after = (int(g or 0) for g in s.groups())
                base_ms = fact_ms = None
                if args.runs > 0:
                    # Alternate the two libraries so that drift hits both.
                    b, f = [], []
                    for _ in range(args.rounds):
                        b.append(latency(cnnc_run, base_lib, args.runs, args.threads))
                        f.append(latency(cnnc_run, lib, args.runs, args.threads))
                    base_ms, fact_ms = statistics.median(b), statistics.median(f)
                row = {
                    "network": net, "weights": kind, "budget": budget,
                    "factorized": done, "convolutions": convs,
                    "layer_macs_before": layer_before, "layer_macs_after": layer_after,
                    "network_macs_before": base_macs, "network_macs_after": macs,
                    "max_abs_deviation": float(c.group(1)),
                    "relative_deviation": float(c.group(2)),
                    "compile_s": seconds, "baseline_compile_s": base_s,
                    "baseline_ms": base_ms, "factorized_ms": fact_ms,
                }
                rows.append(row)
                print("  budget %-6g %2d/%d convs, network %.3f -> %.3f GMACs, "
                      "deviation %.2e, compile %.1f s%s"
                      % (budget, done, convs, base_macs / 1e9, macs / 1e9,
                         row["relative_deviation"], seconds,
                         "" if fact_ms is None else ", %.2f -> %.2f ms" % (base_ms, fact_ms)),
                      flush=True)

    header = ("| network | weights | budget | convs factorized | MACs in them | "
              "network GMACs | fewer | deviation (rel.) | passes 1e-2 check | "
              "compile s | ms (base -> fact.) | speedup |")
    lines = [header, "|" + "---|" * (header.count("|") - 1)]
    for r in rows:
        fewer = 1 - r["network_macs_after"] / r["network_macs_before"]
        layer = ("%.0f -> %.0f M" % (r["layer_macs_before"] / 1e6, r["layer_macs_after"] / 1e6)
                 if r["factorized"] else "-")
        if r["factorized_ms"] is None:
            timing, speedup = "-", "-"
        else:
            timing = "%.2f -> %.2f" % (r["baseline_ms"], r["factorized_ms"])
            speedup = "%.2fx" % (r["baseline_ms"] / r["factorized_ms"])
        lines.append("| %s | %s | %g | %d/%d | %s | %.3f -> %.3f | %.1f%% | %.2e | %s | %.1f | %s | %s |"
                     % (r["network"], r["weights"], r["budget"], r["factorized"],
                        r["convolutions"], layer, r["network_macs_before"] / 1e9,
                        r["network_macs_after"] / 1e9, 100 * fewer, r["relative_deviation"],
                        "yes" if r["relative_deviation"] <= 1e-2 else "no", r["compile_s"],
                        timing, speedup))
    table = "\n".join(lines)
    print()
    print(table)
    cmd = "bench/factorize.py " + " ".join(argv if argv is not None else sys.argv[1:])
    with open(os.path.join(args.out, "factorize.md"), "w") as f:
        f.write("# cnnc --factorize across budgets\n\n`%s`, latency at %d thread(s), "
                "median of %d rounds of %d runs.\n\n%s\n" % (cmd.strip(), args.threads,
                                                            args.rounds, args.runs, table))
    with open(os.path.join(args.out, "factorize.json"), "w") as f:
        json.dump({"command": cmd.strip(), "threads": args.threads, "rows": rows}, f, indent=1)
    print("\nwrote %s/factorize.{md,json}" % args.out)


if __name__ == "__main__":
    main()
