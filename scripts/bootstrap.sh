#!/usr/bin/env bash
# Installs every Debian 12 package the build, the app and the tests need (idempotent).
set -euo pipefail
PACKAGES=(
  g++ cmake ninja-build pkg-config ccache
  libtorch-dev libopenblas0-pthread
  qt6-base-dev libicu-dev
  qt6-tools-dev qt6-l10n-tools  # Qt6LinguistTools (CMake) + lupdate/lrelease: the translations
  qt6-translations-l10n         # Qt's own strings (qtbase_de.qm, ...) in the app's language
  libopenimageio-dev openimageio-tools
  libspdlog-dev nlohmann-json3-dev zlib1g-dev
  libcurl4-openssl-dev python3
  libcpp-httplib-dev         # `lightning serve` (header + libcpp-httplib.so)
  python3-prometheus-client  # test_serve reads /metrics with the Prometheus project's parser
  xvfb xauth
  clang libclang-rt-14-dev   # the parser fuzzers (fuzz/): libFuzzer and the sanitizer runtimes
  clang-format clang-tidy    # scripts/check-format.sh, scripts/check-tidy.sh (Debian 12: 14)
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The `openai` npm client of test_serve_openai_npm: Debian's Node.js and npm, unless a node and
# an npm are there already (e.g. NodeSource's nodejs, which bundles npm and conflicts with
# Debian's npm package).
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The client's packages, exactly as tests/clients/openai/package-lock.json pins them (npm ci);
# again only when the lock file changed since the last install.
client="$(cd "$(dirname "$0")/.." && pwd)/tests/clients/openai"
if ! cmp -s "$client/package-lock.json" "$client/node_modules/.installed-lock.json"; then
  echo "bootstrap: npm ci in $client"
  (cd "$client" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$client/package-lock.json" "$client/node_modules/.installed-lock.json"
fi
