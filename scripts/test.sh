#!/usr/bin/env bash
# Sets up and builds cnnc if needed, then runs the whole test suite (lit:
# dialect, importer, lowering, runtime, end-to-end networks against
# onnxruntime, and the ONNX backend node-test conformance run), then the
# sanitizer tier (scripts/sanitize.sh; CNNC_SKIP_SANITIZE=1 skips it).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${CNNC_BUILD_DIR:-$ROOT/build}"
"$ROOT/scripts/setup.sh"
echo "== testing"
/usr/lib/llvm-22/bin/lit -sv -j"${CNNC_JOBS:-2}" "$BUILD/test" "$@"
# Sanitizer tier (ASan + UBSan build, a CI subset of the suite, leaks
# checked; docs/testing.md). CNNC_SKIP_SANITIZE=1 skips it, e.g. locally.
if [ "${CNNC_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== sanitizer tier"
  "$ROOT/scripts/sanitize.sh"
fi
