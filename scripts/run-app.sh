#!/usr/bin/env bash
# One command: install dependencies, build, launch Lightning Studio.
# Build options (--libtorch DIR for an NVIDIA GPU build; see scripts/build.sh) come first;
# arguments after `--` go to the app.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_ARGS=()
while (($#)) && [ "$1" != "--" ]; do BUILD_ARGS+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
scripts/bootstrap.sh
scripts/build.sh "${BUILD_ARGS[@]}"
exec "${BUILD_DIR:-build}/app/lightning-studio" "$@"
