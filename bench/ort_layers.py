#!/usr/bin/env python3
"""onnxruntime's time per node of one model, to set next to `cnnc-run
LIB --profile` when looking for the layers where onnxruntime is faster.

Runs the model --runs times with onnxruntime's own profiler (CPU provider,
all graph optimizations, --threads intra-op threads), drops the first third
as warm-up and prints each node's median kernel time, slowest first, with
the median of whole runs. onnxruntime names a fused node after its last
original node and appends `_nchwc` to its blocked convolutions: ResNet-50's
`layer1.0.conv1` + bn + relu is `layer1.0.relu1_nchwc`. The profiler adds a
few percent to the whole run.

Usage:
  bench/ort_layers.py MODEL.onnx [--threads 1] [--runs 30] [--seed 1]
"""

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile

import numpy as np
import onnxruntime as ort


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("model")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--runs", type=int, default=30)
    p.add_argument("--seed", type=int, default=1,
                   help="input seed (uniform [-1, 1), as cnnc-run --random-inputs)")
    args = p.parse_args()
    if args.runs < 3:
        sys.exit("--runs must be at least 3")

    opts = ort.SessionOptions()
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.intra_op_num_threads = args.threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.enable_profiling = True
    with tempfile.TemporaryDirectory() as tmp:
        opts.profile_file_prefix = os.path.join(tmp, "ort")
        session = ort.InferenceSession(args.model, opts,
                                       providers=["CPUExecutionProvider"])
        rng = np.random.default_rng(args.seed)
        feeds = {}
        for i in session.get_inputs():
            if i.type != "tensor(float)":
                sys.exit("input %s is %s; only float inputs are supported" % (i.name, i.type))
            shape = [d if isinstance(d, int) else 1 for d in i.shape]
            feeds[i.name] = rng.uniform(-1, 1, shape).astype(np.float32)
        for _ in range(args.runs):
            session.run(None, feeds)
        with open(session.end_profiling()) as f:
            events = json.load(f)

    warm = args.runs // 3
    per_node = collections.defaultdict(list)
    op_type = {}
    runs = []
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            name = e["name"][: -len("_kernel_time")]
            per_node[name].append(e["dur"] / 1000.0)
            op_type[name] = e.get("args", {}).get("op_name", "")
        elif e.get("cat") == "Session" and e["name"] == "model_run":
            runs.append(e["dur"] / 1000.0)
    rows = sorted(((statistics.median(v[warm:] or v), n) for n, v in per_node.items()),
                  reverse=True)
    print("onnxruntime %s, %d thread(s), median of %d runs: whole run %.3f ms, "
          "sum of nodes %.3f ms" % (ort.__version__, args.threads, args.runs - warm,
                                    statistics.median(runs[warm:]),
                                    sum(ms for ms, _ in rows)))
    width = max([len(n) for _, n in rows] + [4])
    for ms, name in rows:
        print("%-*s  %-18s %9.3f" % (width, name, op_type[name], ms))


if __name__ == "__main__":
    main()
