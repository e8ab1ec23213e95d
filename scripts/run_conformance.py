#!/usr/bin/env python3
"""Runs the ONNX backend node tests that cnnc's op set covers.

Selects every test directory under --data whose model.onnx uses only the
supported ops (subgraphs included): those of the importer's op table, as
`cnnc-onnx-import --list-ops` prints it (the binary beside --cnnc unless
--cnnc-onnx-import names one; docs/onnx-ops.md is the same table). Compiles
each with
`cnnc model.onnx -o WORKDIR/<test>/test.so` and runs
`cnnc-run test.so --input input_0.pb ... --expect output_0.pb ... --atol 1e-4
--rtol 1e-3` on test_data_set_0 (inputs and outputs bound positionally, in
index order). Each test gets 120 s for both steps; a timeout is a failure.

Prints `PASS name`, `FAIL name: reason`, `XFAIL name` or `XPASS name` per test
(sorted by name), then `N passed, N failed` (failed counts expected failures
too) and `(N expected failures, N unexpected failures, N unexpected passes)`.
Exit status 0 iff there are no unexpected failures and no unexpected passes;
2 on bad usage.

The expected-failures file lists one `test_name  # reason` per line; `#`
starts a comment. `--update` rewrites it from this run: tests that failed are
listed, keeping existing reasons and using the first error line for new ones;
entries that --filter excluded are kept, other entries for tests that passed
or are no longer selected are dropped; the exit status is then 0.
"""

import argparse
import concurrent.futures
import os
import re
import signal
import subprocess
import sys
import time

import onnx

def supported_ops(list_ops_tool):
    """The default-domain ops of `cnnc-onnx-import --list-ops`."""
    out = subprocess.run([list_ops_tool, "--list-ops"], capture_output=True,
                         text=True, check=True).stdout
    ops = set()
    for line in out.splitlines():
        if line.startswith("## "):
            break  # the table of ops that are not supported follows
        cells = [c.strip() for c in line.split("|")]
        if len(cells) > 3 and cells[2] == "ai.onnx":
            ops.add(cells[1])
    if not ops:
        raise SystemExit(f"error: {list_ops_tool} --list-ops listed no ops")
    return frozenset(ops)

DEFAULT_DATA = "/usr/share/libonnx-testdata/data/node"
ATOL, RTOL = "1e-4", "1e-3"
TIMEOUT_S = 120

HEADER = """\
# ONNX node tests (scripts/run_conformance.py) that cnnc is known to fail.
# One `test_name  # reason` per line. Regenerate with --update, then edit the
# reasons into something a reader can act on.
"""


def op_types(graph):
    """(domain, op_type) of every node in `graph` and its subgraphs."""
    ops = set()
    for node in graph.node:
        ops.add((node.domain or "", node.op_type))
        for attr in node.attribute:
            if attr.type == onnx.AttributeProto.GRAPH:
                ops |= op_types(attr.g)
            elif attr.type == onnx.AttributeProto.GRAPHS:
                for g in attr.graphs:
                    ops |= op_types(g)
    return ops


def is_supported(model_path, ops):
    model = onnx.load(model_path, load_external_data=False)
    return all(domain in ("", "ai.onnx") and op in ops
               for domain, op in op_types(model.graph))


def numbered(directory, prefix):
    """Files <prefix>_<k>.pb in `directory`, ordered by k."""
    pat = re.compile(rf"{prefix}_(\d+)\.pb$")
    found = [(int(m.group(1)), f) for f in os.listdir(directory) if (m := pat.match(f))]
    return [os.path.join(directory, f) for _, f in sorted(found)]


def first_line(*texts):
    """First line mentioning an error, else the first non-empty line."""
    lines = [line.strip() for text in texts for line in (text or "").splitlines()
             if line.strip()]
    return next((line for line in lines if "error" in line.lower()),
                lines[0] if lines else "(no output)")


def run_step(cmd, deadline):
    """Runs `cmd`; returns (returncode or None on timeout, stdout, stderr)."""
    # A session of its own so a timeout also ends the linker or other children.
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, errors="replace", start_new_session=True)
    try:
        out, err = proc.communicate(timeout=max(deadline - time.monotonic(), 0.1))
        return proc.returncode, out, err
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return None, out, err


def describe_exit(rc):
    return f"killed by signal {-rc}" if rc < 0 else f"exit status {rc}"


def run_test(name, args):
    """Returns None on success, else the failure reason (one line)."""
    try:
        reason = _run_test(name, args)
    except OSError as e:  # unreadable test data, a tool that cannot start, ...
        reason = f"harness error: {e}"
    if reason is None:
        return None
    # Machine-independent reasons, so that they can go into the checked-in file.
    for prefix in (os.path.join(args.data, name), os.path.join(args.workdir, name)):
        reason = reason.replace(prefix + os.sep, "")
    return reason


def _run_test(name, args):
    test_dir = os.path.join(args.data, name)
    data_set = os.path.join(test_dir, "test_data_set_0")
    work = os.path.join(args.workdir, name)
    os.makedirs(work, exist_ok=True)
    lib = os.path.join(work, "test.so")
    if os.path.exists(lib):
        os.remove(lib)
    deadline = time.monotonic() + args.timeout

    rc, out, err = run_step([args.cnnc, os.path.join(test_dir, "model.onnx"), "-o", lib],
                            deadline)
    if rc is None:
        return f"timeout after {args.timeout} s (compile)"
    if rc != 0:
        return f"compile error ({describe_exit(rc)}): {first_line(err, out)}"

    inputs = numbered(data_set, "input")
    outputs = numbered(data_set, "output")
    cmd = [args.cnnc_run, lib]
    for f in inputs:
        cmd += ["--input", f]
    for f in outputs:
        cmd += ["--expect", f]
    cmd += ["--atol", ATOL, "--rtol", RTOL]
    rc, out, err = run_step(cmd, deadline)
    if rc is None:
        return f"timeout after {args.timeout} s (run)"
    fails = [line.strip() for line in out.splitlines() if re.search(r"\bFAIL\s*$", line)]
    if rc != 0 and fails:
        return f"mismatch: {fails[0]}"
    if rc != 0:
        return f"run error ({describe_exit(rc)}): {first_line(err, out)}"
    passes = [line for line in out.splitlines() if re.search(r"\bPASS\s*$", line)]
    if len(passes) != len(outputs):
        return f"run error: {len(passes)} PASS line(s) for {len(outputs)} expected output(s)"
    return None


def read_expected(path):
    """Ordered {test_name: reason} from an expected-failures file."""
    expected = {}
    if not path or not os.path.exists(path):
        return expected
    with open(path) as f:
        for line in f:
            name, _, reason = line.partition("#")
            if name.strip():
                expected[name.strip()] = reason.strip()
    return expected


def write_expected(path, entries):
    """Writes `entries` sorted, under the file's existing leading comment block."""
    header = []
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if not line.startswith("#"):
                    break
                header.append(line)
    width = max((len(n) for n in entries), default=0)
    with open(path, "w") as f:
        f.write("".join(header) or HEADER)
        for name in sorted(entries):
            f.write(f"{name.ljust(width)}  # {entries[name]}\n")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--cnnc", required=True, help="path of the cnnc binary")
    p.add_argument("--cnnc-run", required=True, help="path of the cnnc-run binary")
    p.add_argument("--cnnc-onnx-import",
                   help="path of cnnc-onnx-import, which lists the supported ops "
                        "(default: beside --cnnc)")
    p.add_argument("--workdir", required=True, help="scratch directory for libraries")
    p.add_argument("--data", default=DEFAULT_DATA, help=f"node test root (default {DEFAULT_DATA})")
    p.add_argument("--expected-failures", help="expected-failures file")
    p.add_argument("-j", "--jobs", type=int, default=2, help="parallel tests (default 2)")
    p.add_argument("--filter", help="only tests whose name matches this regex (re.search)")
    p.add_argument("--update", action="store_true",
                   help="rewrite --expected-failures from this run's failures")
    p.add_argument("--timeout", type=int, default=TIMEOUT_S,
                   help=f"seconds per test, compile and run (default {TIMEOUT_S})")
    args = p.parse_args(argv)

    if not args.cnnc_onnx_import:
        args.cnnc_onnx_import = os.path.join(os.path.dirname(args.cnnc), "cnnc-onnx-import")
    for tool in (args.cnnc, args.cnnc_run, args.cnnc_onnx_import):
        if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
            p.error(f"not an executable: {tool}")
    if not os.path.isdir(args.data):
        p.error(f"no node test data at {args.data}")
    if args.update and not args.expected_failures:
        p.error("--update needs --expected-failures")
    args.workdir = os.path.abspath(args.workdir)

    try:
        pattern = re.compile(args.filter) if args.filter else None
    except re.error as e:
        p.error(f"bad --filter: {e}")
    candidates = sorted(d for d in os.listdir(args.data)
                        if os.path.isfile(os.path.join(args.data, d, "model.onnx"))
                        and (pattern is None or pattern.search(d)))
    ops = supported_ops(args.cnnc_onnx_import)
    selected = [t for t in candidates
                if is_supported(os.path.join(args.data, t, "model.onnx"), ops)]
    print(f"selected {len(selected)} of {len(candidates)} node tests by op set "
          f"(data {args.data}, atol {ATOL}, rtol {RTOL}, timeout {args.timeout} s)")

    expected = read_expected(args.expected_failures)
    if pattern is None:
        for stale in sorted(set(expected) - set(selected)):
            print(f"warning: expected failure '{stale}' is not a selected test",
                  file=sys.stderr)

    counts = dict.fromkeys(["PASS", "FAIL", "XFAIL", "XPASS"], 0)
    failures = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(args.jobs, 1)) as pool:
        for name, reason in zip(selected, pool.map(lambda t: run_test(t, args), selected)):
            if reason is None:
                status = "XPASS" if name in expected else "PASS"
                print(f"{status} {name}", flush=True)
            else:
                failures[name] = reason
                status = "XFAIL" if name in expected else "FAIL"
                print(f"XFAIL {name}" if status == "XFAIL" else f"FAIL {name}: {reason}",
                      flush=True)
            counts[status] += 1

    print(f"{counts['PASS'] + counts['XPASS']} passed, {counts['FAIL'] + counts['XFAIL']} failed")
    print(f"({counts['XFAIL']} expected failures, {counts['FAIL']} unexpected failures, "
          f"{counts['XPASS']} unexpected passes)")

    if args.update:
        # Keep only entries this run could not judge because --filter left them out.
        entries = {n: r for n, r in expected.items()
                   if pattern is not None and not pattern.search(n)}
        entries.update({n: expected.get(n) or r for n, r in failures.items()})
        write_expected(args.expected_failures, entries)
        print(f"updated {args.expected_failures}: {len(entries)} expected failures")
        return 0
    return 0 if counts["FAIL"] == 0 and counts["XPASS"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
