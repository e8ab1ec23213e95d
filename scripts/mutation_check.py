#!/usr/bin/env python3
"""Feeds cnnc seeded mutants of valid inputs and fails on anything but a
clean result: a signal, a hang, a sanitizer report, or an exit status other
than 0 (compiled) or 1 (clean error with a message).

  mutation_check.py --cnnc build/bin/cnnc --seed 1 --count 200 \\
      --onnx model.onnx ... --dsl net.cnn ... [--emit so] [--work DIR]

Mutations of an ONNX model: truncation, flipped and overwritten bytes, and
protobuf field changes made through the onnx package (attribute values set
to extremes, dims changed, inputs dropped or repeated, op types swapped,
nodes duplicated or removed, opset and ir_version changed). Mutations of a
DSL file: deleted, duplicated and swapped tokens, numbers set to extremes,
deep nesting. Every mutant is named by (seed, index) so that a failure can
be reproduced; failing inputs are kept in --work.
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

EXTREMES = [0, -1, 1, 2, 3, 7, 255, 65535, 2**31 - 1, 2**31, 2**32 + 1,
            2**62, 2**63 - 1, -2**63, -2**31, 10**6, 10**9]


def mutate_bytes(data, rng):
    data = bytearray(data)
    kind = rng.randrange(3)
    if kind == 0 or not data:
        return bytes(data[:rng.randrange(len(data) + 1)]), "truncate"
    if kind == 1:
        for _ in range(rng.randint(1, 8)):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        return bytes(data), "flip"
    i = rng.randrange(len(data))
    chunk = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    data[i:i + len(chunk)] = chunk
    return bytes(data), "overwrite"


def mutate_proto(data, rng):
    import onnx
    from onnx import AttributeProto
    model = onnx.load_from_string(data)
    graph = model.graph
    nodes = list(graph.node)
    choice = rng.randrange(9)
    what = ""
    if choice == 0 and nodes:
        n = rng.choice(nodes)
        ints = [a for a in n.attribute if a.type == AttributeProto.INTS and a.ints]
        one = [a for a in n.attribute if a.type == AttributeProto.INT]
        if ints:
            a = rng.choice(ints)
            a.ints[rng.randrange(len(a.ints))] = rng.choice(EXTREMES)
            what = f"attr {n.name}.{a.name}"
        elif one:
            a = rng.choice(one)
            a.i = rng.choice(EXTREMES)
            what = f"attr {n.name}.{a.name}"
    elif choice == 1:
        vis = list(graph.input) + list(graph.output)
        if vis:
            v = rng.choice(vis)
            dims = v.type.tensor_type.shape.dim
            if dims:
                d = dims[rng.randrange(len(dims))]
                d.dim_value = rng.choice([0, 1, 2, 3, 1000, 2**31, 2**40])
                what = f"dim {v.name}"
    elif choice == 2 and nodes:
        n = rng.choice(nodes)
        if n.input:
            del n.input[rng.randrange(len(n.input))]
            what = f"drop input {n.name}"
    elif choice == 3 and nodes:
        n = rng.choice(nodes)
        n.input.append(rng.choice(list(n.input) or ["x"]))
        what = f"extra input {n.name}"
    elif choice == 4 and nodes:
        n = rng.choice(nodes)
        n.op_type = rng.choice(sorted({m.op_type for m in nodes} |
                                      {"Relu", "Conv", "Gemm", "MaxPool",
                                       "Concat", "Add", "Reshape", "Flatten"}))
        what = f"op {n.name} -> {n.op_type}"
    elif choice == 5 and nodes:
        n = rng.choice(nodes)
        graph.node.insert(rng.randrange(len(nodes) + 1), n)
        what = f"duplicate {n.name}"
    elif choice == 6 and nodes:
        i = rng.randrange(len(nodes))
        what = f"remove {nodes[i].name}"
        del graph.node[i]
    elif choice == 7:
        model.opset_import[0].version = rng.choice([1, 6, 7, 13, 18, 22, 23, 99])
        model.ir_version = rng.choice([0, 3, 7, 8, 10, 99])
        what = "versions"
    elif choice == 8 and graph.initializer:
        t = rng.choice(list(graph.initializer))
        if t.dims:
            t.dims[rng.randrange(len(t.dims))] = rng.choice(EXTREMES)
            what = f"initializer dims {t.name}"
    return model.SerializeToString(), "proto " + (what or "none")


def mutate_dsl(text, rng):
    tokens = re.findall(r"\s+|\w+|[^\w\s]", text)
    kind = rng.randrange(5)
    if kind == 0 and tokens:
        for _ in range(rng.randint(1, 4)):
            if tokens:
                del tokens[rng.randrange(len(tokens))]
        return "".join(tokens), "delete tokens"
    if kind == 1 and tokens:
        i = rng.randrange(len(tokens))
        tokens[i:i] = tokens[i:i + rng.randint(1, 6)]
        return "".join(tokens), "duplicate tokens"
    if kind == 2 and len(tokens) > 1:
        i, j = rng.randrange(len(tokens)), rng.randrange(len(tokens))
        tokens[i], tokens[j] = tokens[j], tokens[i]
        return "".join(tokens), "swap tokens"
    if kind == 3:
        nums = [i for i, t in enumerate(tokens) if t.isdigit()]
        if nums:
            i = rng.choice(nums)
            tokens[i] = str(rng.choice([e for e in EXTREMES if e >= 0]))
            return "".join(tokens), "extreme number"
    depth = rng.choice([100, 1000, 20000])
    opener = rng.choice(["(", "[", "-"])
    closer = {"(": ")", "[": "]", "-": ""}[opener]
    mid = len(text) // 2
    return text[:mid] + opener * depth + "1" + closer * depth + text[mid:], \
        f"nesting {depth}"


def run(cmd, timeout):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, b""
    return p.returncode, p.stderr


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cnnc", required=True)
    ap.add_argument("--onnx", nargs="*", default=[])
    ap.add_argument("--dsl", nargs="*", default=[])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--count", type=int, default=100,
                    help="mutants per input file")
    ap.add_argument("--emit", default="so")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--work", default=None)
    args = ap.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="cnnc-mutants-")
    os.makedirs(work, exist_ok=True)
    print(f"mutation_check: seed {args.seed}, {args.count} mutants per "
          f"input, work folder {work}")
    bad, outcomes = [], {}
    jobs = [(p, "onnx") for p in args.onnx] + [(p, "dsl") for p in args.dsl]
    for path, fmt in jobs:
        with open(path, "rb") as f:
            original = f.read()
        for index in range(args.count):
            rng = random.Random(f"{args.seed}:{os.path.basename(path)}:{index}")
            if fmt == "onnx":
                if rng.random() < 0.5:
                    data, what = mutate_bytes(original, rng)
                else:
                    try:
                        data, what = mutate_proto(original, rng)
                    except Exception as e:  # the onnx package refused it
                        data, what = mutate_bytes(original, rng)
                suffix = ".onnx"
            else:
                text, what = mutate_dsl(original.decode(), rng)
                data, suffix = text.encode(), ".cnn"
            stem = f"{os.path.splitext(os.path.basename(path))[0]}-{args.seed}-{index}"
            mutant = os.path.join(work, stem + suffix)
            with open(mutant, "wb") as f:
                f.write(data)
            cmd = [args.cnnc, mutant, f"--emit={args.emit}", "-o",
                   os.path.join(work, stem + ".out")]
            if fmt == "dsl":
                cmd += ["--seed", "1"]
            rc, err = run(cmd, args.timeout)
            outcome = ("hang" if rc is None else "ok" if rc == 0 else
                       "error" if rc == 1 else f"status {rc}")
            report = b"Sanitizer" in err or b"runtime error:" in err
            silent = rc == 1 and b"error" not in err
            if outcome in ("ok", "error") and not report and not silent:
                os.remove(mutant)
            else:
                bad.append((mutant, what, outcome, err[-600:]))
            out = os.path.join(work, stem + ".out")
            if os.path.exists(out):
                os.remove(out)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    print("outcomes:", ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    for mutant, what, outcome, err in bad:
        print(f"FAIL {mutant} ({what}): {outcome}")
        print("   ", err.decode(errors="replace").strip().replace("\n", "\n    "))
    if not bad and not args.work:
        shutil.rmtree(work)
    print(f"{len(bad)} unclean of {sum(outcomes.values())}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
