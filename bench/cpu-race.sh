#!/usr/bin/env bash
# The CPU race of issue #12: stable-diffusion.cpp against our engine on the same random full-size
# SDXL weights, one process per measurement, one at a time, each under the machine's timing lock
# (flock /tmp/cpu-timing.lock), timed with /usr/bin/time -v (wall time, peak resident memory).
#
#   bench/cpu-race.sh [OUT.json]        (default docs/bench/cpu_race_2core.json)
#
# Inputs (environment, defaults in brackets):
#   SDCPP_BIN    stable-diffusion.cpp's CLI, built CPU-only          [/work/sdcpp/build/bin/sd-cli]
#   SDCPP_SRC    its source tree, for the commit recorded beside it  [/work/sdcpp/src]
#   SINGLE_FILE  the single-file checkpoint both engines' weights come from: base text encoders
#                and VAE + the 4-step Lightning UNet, written by
#                `lightning-random-model --single-file F --from BASE --unet UNET`
#                                                                    [/work/cpu-model/sdxl_lightning_4step_single.safetensors]
#   MODEL, LIGHTNING  our diffusers folder and Lightning folder      [/work/cpu-model/base, /work/cpu-model/lightning]
#   LIGHTNING_BIN our CLI                                            [build/app/lightning]
#   RACE_RUNS    which runs, space-separated (names below)           [all]
#   THREADS      threads for both engines                            [nproc]
#
# Runs: sdcpp_f16_{1,4} (the file's f16 weights), sdcpp_f32_{1,4} (--type f32: weights converted
# to f32 at load, as ours computes), ours_{fp32,bf16}_512_{1,4}, ours_fp32_1024_{1,4}: one process
# per step count on both sides (so no run pays for switching UNets, and each run's load reads the
# UNet it uses; ours takes the 1-step x0 UNet for 1 step, the same architecture and cost). sd.cpp: Euler, scheduler "simple" (timesteps 999, 749, 499, 249
# for 4 steps: exactly diffusers' "trailing" spacing; sgm_uniform would give 999, 749.25, 499.5,
# 249.75), cfg 1 (no unconditional pass), seed 42. Ours: guidance 0 (the same), no previews, no
# warm-up, one run, the first run of the process.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-docs/bench/cpu_race_2core.json}
SDCPP_BIN=${SDCPP_BIN:-/work/sdcpp/build/bin/sd-cli}
SDCPP_SRC=${SDCPP_SRC:-/work/sdcpp/src}
SINGLE_FILE=${SINGLE_FILE:-/work/cpu-model/sdxl_lightning_4step_single.safetensors}
MODEL=${MODEL:-/work/cpu-model/base}
LIGHTNING=${LIGHTNING:-/work/cpu-model/lightning}
LIGHTNING_BIN=${LIGHTNING_BIN:-build/app/lightning}
THREADS=${THREADS:-$(nproc)}
RACE_RUNS=${RACE_RUNS:-sdcpp_f16_1 sdcpp_f16_4 sdcpp_f32_1 sdcpp_f32_4 ours_fp32_512_1 ours_fp32_512_4 ours_bf16_512_1 ours_bf16_512_4 ours_fp32_1024_1 ours_fp32_1024_4}
PROMPT="A girl smiling, photograph, golden hour"
LOCK=${CPU_TIMING_LOCK:-/tmp/cpu-timing.lock}
WORK=$(mktemp -d /tmp/cpu-race.XXXXXX)
echo "cpu-race: logs in $WORK"

# name, then the command: timed under the lock, one at a time.
timed() {
  local name=$1; shift
  printf '%q ' "$@" > "$WORK/$name.cmd"
  echo "cpu-race: $name: $*"
  # The machine's busy time over the run (/proc/stat), beside the run's own CPU time, shows
  # whether anything else ran meanwhile: other_cpu_s in the JSON.
  flock "$LOCK" bash -c 'out=$1; shift; head -1 /proc/stat > "$out.stat0"; "$@"; rc=$?
                         head -1 /proc/stat > "$out.stat1"; exit $rc' \
    _ "$WORK/$name" /usr/bin/time -v -o "$WORK/$name.time" "$@" > "$WORK/$name.log" 2>&1 ||
    { echo "cpu-race: $name failed (log: $WORK/$name.log)"; tail -5 "$WORK/$name.log"; }
}

# Reads files into the page cache before a run (not timed): every run starts warm.
warm() { cat "$@" > /dev/null; }

sdcpp() {  # name steps [extra sd-cli args]
  local name=$1 steps=$2; shift 2
  warm "$SINGLE_FILE"
  timed "$name" "$SDCPP_BIN" -m "$SINGLE_FILE" -p "$PROMPT" -W 512 -H 512 --steps "$steps" \
    --sampling-method euler --scheduler simple --cfg-scale 1 -s 42 -t "$THREADS" \
    -o "$WORK/$name.png" -v "$@"
}

ours() {  # name size dtype steps
  local name=$1 size=$2 dtype=$3 steps=$4 unet=sdxl_lightning_${4}step_unet.safetensors
  [ "$steps" = 1 ] && unet=sdxl_lightning_1step_unet_x0.safetensors
  warm "$MODEL"/*/*.safetensors "$LIGHTNING/$unet"
  timed "$name" "$LIGHTNING_BIN" bench --model "$MODEL" --lightning "$LIGHTNING" --device cpu \
    --dtype "$dtype" --width "$size" --height "$size" --steps "$steps" --warmup 0 --runs 1 \
    --no-previews --json "$WORK/$name.json"
}

for run in $RACE_RUNS; do
  case $run in
    sdcpp_f16_1) sdcpp "$run" 1 ;;
    sdcpp_f16_4) sdcpp "$run" 4 ;;
    sdcpp_f32_1) sdcpp "$run" 1 --type f32 ;;
    sdcpp_f32_4) sdcpp "$run" 4 --type f32 ;;
    ours_*_*_*) IFS=_ read -r _ dtype size steps <<< "$run"; ours "$run" "$size" "$dtype" "$steps" ;;
    *) echo "cpu-race: unknown run $run" >&2; exit 2 ;;
  esac
done

SDCPP_COMMIT=$(cat "$SDCPP_SRC/COMMIT" 2>/dev/null || echo unknown)
GGML_COMMIT=$(cat "$SDCPP_SRC/ggml/COMMIT" 2>/dev/null || echo unknown)
OUR_COMMIT=$(git rev-parse HEAD)
python3 - "$WORK" "$OUT" "$SDCPP_COMMIT" "$GGML_COMMIT" "$OUR_COMMIT" "$THREADS" "$SINGLE_FILE" <<'EOF'
import json, os, re, subprocess, sys
work, out, sd_commit, ggml_commit, our_commit, threads, single = sys.argv[1:]

def time_v(path):
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    secs = 0.0
    for part in wall.split(":"):
        secs = secs * 60 + float(part)
    rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1))
    status = int(re.search(r"Exit status: (\d+)", text).group(1))
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1))
              for kind in ("User", "System"))
    return {"wall_s": secs, "cpu_s": round(cpu, 2), "peak_rss_gib": rss_kb / 2**20,
            "exit_status": status}

def busy_s(path):  # non-idle CPU seconds of the whole machine so far
    fields = [int(v) for v in open(path).read().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")

def sdcpp_log(path):
    text = open(path).read()
    found = {}
    # This sd.cpp loads each part's weights when first used, inside generate_image: the sum.
    loads = re.findall(r"loading tensors completed, taking ([\d.]+)s", text)
    found["load_tensors_sum_s"] = round(sum(map(float, loads)), 2) if loads else None
    for key, pattern in [
        ("prompt_encoding_s", r"get_learned_condition completed, taking ([\d.]+)s"),
        ("sampling_s", r"sampling completed, taking ([\d.]+)s"),
        ("vae_decode_s", r"decode_first_stage completed, taking ([\d.]+)s"),
        ("generate_s", r"generate_image completed in ([\d.]+)s"),
    ]:
        m = re.search(pattern, text)
        found[key] = float(m.group(1)) if m else None
    return found

lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
cpu = re.search(r"Model name:\s*(.+)", lscpu).group(1).strip()
family = re.search(r"CPU family:\s*(\d+)", lscpu).group(1)
model = re.search(r"Model:\s*(\d+)", lscpu).group(1)
flags = re.search(r"Flags:\s*(.+)", lscpu).group(1).split()
report = {
    "machine": {"cpu": cpu, "family_model": f"{family}/{model}", "cores": os.cpu_count(),
                "isa": sorted(f for f in flags if f.startswith(("avx", "amx", "fma", "f16c"))),
                "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)},
    "stable_diffusion_cpp": {"commit": sd_commit, "ggml_commit": ggml_commit},
    "lightning_studio_commit": our_commit,
    "threads": int(threads),
    "weights": single,
    "runs": {},
}
for name in sorted({f.rsplit(".", 1)[0] for f in os.listdir(work) if f.endswith(".cmd")}):
    run = {"command": open(f"{work}/{name}.cmd").read().strip()}
    if os.path.exists(f"{work}/{name}.time"):
        run.update(time_v(f"{work}/{name}.time"))
    if os.path.exists(f"{work}/{name}.stat1"):
        busy = busy_s(f"{work}/{name}.stat1") - busy_s(f"{work}/{name}.stat0")
        run["other_cpu_s"] = round(busy - run.get("cpu_s", 0), 2)  # ~0 when the run was alone
    if name.startswith("sdcpp"):
        run.update(sdcpp_log(f"{work}/{name}.log"))
        if run.get("generate_s") is not None:
            # Process wall time outside generate_image (start-up, graph set-up, writing the PNG).
            run["outside_generate_s"] = round(run["wall_s"] - run["generate_s"], 2)
    elif os.path.exists(f"{work}/{name}.json"):
        run["bench"] = json.load(open(f"{work}/{name}.json"))
    report["runs"][name] = run
os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
with open(out, "w") as f:
    json.dump(report, f, indent=2)
    f.write("\n")
print(f"cpu-race: wrote {out}")
EOF
