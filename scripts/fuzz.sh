#!/usr/bin/env bash
# Builds the libFuzzer harnesses (build-fuzz, -DCNNC_FUZZ=ON, clang-22),
# seeds their corpora from the test inputs, runs each for a set time, and
# prints executions / coverage / crashes per harness. Crash inputs are copied
# into test/Fuzz/regressions/<harness>/, which test/Fuzz/regressions.test
# replays through the normal tools; the exit status is 1 when any harness
# crashed. See docs/testing.md.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]
#
# SECONDS per harness (default 60); HARNESS among onnx dsl tensor elf
# signature (default all). Environment: CNNC_FUZZ_BUILD_DIR (build-fuzz),
# CNNC_FUZZ_WORK (corpora, logs, artifacts; default $CNNC_FUZZ_BUILD_DIR/work,
# kept between runs), CNNC_BUILD_DIR (a normal build whose test outputs and
# cnnc add seeds, if present; default build), CNNC_FUZZ_JOBS (harnesses run
# at once, default 1), CNNC_JOBS (build jobs, default 2).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FUZZ_BUILD="${CNNC_FUZZ_BUILD_DIR:-$ROOT/build-fuzz}"
WORK="${CNNC_FUZZ_WORK:-$FUZZ_BUILD/work}"
BUILD="${CNNC_BUILD_DIR:-$ROOT/build}"
REGRESSIONS="$ROOT/test/Fuzz/regressions"
SECONDS_EACH="${1:-60}"
[ $# -gt 0 ] && shift
ALL=(onnx dsl tensor elf signature)
HARNESSES=("$@")
[ ${#HARNESSES[@]} -eq 0 ] && HARNESSES=("${ALL[@]}")

binary() {
  case "$1" in
  onnx) echo onnx-import-fuzzer ;;
  dsl) echo cnnc-dsl-fuzzer ;;
  tensor) echo cnnc-run-tensor-fuzzer ;;
  elf) echo cnnrt-elf-fuzzer ;;
  signature) echo cnnrt-signature-fuzzer ;;
  *) echo "fuzz.sh: unknown harness '$1' (expected: ${ALL[*]})" >&2; exit 2 ;;
  esac
}
# Extension of a regression input, for the tool that replays it.
extension() {
  case "$1" in
  onnx) echo onnx ;;
  dsl) echo cnn ;;
  tensor) if head -c 6 "$2" | grep -q NUMPY; then echo npy; else echo pb; fi ;;
  elf) echo so ;;
  signature) echo bin ;;
  esac
}
# Harness-specific libFuzzer options.
options() {
  case "$1" in
  onnx) echo "-max_len=262144" ;;
  dsl) echo "-max_len=16384 -dict=$ROOT/frontends/dsl/fuzz/dsl.dict" ;;
  tensor) echo "-max_len=65536" ;;
  elf) echo "-max_len=262144" ;;
  signature) echo "-max_len=4096" ;;
  esac
}

targets=()
for h in "${HARNESSES[@]}"; do targets+=("$(binary "$h")"); done

if [ ! -f "$FUZZ_BUILD/build.ninja" ]; then
  echo "== configuring $FUZZ_BUILD"
  cmake -G Ninja -S "$ROOT" -B "$FUZZ_BUILD" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DCNNC_FUZZ=ON >/dev/null
fi
echo "== building ${targets[*]}"
ninja -C "$FUZZ_BUILD" -j"${CNNC_JOBS:-2}" "${targets[@]}" cnnrt cnnrt_fake_model \
  >"$FUZZ_BUILD/fuzz-build.log" || { tail -30 "$FUZZ_BUILD/fuzz-build.log"; exit 1; }

# Seeds: copies of the test inputs (files up to `max` bytes).
seed() { # harness max files...
  local h="$1" max="$2" f
  shift 2
  for f in "$@"; do
    [ -f "$f" ] && [ "$(stat -c %s "$f")" -le "$max" ] || continue
    cp "$f" "$WORK/seeds/$h/$(echo "$f" | md5sum | cut -c1-12)-$(basename "$f")"
  done
}
generated() { # files the normal build's test run wrote, by pattern
  [ -d "$BUILD/test" ] && find "$BUILD/test" -path '*Output*' -type f -name "$1" | head -200
  return 0
}
echo "== seeding corpora in $WORK"
for h in "${HARNESSES[@]}"; do
  rm -rf "$WORK/seeds/$h" "$WORK/artifacts/$h"
  mkdir -p "$WORK/seeds/$h" "$WORK/corpus/$h" "$WORK/artifacts/$h" "$REGRESSIONS/$h"
  case "$h" in
  onnx)
    seed onnx 262144 /usr/share/libonnx-testdata/data/node/*/model.onnx \
      "$ROOT"/test/Frontends/onnx/*.onnxtxt $(generated '*.onnx') ;;
  dsl)
    seed dsl 16384 "$ROOT"/examples/*.cnn $(find "$ROOT/test" -name '*.cnn' -not -path '*/regressions/*') ;;
  tensor)
    seed tensor 65536 "$ROOT"/test/Runtime/Inputs/*.npy "$ROOT"/test/Runtime/Inputs/*.pb \
      $(ls /usr/share/libonnx-testdata/data/node/*/test_data_set_0/*.pb 2>/dev/null | head -300) \
      $(generated '*.npy') ;;
  elf)
    seed elf 262144 "$FUZZ_BUILD"/lib/*.so $(generated '*.so')
    if [ -x "$BUILD/bin/cnnc" ]; then
      "$BUILD/bin/cnnc" "$ROOT/test/Runtime/Inputs/wide.cnn" --seed 1 \
        -o "$WORK/seeds/elf/wide.so" >/dev/null 2>&1 || true
    fi ;;
  signature) ;; # structured input: libFuzzer starts from nothing
  esac
done

run() { # harness
  local h="$1" bin
  bin="$FUZZ_BUILD/bin/$(binary "$h")"
  # shellcheck disable=SC2046
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" \
  nice -n 10 "$bin" "$WORK/corpus/$h" "$WORK/seeds/$h" "$REGRESSIONS/$h" \
    -max_total_time="$SECONDS_EACH" -timeout=25 -rss_limit_mb=4096 \
    -print_final_stats=1 -close_fd_mask=3 -artifact_prefix="$WORK/artifacts/$h/" \
    $(options "$h") >"$WORK/$h.log" 2>&1 || true
}
echo "== fuzzing ${HARNESSES[*]}, ${SECONDS_EACH} s each, ${CNNC_FUZZ_JOBS:-1} at a time"
running=0
for h in "${HARNESSES[@]}"; do
  run "$h" &
  running=$((running + 1))
  if [ "$running" -ge "${CNNC_FUZZ_JOBS:-1}" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

status=0
printf '\n%-10s %8s %12s %9s %6s %7s %8s %8s\n' harness seconds executions exec/s cov ft corpus crashes
for h in "${HARNESSES[@]}"; do
  log="$WORK/$h.log"
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+[[:space:]].*cov: ' "$log" | tail -1 || true)
  cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.*corp: \([0-9]*\)\/.*/\1/p')
  crashes=0
  for a in "$WORK/artifacts/$h"/*; do
    [ -f "$a" ] || continue
    case "$(basename "$a")" in
    crash-* | leak-* | timeout-* | oom-*) ;;
    *) continue ;;
    esac
    crashes=$((crashes + 1))
    kind="$(basename "$a" | cut -d- -f1)"
    sum="$(sha1sum "$a" | cut -c1-16)"
    cp "$a" "$REGRESSIONS/$h/$kind-$sum.$(extension "$h" "$a")"
  done
  # A harness that died before its statistics is a failure too.
  if [ -z "$execs" ]; then
    execs="?"
    crashes=$((crashes > 0 ? crashes : 1))
  fi
  [ "$crashes" -gt 0 ] && status=1
  printf '%-10s %8s %12s %9s %6s %7s %8s %8s\n' "$h" "$SECONDS_EACH" "$execs" \
    "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "$crashes"
done
if [ "$status" -ne 0 ]; then
  echo
  echo "crash inputs were copied into $REGRESSIONS/<harness>/ (logs: $WORK/<harness>.log);"
  echo "fix them and run test/Fuzz/regressions.test"
fi
exit "$status"
