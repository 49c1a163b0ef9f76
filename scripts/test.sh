#!/usr/bin/env bash
# One command: install dependencies, build everything, run the whole test suite through ctest,
# then count what QtTest itself reported (scripts/skip-summary.py: "N passed, N failed,
# N skipped"; a skip not on tests/skip-allowlist.txt fails the run).
# The suite includes a 20-30 s libFuzzer run per parser (label `fuzz`, built with clang in
# build/fuzz); `scripts/test.sh -LE fuzz` skips them, `-L fuzz` runs only them. Label `lint`:
# clang-format and clang-tidy (scripts/check-format.sh, scripts/check-tidy.sh); label
# `privileges`: the functions run again as another user (tests/support/run_other_privilege.sh).
# Label `sanitize`: the torch-free unit suites built with ASan + UBSan in the fuzz tree. The
# core, ui and threaded suites under ASan + UBSan and TSan (tests/sanitize) need a build with
# -DLIGHTNING_SANITIZE=ON (docs/testing.md, "Sanitizers": not here yet, for CI's time).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh -DLIGHTNING_FUZZ=ON
BUILD_DIR=${BUILD_DIR:-build}
results=$BUILD_DIR/test-results
mkdir -p "$results"
find "$results" -name '*.txt' -delete   # reports of earlier runs would be counted again
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure --timeout 1500 "$@") || status=$?
if ! python3 scripts/skip-summary.py "$results" tests/skip-allowlist.txt && [ "$status" -eq 0 ]; then
  status=1
fi
exit "$status"
