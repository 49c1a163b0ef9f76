#!/usr/bin/env bash
# GPU machine, one go: unpack carried fixtures/deps, build the headless CUDA configuration, run the
# golden checks on CUDA (fp32 with TF32 off must pass; fp16/bf16 deviations are reported), then
# optionally the app's engine scenario and benchmarks of ours and the diffusers reference on one
# random full-size SDXL (written by lightning-random-model, with four random Lightning UNets).
#   scripts/gpu-check.sh [verify] [scenario] [bench-ours] [bench-ref-eager] [bench-ref-compiled]
# Carried (git-ignored) inputs: .gpu/fixtures.tar.xz (../shared/fixtures), .gpu/deps.tar.xz,
# .gpu/diffusers.tar.xz (diffusers' src/ at the fixtures' reference commit), .gpu/configs.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/lightning-out}
mkdir -p "$OUT"
STEPS=" $* "
FIX=/tmp/lightning-fixtures
[ -d $FIX/fixtures ] || { mkdir -p $FIX && tar -xJf .gpu/fixtures.tar.xz -C $FIX; }
export GPU_FIXTURES=$FIX/fixtures
if ! scripts/gpu-build.sh >"$OUT/build.log" 2>&1; then
  tail -60 "$OUT/build.log"
  exit 1
fi
grep -E "Lightning:|warning" "$OUT/build.log" | head -20
export LD_LIBRARY_PATH=/tmp/lightning-deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
CLI=build-gpu/app/lightning
status=0
if [[ $STEPS == *" verify "* ]]; then
  for dtype in fp32 fp16 bf16; do
    $CLI verify --fixtures $FIX/fixtures --device cuda --dtype $dtype 2>&1 | tee "$OUT/verify_$dtype.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || { [ $dtype = fp32 ] && status=1; }
  done
fi
MODEL=/tmp/sdxl-random
LIGHTNING=/tmp/sdxl-random-lightning
if [[ $STEPS == *" bench-"* || $STEPS == *" scenario "* ]] && [ ! -f $MODEL/model_index.json ]; then
  build-gpu/bench/lightning-random-model --configs .gpu/configs/sdxl-base \
    --tokenizers $FIX/fixtures/tiny-sdxl --out $MODEL --lightning-out $LIGHTNING --device cuda \
    2>&1 | tail -3 || status=1
fi
if [[ $STEPS == *" scenario "* ]]; then
  build-gpu/bench/lightning-scenario --model $MODEL --lightning $LIGHTNING --device cuda \
    --dtype fp16 --jobs 200 --json "$OUT/scenario.json" > "$OUT/scenario.txt" 2>&1 || status=1
  tail -c 3000 "$OUT/scenario.txt"
fi
if [[ $STEPS == *" bench-ours "* ]]; then
  $CLI bench --model $MODEL --lightning $LIGHTNING --device cuda --dtype fp16 --runs 10 \
    --json "$OUT/ours.json" || status=1
fi
for mode in eager compiled; do
  if [[ $STEPS == *" bench-ref-$mode "* ]]; then
    [ -d /tmp/diffusers/src ] || { mkdir -p /tmp/diffusers && tar -xJf .gpu/diffusers.tar.xz -C /tmp/diffusers; }
    flag=""; [ $mode = compiled ] && flag=--compile
    PYTHONPATH=/tmp/diffusers/src PYTHONUNBUFFERED=1 python3 bench/reference/diffusers_bench.py \
      --model $MODEL --runs 10 $flag --json "$OUT/ref_$mode.json" 2>&1 | grep -v "should be kept in float32" || status=1
  fi
done
exit $status
