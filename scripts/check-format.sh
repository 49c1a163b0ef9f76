#!/usr/bin/env bash
# Fails when a C++ file in the repository is not laid out as .clang-format says. The layout is
# clang-format 14's (Debian 12's); other versions may format a few constructs differently, so
# clang-format-14 is preferred when several are installed. `scripts/check-format.sh --fix`
# reformats the files in place instead.
set -euo pipefail
cd "$(dirname "$0")/.."
CLANG_FORMAT=${CLANG_FORMAT:-$(command -v clang-format-14 || command -v clang-format || true)}
if [ -z "$CLANG_FORMAT" ]; then
  echo "check-format: clang-format not found (scripts/bootstrap.sh installs it)" >&2
  exit 2
fi
patterns=('*.cpp' '*.h' '*.hpp' '*.cc' '*.cu' '*.cuh')
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked files and new ones not ignored (build trees are).
  mapfile -t files < <(git ls-files --cached --others --exclude-standard -- "${patterns[@]}")
else
  mapfile -t files < <(find app core ui tests fuzz bench \( -name '*.cpp' -o -name '*.h' \
    -o -name '*.hpp' -o -name '*.cc' -o -name '*.cu' -o -name '*.cuh' \) | sort)
fi
if [ "${1:-}" = --fix ]; then
  "$CLANG_FORMAT" -i "${files[@]}"
  exit 0
fi
if ! "$CLANG_FORMAT" --dry-run --Werror "${files[@]}"; then
  echo "check-format: the files above differ from .clang-format; scripts/check-format.sh --fix" \
       "reformats them" >&2
  exit 1
fi
echo "check-format: ${#files[@]} files as .clang-format says ($("$CLANG_FORMAT" --version))"
