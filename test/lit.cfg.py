# -*- Python -*-
# lit configuration of the cnnc regression tests.

import os

import lit.formats
from lit.llvm import llvm_config

config.name = "CNNC"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtxt", ".test", ".cnn"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cnnc_obj_root, "test")
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "expected-failures.txt"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.cnnc_tools_dir, append_path=True)

scripts = os.path.join(config.cnnc_src_root, "scripts")
# use_default_substitutions() already maps %python to lit's interpreter;
# the project venv (numpy, onnx, onnxruntime) must win.
config.substitutions.insert(0, ("%python", config.python_executable))
config.substitutions.append(("%scripts", scripts))
config.substitutions.append(("%cnnc_bin_dir", config.cnnc_tools_dir))
config.substitutions.append(("%cnnc_lib_dir", config.cnnc_lib_dir))
config.substitutions.append(("%cnnc_src_dir", config.cnnc_src_root))

tools = ["cnnc", "cnnc-opt", "cnnc-run"]
llvm_config.add_tool_substitutions(tools, [config.cnnc_tools_dir])

# Python-driven tests (model generation, onnxruntime references) need the
# project's venv; without it they are reported as unsupported, visibly.
if config.python_executable and os.path.exists(config.python_executable):
    config.available_features.add("python")
if os.path.isdir("/usr/share/libonnx-testdata/data/node"):
    config.available_features.add("onnx-testdata")

# The host's architecture and vector extensions, for tests that run code
# needing them (REQUIRES: avx512f). IR, report and assembly checks pin
# --target instead and run on any host.
import platform
machine = platform.machine()
if machine in ("x86_64", "AMD64"):
    config.available_features.add("x86_64")
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l.split(":", 1)[1].split() for l in f
                          if l.startswith("flags")), [])
    except OSError:
        flags = []
    for feature in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl"):
        if feature in flags:
            config.available_features.add(feature)
elif machine in ("aarch64", "arm64"):
    config.available_features.add("aarch64")
