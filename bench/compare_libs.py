#!/usr/bin/env python3
"""Per-layer time of two compiled libraries of one network, in ABBA order.

On a noisy machine the second of two back-to-back runs is not comparable with
the first (on the build VM it measured consistently faster, whichever library
it was). This runs `cnnc-run LIB --profile` for A, B, B, A, ... (--cycles
times), takes each layer's median over the runs of each library and prints
the layers whose medians differ by more than --min-ms, then the sums.

Usage:
  bench/compare_libs.py A.so B.so [--threads 1] [--cycles 2] [--bench 5]
                        [--min-ms 0.1] [--cnnc-bin build/bin]
"""

import argparse
import os
import statistics
import subprocess
import sys
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def profile(cnnc_run, lib, threads, bench):
    proc = subprocess.run([cnnc_run, lib, "--random-inputs", "1", "--quiet", "--profile",
                           "--bench", str(bench), "--threads", str(threads)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit("cnnc-run %s failed:\n%s%s" % (lib, proc.stdout, proc.stderr))
    layers = {}
    for line in proc.stdout.splitlines():
        fields = line.split()
        # "   #  layer  kind  ms  %  GFLOP/s  %peak" rows start with the rank.
        if len(fields) >= 4 and fields[0].isdigit():
            layers[fields[1]] = float(fields[3])
    if not layers:
        sys.exit("no per-layer profile from cnnc-run " + lib)
    return layers


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--cycles", type=int, default=2, help="ABBA cycles (default 2)")
    p.add_argument("--bench", type=int, default=5, help="runs per profile (default 5)")
    p.add_argument("--min-ms", type=float, default=0.1)
    p.add_argument("--cnnc-bin", default=os.path.join(ROOT, "build", "bin"))
    args = p.parse_args(argv)
    cnnc_run = os.path.join(args.cnnc_bin, "cnnc-run")
    runs = {"a": defaultdict(list), "b": defaultdict(list)}
    for _ in range(args.cycles):
        for which in ("a", "b", "b", "a"):
            lib = args.a if which == "a" else args.b
            for layer, ms in profile(cnnc_run, lib, args.threads, args.bench).items():
                runs[which][layer].append(ms)
    a = {k: statistics.median(v) for k, v in runs["a"].items()}
    b = {k: statistics.median(v) for k, v in runs["b"].items()}
    print("%-36s %9s %9s %8s" % ("layer", "A ms", "B ms", "B - A"))
    for layer in sorted(set(a) | set(b), key=lambda k: -a.get(k, 0)):
        da, db = a.get(layer, 0.0), b.get(layer, 0.0)
        if abs(db - da) > args.min_ms:
            print("%-36s %9.3f %9.3f %+8.3f" % (layer, da, db, db - da))
    ta, tb = sum(a.values()), sum(b.values())
    print("%-36s %9.2f %9.2f %+8.2f  (B/A %.3f)" % ("sum of layers", ta, tb, tb - ta, tb / ta))


if __name__ == "__main__":
    main()
