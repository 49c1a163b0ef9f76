#!/usr/bin/env bash
# Headless CUDA build on the GPU machine (pip PyTorch's libtorch; no Qt, no OpenImageIO).
# Bookworm .debs for spdlog/fmt/nlohmann-json/ICU are unpacked into a private prefix
# (env-notes §7), so nothing is installed system-wide.
set -euo pipefail
cd "$(dirname "$0")/.."
# .gpu/deps.tar.xz: the bookworm packages libspdlog-dev libspdlog1.10 libfmt-dev libfmt9
# nlohmann-json3-dev libicu-dev libicu72 unpacked with `dpkg -x`, static archives and docs
# removed (to fit the device transfer limit).
DEPS=${GPU_DEPS:-.gpu/deps.tar.xz}
PREFIX=${GPU_PREFIX:-/tmp/lightning-deps}
mkdir -p "$PREFIX"
tar -xJf "$DEPS" -C "$PREFIX"
TORCH_PREFIX=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
# pip torch ships its own (newer) fmt headers on its -isystem path; spdlog 1.10 needs fmt 9, so the
# prefix goes first as a plain -I (searched before every -isystem directory).
cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DLIGHTNING_HEADLESS=ON \
  -DCMAKE_CXX_FLAGS="-I$PREFIX/usr/include" \
  -DLIGHTNING_WITH_OIIO=OFF -DCMAKE_PREFIX_PATH="$TORCH_PREFIX;$PREFIX/usr" \
  -DICU_ROOT="$PREFIX/usr" -DLIGHTNING_FIXTURES="${GPU_FIXTURES:-$PWD/.gpu/fixtures}" "$@"
# GPU_TARGETS (e.g. "lightning lightning-random-model"): build only these.
cmake --build build-gpu --parallel "$(nproc)" ${GPU_TARGETS:+--target $GPU_TARGETS}
echo "export LD_LIBRARY_PATH=$PREFIX/usr/lib/x86_64-linux-gnu:\${LD_LIBRARY_PATH:-}"
