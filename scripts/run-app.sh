#!/usr/bin/env bash
# One command: install dependencies, build, launch Lightning Studio.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
scripts/build.sh
exec "${BUILD_DIR:-build}/app/lightning-studio" "$@"
