#!/usr/bin/env bash
# Configures and builds into build/ (Release, Ninja, ccache when present).
#
# Which libtorch: --libtorch DIR (or $LIGHTNING_LIBTORCH) names one, either the unpacked
# libtorch archive from pytorch.org (CUDA builds run the app on an NVIDIA GPU) or an installed
# Python torch (its site-packages/torch folder, or the cmake prefix
# `python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'`). Without either, a Python
# torch built with CUDA is used when `python3` has one, else Debian's CPU libtorch.
# Other arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
LIBTORCH=${LIGHTNING_LIBTORCH:-}
CMAKE_ARGS=()
while (($#)); do
  case "$1" in
    --libtorch) LIBTORCH=$2; shift 2 ;;
    --libtorch=*) LIBTORCH=${1#*=}; shift ;;
    *) CMAKE_ARGS+=("$1"); shift ;;
  esac
done

# The folder holding TorchConfig.cmake's prefix for a libtorch given in any of its forms.
torch_prefix() {
  local dir=$1
  for candidate in "$dir" "$dir/share/cmake" "$dir/torch/share/cmake"; do
    [ -f "$candidate/Torch/TorchConfig.cmake" ] && { echo "$candidate"; return; }
  done
  echo "build.sh: no TorchConfig.cmake under $dir (expected the libtorch archive's folder or" \
       "a Python torch's site-packages/torch)" >&2
  exit 2
}

if [ -z "$LIBTORCH" ] && command -v python3 >/dev/null; then
  # A Python torch with CUDA, when present, gives the GPU build by default.
  LIBTORCH=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path if torch.version.cuda else "")' 2>/dev/null || true)
fi
if [ -n "$LIBTORCH" ]; then
  PREFIX=$(torch_prefix "$LIBTORCH")
  echo "build.sh: libtorch from $PREFIX"
  CMAKE_ARGS+=("-DCMAKE_PREFIX_PATH=$PREFIX")
  # CUDA libtorch needs the CUDA compiler at configure time (its config checks the toolkit).
  if [ -d "$PREFIX/../../lib" ] && ls "$PREFIX"/../../lib/libtorch_cuda.so >/dev/null 2>&1 &&
     ! command -v nvcc >/dev/null; then
    for cuda in /usr/local/cuda/bin /usr/lib/cuda/bin; do
      [ -x "$cuda/nvcc" ] && export PATH="$cuda:$PATH" && break
    done
  fi
else
  echo "build.sh: Debian's CPU libtorch (pass --libtorch DIR for a CUDA build)"
fi
cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-Release} "${CMAKE_ARGS[@]}"
cmake --build "$BUILD_DIR" --parallel "$(nproc)"
