#!/usr/bin/env bash
# The main job: set up and build cnnc if needed, generate the bundled example
# networks (LeNet-5 and a ResNet-style residual network, seeded random
# weights), compile each to a shared library, run it on a seeded input, check
# it against onnxruntime, and print the top classes and the latency.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${CNNC_BUILD_DIR:-$ROOT/build}"
OUT="${CNNC_DEMO_DIR:-$ROOT/out/demo}"
"$ROOT/scripts/setup.sh"
PY="$ROOT/.venv/bin/python"
mkdir -p "$OUT"
"$PY" "$ROOT/scripts/cnnc_models.py" --out "$OUT" --only lenet5,resnet_mini
for net in lenet5 resnet_mini; do
  echo
  echo "== $net: cnnc $OUT/$net.onnx -o $OUT/lib$net.so"
  start=$(date +%s%N)
  "$BUILD/bin/cnnc" "$OUT/$net.onnx" -o "$OUT/lib$net.so"
  end=$(date +%s%N)
  echo "compiled in $(( (end - start) / 1000000 )) ms"
  "$PY" "$ROOT/scripts/onnx_reference.py" "$OUT/$net.onnx" --out "$OUT/$net-ref" --seed 7 >/dev/null
  "$BUILD/bin/cnnc-run" "$OUT/lib$net.so" --input "$OUT/$net-ref/input_0.npy" \
    --expect "$OUT/$net-ref/output_0.npy" --atol 1e-4 --rtol 1e-3 --bench 50
done
