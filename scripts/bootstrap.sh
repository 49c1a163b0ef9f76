#!/usr/bin/env bash
# Installs every Debian 12 package the build, the app and the tests need (idempotent).
set -euo pipefail
PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  libtorch-dev libopenblas0-pthread
  qt6-base-dev libicu-dev
  libopenimageio-dev openimageio-tools
  libspdlog-dev nlohmann-json3-dev zlib1g-dev
  libcurl4-openssl-dev python3
  libcpp-httplib-dev         # `lightning serve` (header + libcpp-httplib.so)
  xvfb xauth
  clang libclang-rt-14-dev   # the parser fuzzers (fuzz/): libFuzzer and the sanitizer runtimes
  clang-format clang-tidy    # scripts/check-format.sh, scripts/check-tidy.sh (Debian 12: 14)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
