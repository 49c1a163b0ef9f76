#!/usr/bin/env bash
# clang-tidy with the checks in .clang-tidy on the torch-free sources (the lightning_base target:
# core/request, core/util, the hub cache, the config and safetensors header readers), compiled as
# the build compiles them (BUILD_DIR/compile_commands.json). The rest includes libtorch, Qt or
# OpenImageIO, whose headers make clang-tidy too slow for CI's 2 cores.
#   scripts/check-tidy.sh [BUILD_DIR]     (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-${BUILD_DIR:-build}}
CLANG_TIDY=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy || true)}
if [ -z "$CLANG_TIDY" ]; then
  echo "check-tidy: clang-tidy not found (scripts/bootstrap.sh installs it)" >&2
  exit 2
fi
if [ ! -f "$BUILD_DIR/compile_commands.json" ]; then
  echo "check-tidy: no $BUILD_DIR/compile_commands.json (configure the build first)" >&2
  exit 2
fi
# The sources compiled into lightning_base, by the object file each command writes.
mapfile -t files < <(python3 - "$BUILD_DIR/compile_commands.json" <<'PY'
import json, sys
for entry in json.load(open(sys.argv[1])):
    if "/lightning_base.dir/" in entry.get("output", entry["command"]):
        print(entry["file"])
PY
)
if [ "${#files[@]}" -eq 0 ]; then
  echo "check-tidy: no lightning_base sources in $BUILD_DIR/compile_commands.json" >&2
  exit 2
fi
# (stderr without clang-tidy's "N warnings generated." lines: those are in headers outside
# HeaderFilterRegex and are not reported.)
printf '%s\n' "${files[@]}" |
  xargs -P "$(nproc)" -n 4 "$CLANG_TIDY" -p "$BUILD_DIR" --quiet \
  2> >(grep -v '^[0-9]* warnings\? generated\.$' >&2)
echo "check-tidy: ${#files[@]} files pass .clang-tidy ($("$CLANG_TIDY" --version | grep -o 'version [0-9.]*'))"
