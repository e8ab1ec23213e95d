#!/usr/bin/env bash
# Sanitizer tier: builds cnnc (compiler, tools, libcnnrt and the model stub)
# with AddressSanitizer + UndefinedBehaviorSanitizer in build-asan
# (-DCNNC_SANITIZE=ON) and runs lit on it, leaks checked. Run by
# scripts/test.sh after the main suite (CNNC_SKIP_SANITIZE=1 skips it).
# What runs and why, and the times measured: docs/testing.md.
#
#   scripts/sanitize.sh [LIT ARGS...]
#
# Environment: CNNC_ASAN_BUILD_DIR (default build-asan), CNNC_SANITIZE_TESTS
# ("all" for the whole suite; default: the CI subset below, as paths under
# test/), CNNC_JOBS (default 2), CNNC_PYTHON (default .venv/bin/python).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${CNNC_ASAN_BUILD_DIR:-$ROOT/build-asan}"
PYTHON="${CNNC_PYTHON:-$ROOT/.venv/bin/python}"
JOBS="${CNNC_JOBS:-2}"

# The CI subset (docs/testing.md): every frontend, dialect, conversion,
# codegen, pipeline, runtime and fuzz-regression test, the ONNX backend node
# tests (conformance: ~900 small models through importer, compiler and
# runtime), the end-to-end tests of hostile and damaged inputs, and small
# networks with depthwise and grouped convolutions, Winograd, concats and
# squeeze-excite blocks. Left out: the large
# networks and factorize.test, which take three quarters of the suite's time
# under ASan and run the same code on bigger tensors.
SUBSET=(
  Frontends Dialect Conversion Codegen Pipelines Runtime Fuzz Conformance
  E2E/bad-input.test E2E/corruptions.test E2E/absurd-sizes.test
  E2E/onnx-absurd-sizes.test E2E/output-files.test E2E/graph-passes.test
  E2E/lenet5.test E2E/resnet_mini.test E2E/resnet_mini_torchstyle.test
  E2E/dsl/lenet5.test E2E/dsl/activations.test E2E/dsl/small-groups.test
  E2E/dsl/same-ir-as-onnx.test E2E/dsl/winograd.test
  E2E/networks/mobilenet_v2.test E2E/networks/squeezenet1_1.test
  E2E/networks/efficientnet_b0.test E2E/networks/googlenet.test
)
# Not run under the sanitizers (the reasons in docs/testing.md):
#   Runtime/out-of-memory.test  caps the address space with `ulimit -v`;
#                               an ASan process (terabytes of shadow memory
#                               reserved) cannot start under it.
#   Runtime/soak.test           asserts that RSS stays flat over 10,000
#                               runs; ASan's allocator (quarantine, metadata)
#                               grows it by design. LSan checks the leaks.
EXCLUDED='Runtime/(out-of-memory|soak)\.test'

if [ ! -f "$BUILD/build.ninja" ]; then
  echo "== configuring $BUILD (ASan + UBSan)"
  cmake -G Ninja -S "$ROOT" -B "$BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCNNC_PYTHON="$PYTHON" -DCNNC_SANITIZE=ON >/dev/null
fi
echo "== building $BUILD"
start=$(date +%s)
ninja -C "$BUILD" -j"$JOBS"
echo "== sanitizer build: $(($(date +%s) - start)) s"

# Leaks are checked: LLVM and MLIR free what cnnc allocates through them at
# exit or keep it reachable from globals. A report aborts (abort_on_error),
# so that `not cnnc ...` in a test cannot take it for an expected failure.
# allocator_may_return_null: the tests of absurd sizes expect the clean
# out-of-memory error of a failed allocation, not ASan's report.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:allocator_may_return_null=1:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:${UBSAN_OPTIONS:-}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"
export ASAN_SYMBOLIZER_PATH="${ASAN_SYMBOLIZER_PATH:-/usr/lib/llvm-22/bin/llvm-symbolizer}"

paths=()
if [ "${CNNC_SANITIZE_TESTS:-}" = all ]; then
  paths=("$BUILD/test")
else
  read -r -a chosen <<<"${CNNC_SANITIZE_TESTS:-${SUBSET[*]}}"
  for p in "${chosen[@]}"; do paths+=("$BUILD/test/$p"); done
fi
echo "== testing under ASan + UBSan (${CNNC_SANITIZE_TESTS:-CI subset})"
start=$(date +%s)
status=0
/usr/lib/llvm-22/bin/lit -sv -j"$JOBS" --filter-out "$EXCLUDED" \
  "${paths[@]}" "$@" || status=$?
echo "== sanitizer suite: $(($(date +%s) - start)) s"
exit "$status"
