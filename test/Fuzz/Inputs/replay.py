"""Replays the fuzz regression inputs through the normal tools.

usage: replay.py REGRESSIONS_DIR BIN_DIR LIB_DIR WORK_DIR [SIGNATURE_REPLAYER]

Every file under REGRESSIONS_DIR/<harness>/ goes through the tool that reads
such files in normal use:
  onnx/       cnnc FILE --emit=cnn (the ONNX importer)
  dsl/        cnnc FILE --emit=cnn --seed 1 (the DSL frontend)
  tensor/     cnnc-run on the fake model (x: f32 [1,4]) with --input x=FILE
              (.npy or .pb reader by extension)
  elf/        cnnc-run FILE --random-inputs 1 (libcnnrt's loader)
  signature/  SIGNATURE_REPLAYER FILE (the signature harness without
              libFuzzer; its inputs are structures, not files of a tool)
Each must succeed or fail with a clean error: an exit status from 1 to 127
with "error" in its output, no signal, no sanitizer report, within 60 s.
Prints one line per harness and one FAIL line per bad outcome; exits 1 on
any.
"""
import os
import subprocess
import sys

regressions, bin_dir, lib_dir, work = map(os.path.abspath, sys.argv[1:5])
replayer = os.path.abspath(sys.argv[5]) if len(sys.argv) > 5 else None
os.makedirs(work, exist_ok=True)
cnnc = os.path.join(bin_dir, "cnnc")
cnnc_run = os.path.join(bin_dir, "cnnc-run")
fake = os.path.join(lib_dir, "libcnnrt_fake_model.so")
out = os.path.join(work, "out.mlir")

commands = {
    "onnx": lambda f: [cnnc, f, "--emit=cnn", "-o", out],
    "dsl": lambda f: [cnnc, f, "--emit=cnn", "--seed", "1", "-o", out],
    "tensor": lambda f: [cnnc_run, fake, "--quiet", "--input", "x=" + f],
    "elf": lambda f: [cnnc_run, f, "--random-inputs", "1", "--quiet"],
    "signature": lambda f: [replayer, f],
}

failures = 0
for harness, command in commands.items():
    folder = os.path.join(regressions, harness)
    files = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
    ok = errors = 0
    for name in files:
        path = os.path.join(folder, name)
        if harness == "signature" and not replayer:
            print("FAIL %s: no signature replayer given" % path)
            failures += 1
            continue
        try:
            r = subprocess.run(command(path), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=60,
                               cwd=work)
        except subprocess.TimeoutExpired:
            print("FAIL %s: no answer within 60 s" % path)
            failures += 1
            continue
        text = r.stdout.decode("utf-8", "replace")
        why = None
        if r.returncode < 0 or r.returncode >= 128:
            why = "killed by a signal (status %d)" % r.returncode
        elif "Sanitizer" in text or "runtime error:" in text:
            why = "sanitizer report"
        elif r.returncode != 0 and "error" not in text:
            why = "status %d without an error message" % r.returncode
        if why:
            print("FAIL %s: %s\n%s" % (path, why, text[-2000:]))
            failures += 1
        elif r.returncode == 0:
            ok += 1
        else:
            errors += 1
    print("%s: %d file(s), %d succeeded, %d clean error(s)" %
          (harness, len(files), ok, errors))
sys.exit(1 if failures else 0)
