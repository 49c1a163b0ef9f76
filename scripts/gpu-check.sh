#!/usr/bin/env bash
# GPU machine, one go: unpack carried fixtures/deps, build the headless CUDA configuration, run the
# golden checks on CUDA (fp32 with TF32 off must pass; fp16/bf16 deviations are reported), then
# optionally the app's engine scenario and benchmarks of ours and the diffusers reference on one
# random full-size SDXL (written by lightning-random-model, with four random Lightning UNets).
#   scripts/gpu-check.sh [verify] [verify-fp32] [scenario] [bench-ours] [levers] [vae-levers]
#                        [bench-ref-eager] [bench-ref-compiled] [batch-scaling] [refine-bench]
#                        [verify-upscale] [upscale-bench] [hires-4k]
# verify-upscale: `lightning verify --only upscale --upscale tests/data/esrgan` in fp32, fp16
# and bf16 (each must pass: reduced precision has its derived bound); $OUT/verify_upscale_*.txt.
# upscale-bench: ESRGAN x4 of a 1024² image, ours (`lightning bench --upscaler`, whole image and
# 256-pixel tiles) and spandrel (bench/reference/esrgan_bench.py) on one random
# RealESRGAN_x4plus-shaped file, fp16 and fp32; $OUT/upscale_{ours,ref}_*.json.
# hires-4k: the hires fix to 4096² (1024² x 4 and 2048² x 2, latent upscaler, strength 0.5,
# 4 steps fp16, VAE tiling auto) with `lightning bench`; $OUT/hires4k_from{1024,2048}.json.
# refine-bench: img2img (strength 0.5), inpainting (strength 1.0) and the hires fix (1024² to
# 2048², Lanczos, strength 0.5), 4 steps fp16, ours (`lightning bench`) and diffusers' pipelines
# (bench/reference/diffusers_bench.py --mode) on the same random weights; $OUT/refine_*.json.
# levers: `lightning bench` with the default CUDA speed levers (and a batch of 4), then with each
# one flipped alone (docs/performance.md "Levers"); vae-levers: bench/reference/vae_levers.py
# (where diffusers' VAE decode spends its time, and what graphs/cuDNN/compile give it).
# batch-scaling (a machine with 2 GPUs): `lightning batch` on one manifest with cuda:0, then
# with cuda:0,cuda:1; writes $OUT/batch_1gpu.json, $OUT/batch_2gpu.json, $OUT/batch_scaling.txt.
# Carried (git-ignored) inputs: .gpu/fixtures.tar.xz (../shared/fixtures), .gpu/deps.tar.xz,
# .gpu/diffusers.tar.xz (diffusers' src/ at the fixtures' reference commit), .gpu/configs,
# .gpu/spandrel.tar.xz (upscale-bench: `git archive --prefix=spandrel-src/ b0c3eb2d libs/spandrel/
# spandrel LICENSE` of github.com/chaiNNer-org/spandrel, MIT). GPU_TARGETS: build only these.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-/tmp/lightning-out}
mkdir -p "$OUT"
STEPS=" $* "
FIX=/tmp/lightning-fixtures
[ -d $FIX/fixtures ] || { mkdir -p $FIX && tar -xJf .gpu/fixtures.tar.xz -C $FIX; }
export GPU_FIXTURES=$FIX/fixtures
build_start=$(date +%s)
if ! scripts/gpu-build.sh >"$OUT/build.log" 2>&1; then
  grep -B2 -A12 -m3 "error" "$OUT/build.log" | head -60
  echo "build with the project's CUDA kernels failed: building without them"
  if ! scripts/gpu-build.sh -DLIGHTNING_CUDA_KERNELS=OFF >"$OUT/build_without_kernels.log" 2>&1; then
    tail -60 "$OUT/build_without_kernels.log"
    exit 1
  fi
fi
grep -E "Lightning:|warning" "$OUT/build.log" | head -20
echo "build: $(( $(date +%s) - build_start )) s"
export LD_LIBRARY_PATH=/tmp/lightning-deps/usr/lib/x86_64-linux-gnu:${LD_LIBRARY_PATH:-}
CLI=build-gpu/app/lightning
status=0
if [[ $STEPS == *" verify "* || $STEPS == *" verify-fp32 "* ]]; then
  dtypes="fp32 fp16 bf16"; [[ $STEPS == *" verify "* ]] || dtypes=fp32
  for dtype in $dtypes; do
    $CLI verify --fixtures $FIX/fixtures --refine tests/data/refine --device cuda --dtype $dtype 2>&1 |
      tee "$OUT/verify_$dtype.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || { [ $dtype = fp32 ] && status=1; }
  done
fi
if [[ $STEPS == *" verify-upscale "* ]]; then
  for dtype in fp32 fp16 bf16; do
    $CLI verify --only upscale --upscale tests/data/esrgan --device cuda --dtype $dtype 2>&1 |
      tee "$OUT/verify_upscale_$dtype.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || status=1
  done
fi
if [[ $STEPS == *" upscale-bench "* ]]; then
  [ -d /tmp/spandrel/spandrel-src ] ||
    { mkdir -p /tmp/spandrel && tar -xJf .gpu/spandrel.tar.xz -C /tmp/spandrel; }
  SPANDREL=(bench/reference/esrgan_bench.py --spandrel /tmp/spandrel/spandrel-src/libs/spandrel)
  WEIGHTS=/tmp/realesrgan_x4plus_random.safetensors
  export PYTHONUNBUFFERED=1
  [ -f $WEIGHTS ] || python3 "${SPANDREL[@]}" --write-weights $WEIGHTS || status=1
  RUNS=(--runs ${UPSCALE_RUNS:-7} --warmup 2)
  UP=(bench --upscaler $WEIGHTS --device cuda --width 1024 --height 1024 "${RUNS[@]}")
  for dtype in fp16 fp32; do  # each in a process of its own: its own peak memory
    $CLI "${UP[@]}" --dtype $dtype --json "$OUT/upscale_ours_$dtype.json" || status=1
    python3 "${SPANDREL[@]}" --weights $WEIGHTS --dtype $dtype "${RUNS[@]}" \
      --json "$OUT/upscale_ref_$dtype.json" 2>&1 | tail -3 || status=1
  done
  # The CLI's default tiling (256-pixel tiles, 32 of overlap), fp16.
  $CLI "${UP[@]}" --dtype fp16 --tile 256 --tile-overlap 32 \
    --json "$OUT/upscale_ours_fp16_tiled.json" || status=1
fi
MODEL=/tmp/sdxl-random
LIGHTNING=/tmp/sdxl-random-lightning
# The steps that time the random Lightning UNets (4 x 5 GB); hires-4k needs the base model only.
lightning_steps=false
[[ $STEPS == *" bench-"* || $STEPS == *" scenario "* || $STEPS == *" batch-scaling "* ||
   $STEPS == *"levers "* || $STEPS == *" refine-bench "* ]] && lightning_steps=true
if { $lightning_steps || [[ $STEPS == *" hires-4k "* ]]; } && [ ! -f $MODEL/model_index.json ]; then
  with_lightning=(); $lightning_steps && with_lightning=(--lightning-out $LIGHTNING)
  build-gpu/bench/lightning-random-model --configs .gpu/configs/sdxl-base \
    --tokenizers $FIX/fixtures/tiny-sdxl --out $MODEL "${with_lightning[@]}" --device cuda \
    2>&1 | tail -3 || status=1
fi
if [[ $STEPS == *" scenario "* ]]; then
  build-gpu/bench/lightning-scenario --model $MODEL --lightning $LIGHTNING --device cuda \
    --dtype fp16 --jobs 200 --json "$OUT/scenario.json" > "$OUT/scenario.txt" 2>&1 || status=1
  tail -c 3000 "$OUT/scenario.txt"
fi
if [[ $STEPS == *" bench-ours "* ]]; then
  $CLI bench --model $MODEL --lightning $LIGHTNING --device cuda --dtype fp16 --runs 10 --batch 4 \
    --json "$OUT/ours.json" || status=1
fi
if [[ $STEPS == *" levers "* ]]; then
  BENCH=(bench --model $MODEL --lightning $LIGHTNING --device cuda --dtype fp16)
  $CLI "${BENCH[@]}" --runs 10 --batch 4 --json "$OUT/levers_all_on.json" \
    --profile /tmp/profile_1step.json || status=1
  [ -f /tmp/profile_1step.json ] && gzip -c /tmp/profile_1step.json > "$OUT/profile_1step.json.gz"
  for lever in ${LEVERS:-unet-graphs text-graphs vae-graphs cudnn-benchmark group-norm batch-images}; do
    flip=--without; [ $lever = cudnn-benchmark ] && flip=--with  # off by default
    echo "== $flip $lever"
    batch=(); [ $lever = batch-images ] && batch=(--batch 4 --no-previews)
    $CLI "${BENCH[@]}" --runs 5 --steps 1,4 $flip $lever "${batch[@]}" \
      --json "$OUT/levers_${flip#--}_$lever.json" | tail -5 || status=1
  done
fi
if [[ $STEPS == *" vae-levers "* ]]; then
  [ -d /tmp/diffusers/src ] || { mkdir -p /tmp/diffusers && tar -xJf .gpu/diffusers.tar.xz -C /tmp/diffusers; }
  PYTHONPATH=/tmp/diffusers/src PYTHONUNBUFFERED=1 python3 bench/reference/vae_levers.py \
    --vae $MODEL/vae --json "$OUT/vae_levers.json" ${VAE_LEVERS_COMPILE:+--compile} 2>&1 | tail -60 || status=1
fi
if [[ $STEPS == *" batch-scaling "* ]]; then
  # The same manifest (BATCH_LINES prompts, 1024x1024, 4 steps, fp16) on 1 and on 2 GPUs: one
  # process, one engine per GPU, one queue. The headless build has no PNG writer, so images are
  # generated and timed but not written (--discard-images). A 2-line run first fills the model
  # hash cache (hashing the 7 GB model happens with the first image otherwise) and the page cache.
  BATCH_LINES=${BATCH_LINES:-128}
  MANIFEST=/tmp/batch-scaling.jsonl
  for i in $(seq 1 "$BATCH_LINES"); do
    printf '{"prompt": "a lighthouse on a cliff at dusk, study %d", "seed": %d}\n' "$i" "$i"
  done > $MANIFEST
  BATCH=(batch $MANIFEST --model $MODEL --lightning $LIGHTNING --dtype fp16 --steps 4
         --width 1024 --height 1024 --discard-images --log-level warn)
  : > "$OUT/batch_scaling.txt"
  head -2 $MANIFEST > /tmp/batch-warmup.jsonl
  rm -rf /tmp/batch-warmup
  $CLI batch /tmp/batch-warmup.jsonl "${BATCH[@]:2}" --out /tmp/batch-warmup --device cuda:0 \
    > /tmp/batch_warmup.log 2>&1 || { status=1; tail -5 /tmp/batch_warmup.log >> "$OUT/batch_scaling.txt"; }
  for gpus in 1 2; do
    devices=cuda:0; [ $gpus = 2 ] && devices=cuda:0,cuda:1
    rm -rf /tmp/batch-${gpus}gpu
    $CLI "${BATCH[@]}" --out /tmp/batch-${gpus}gpu --devices $devices \
      --json "$OUT/batch_${gpus}gpu.json" > /tmp/batch_${gpus}gpu.log 2>&1 || status=1
    { echo "== $gpus GPU(s): $devices"; tail -3 /tmp/batch_${gpus}gpu.log; } >> "$OUT/batch_scaling.txt"
  done
  python3 - "$OUT" >> "$OUT/batch_scaling.txt" <<'PY' || status=1
import json, sys
one, two = (json.load(open(f"{sys.argv[1]}/batch_{n}gpu.json")) for n in (1, 2))
for name, r in (("1 GPU", one), ("2 GPUs", two)):
    print(f"{name}: {r['images']} images, {r['images_per_second']:.3f} images/s overall, "
          f"{r['steady_images_per_second']:.3f} steady; load {r['load_seconds']:.1f} s")
    for d in r["devices"]:
        print(f"  {d['device']} ({d['name']}): {d['images']} images, {d['seconds_per_image']:.3f} "
              f"s/image, peak {d['peak_allocated_gib']:.2f} GiB allocated, "
              f"{d['reserved_gib']:.2f} GiB reserved")
print(f"speed-up 2 vs 1 GPU: {two['steady_images_per_second'] / one['steady_images_per_second']:.3f}x "
      f"steady, {two['images_per_second'] / one['images_per_second']:.3f}x overall")
PY
  cat "$OUT/batch_scaling.txt"
fi
if [[ $STEPS == *" refine-bench "* ]]; then
  [ -d /tmp/diffusers/src ] || { mkdir -p /tmp/diffusers && tar -xJf .gpu/diffusers.tar.xz -C /tmp/diffusers; }
  # A smooth 1024² input and an elliptical mask (white = repaint), as PNGs both sides read.
  python3 - <<'PY' || status=1
import numpy as np
from PIL import Image, ImageDraw
y, x = np.mgrid[0:1024, 0:1024] / 1024.0
rgb = np.stack([np.sin(6 * x) * 0.5 + 0.5, np.cos(5 * y) * 0.5 + 0.5, x * y], -1)
Image.fromarray((rgb * 255).astype(np.uint8)).save("/tmp/refine_in.png")
mask = Image.new("L", (1024, 1024), 0)
ImageDraw.Draw(mask).ellipse((256, 320, 768, 704), fill=255)
mask.save("/tmp/refine_mask.png")
PY
  OURS=(bench --model $MODEL --lightning $LIGHTNING --device cuda --dtype fp16 --steps 4 --runs 10
        --no-previews)
  REF=(bench/reference/diffusers_bench.py --model $MODEL --runs 10)
  run_ref() { PYTHONPATH=/tmp/diffusers/src PYTHONUNBUFFERED=1 python3 "${REF[@]}" "$@" 2>&1 |
              grep -v "should be kept in float32" | tail -4; }
  $CLI "${OURS[@]}" --init-image /tmp/refine_in.png --strength 0.5 \
    --json "$OUT/refine_ours_img2img.json" | tail -2 || status=1
  run_ref --mode img2img --init-image /tmp/refine_in.png --strength 0.5 \
    --json "$OUT/refine_ref_img2img.json" || status=1
  $CLI "${OURS[@]}" --init-image /tmp/refine_in.png --mask /tmp/refine_mask.png --strength 1.0 \
    --json "$OUT/refine_ours_inpaint.json" | tail -2 || status=1
  run_ref --mode inpaint --init-image /tmp/refine_in.png --mask /tmp/refine_mask.png \
    --strength 1.0 --json "$OUT/refine_ref_inpaint.json" || status=1
  $CLI "${OURS[@]}" --hires-scale 2 --hires-strength 0.5 --hires-upscaler lanczos \
    --json "$OUT/refine_ours_hires.json" | tail -2 || status=1
  run_ref --mode hires --hires-scale 2 --hires-strength 0.5 --json "$OUT/refine_ref_hires.json" ||
    status=1
  python3 - "$OUT" <<'PY' || status=1
import json, sys
for mode in ("img2img", "inpaint", "hires"):
    ours = json.load(open(f"{sys.argv[1]}/refine_ours_{mode}.json"))
    ref = json.load(open(f"{sys.argv[1]}/refine_ref_{mode}.json"))
    a, b = ours["steps"]["4"]["end_to_end_ms"], ref["end_to_end_4step_ms"]
    print(f"{mode}: ours {a:.1f} ms, diffusers {b:.1f} ms, {b / a:.2f}x; peak "
          f"{ours['peak_memory_gb']:.2f} vs {ref['peak_memory_gb']:.2f} GiB ({ref['device']})")
PY
fi
if [[ $STEPS == *" hires-4k "* ]]; then
  HIRES=(bench --model $MODEL --device cuda --dtype fp16 --steps 4 --runs ${HIRES_RUNS:-5}
         --warmup 1 --no-previews --hires-strength 0.5)
  for from in 1024 2048; do
    $CLI "${HIRES[@]}" --width $from --height $from --hires-scale $(( 4096 / from )) \
      --json "$OUT/hires4k_from$from.json" 2>&1 | tail -8 || status=1
  done
fi
for mode in eager compiled; do
  if [[ $STEPS == *" bench-ref-$mode "* ]]; then
    [ -d /tmp/diffusers/src ] || { mkdir -p /tmp/diffusers && tar -xJf .gpu/diffusers.tar.xz -C /tmp/diffusers; }
    flag=""; [ $mode = compiled ] && flag=--compile
    PYTHONPATH=/tmp/diffusers/src PYTHONUNBUFFERED=1 python3 bench/reference/diffusers_bench.py \
      --model $MODEL --runs ${REF_RUNS:-10} $flag --json "$OUT/ref_$mode.json" 2>&1 | grep -v "should be kept in float32" || status=1
  fi
done
exit $status
