#!/usr/bin/env bash
# One command: install dependencies, build everything, run the whole test suite through ctest.
# The suite includes a 20-30 s libFuzzer run per parser (label `fuzz`, built with clang in
# build/fuzz); `scripts/test.sh -LE fuzz` skips them, `-L fuzz` runs only them.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh -DLIGHTNING_FUZZ=ON
cd "${BUILD_DIR:-build}"
ctest --output-on-failure --timeout 1500 "$@"
