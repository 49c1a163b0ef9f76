#!/usr/bin/env bash
# Fuzzes every target for SECONDS (default 600) at the lowest priority, one after the other or,
# with PARALLEL=1, all at once (one core each), then prints executions, coverage and crashes per
# target. Needs the fuzz build (scripts/test.sh or cmake -DLIGHTNING_FUZZ=ON) in
# ${BUILD_DIR:-build}/fuzz (or FUZZ_BUILD). Work files go to OUT (default build/fuzz/long-runs):
# OUT/<target>/{corpus,artifacts,log}. Seeds are random here (libFuzzer prints its seed in the
# log); the ctest runs use the fixed ones.
#   [PARALLEL=1] fuzz/run_all.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-600}
shift || true
BIN=${FUZZ_BUILD:-${BUILD_DIR:-build}/fuzz}  # FUZZ_BUILD: a standalone fuzz build tree
OUT=${OUT:-$BIN/long-runs}
TARGETS=("$@")
if ((${#TARGETS[@]} == 0)); then
  mapfile -t TARGETS < <(ctest --test-dir "$BIN" -N -L fuzz | sed -n 's/.*Test *#[0-9]*: fuzz_//p' |
    grep -v '_reproducers$')
fi
export LIGHTNING_FIXTURES=${LIGHTNING_FIXTURES:-$PWD/../shared/fixtures}

# The options each ctest run uses (max_len, dictionary), minus its time limit and paths.
ctest_options() {
  ctest --test-dir "$BIN" -N -V -R "^fuzz_$1\$" | sed -n 's/.*Test command: //p' | tr ' ' '\n' |
    tr -d '"' | grep -E '^-(max_len|dict|timeout|rss_limit_mb)=' || true
}

fuzz_one() {
  local target=$1 dir="$OUT/$1" inputs=("fuzz/corpus/$1")
  mkdir -p "$dir/corpus" "$dir/artifacts"
  [[ -d fuzz/reproducers/$target ]] && inputs+=("fuzz/reproducers/$target")
  mapfile -t options < <(ctest_options "$target")
  nice -n 19 "$BIN/fuzz_$target" "${options[@]}" -max_total_time="$SECONDS_EACH" \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" "$dir/corpus" \
    "${inputs[@]}" >"$dir/log" 2>&1 || true
}

for target in "${TARGETS[@]}"; do
  if [[ ${PARALLEL:-0} == 1 ]]; then fuzz_one "$target" & else fuzz_one "$target"; fi
done
wait

printf '%-20s %12s %8s %8s %8s %s\n' target executions cov ft corpus crashes
for target in "${TARGETS[@]}"; do
  dir="$OUT/$target"
  done_line=$(grep -E '(DONE|INITED) ' "$dir/log" | tail -1)
  executions=$(sed -n 's/stat::number_of_executed_units: *//p' "$dir/log")
  cov=$(sed -E -n 's/.* cov: ([0-9]+).*/\1/p' <<<"$done_line")
  ft=$(sed -E -n 's/.* ft: ([0-9]+).*/\1/p' <<<"$done_line")
  corpus=$(sed -E -n 's/.* corp: ([^ ]+).*/\1/p' <<<"$done_line")
  crashes=$(find "$dir/artifacts" -type f | wc -l)
  printf '%-20s %12s %8s %8s %8s %s\n' "$target" "${executions:-?}" "${cov:-?}" "${ft:-?}" \
    "${corpus:-?}" "$crashes"
done
