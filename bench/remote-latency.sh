#!/bin/sh
# The latency the app's server mode adds on loopback: starts `lightning serve` on 127.0.0.1 with a
# model, then times the same request locally and through the server (bench/tools/remote_latency.cpp).
#   bench/remote-latency.sh BUILD_DIR MODEL_DIR LIGHTNING_DIR [--runs N] [--steps N] [--size PX]
# e.g. bench/remote-latency.sh build /work/shared/fixtures/tiny-sdxl /work/shared/fixtures/tiny-lightning
set -eu
# Two processes with libtorch thread pools on the same cores: OpenMP threads that spin after
# their work (the default) slow the other process down and swamp the hop.
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
build=$1 model=$2 lightning=$3
shift 3
log=$(mktemp)
"$build/app/lightning" serve --port 0 --model "$model" --lightning "$lightning" 2>"$log" &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -f "$log"' EXIT
url=
for _ in $(seq 600); do
    url=$(grep -o 'listening on http://[^ ]*' "$log" | sed 's/listening on //') || true
    [ -n "$url" ] && break
    sleep 0.5
done
[ -n "$url" ] || { cat "$log" >&2; exit 1; }
"$build/bench/lightning-remote-latency" --model "$model" --lightning "$lightning" --server "$url" "$@"
