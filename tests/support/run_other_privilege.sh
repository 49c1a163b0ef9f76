#!/usr/bin/env bash
# Runs QtTest functions that cannot run with the privileges the suite runs with, so that one
# ctest run covers them all (tests/CMakeLists.txt registers one `<test>_as_root` or
# `<test>_as_user` per executable; scripts/skip-summary.py then counts a function skipped in the
# main run as covered when it passed here).
#
#   run_other_privilege.sh user|root RESULT_FILE EXECUTABLE FUNCTION...
#
# user: functions that skip as root (root writes into read-only folders). Run as root, they run
#   again as the unprivileged user `lightning-test` (created when absent), which keeps only
#   CAP_DAC_READ_SEARCH so it can read the build tree and fixtures wherever the checkout is,
#   but write only where any user can.
# root: functions that mount a tmpfs (a real full disk). Run as another user, they run again as
#   root of a new user namespace (`unshare -rm`) when the system allows one.
# When the suite already has the privileges wanted, the main run covered the functions: exit 77
# (ctest reports the test as skipped). QtTest's text report goes to RESULT_FILE.
set -euo pipefail
want=$1 result=$2 executable=$3
shift 3
readonly skip=77

if [ "$want" = user ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "already running as a user without root: the main run covered $*"
    exit $skip
  fi
  user=lightning-test
  if ! id -u "$user" >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /usr/sbin/nologin "$user" 2>/dev/null || user=nobody
  fi
  uid=$(id -u "$user") gid=$(id -g "$user")
  # A home, temporary folder and hash cache the user may write (the build tree it may not).
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  chown "$uid:$gid" "$scratch"
  if [ -n "${LIGHTNING_HASH_CACHE:-}" ] && [ -f "$LIGHTNING_HASH_CACHE" ]; then
    install -o "$uid" -g "$gid" -m 600 "$LIGHTNING_HASH_CACHE" "$scratch/hashes.json"
  fi
  as_user=(setpriv --reuid="$uid" --regid="$gid" --clear-groups)
  caps=(--inh-caps=-all,+dac_read_search --ambient-caps=-all,+dac_read_search)
  # Without CAP_DAC_READ_SEARCH to hand on (a container that drops it), the build tree and the
  # fixtures must be readable by every user.
  "${as_user[@]}" "${caps[@]}" true 2>/dev/null || caps=()
  status=0
  HOME=$scratch TMPDIR=$scratch XDG_RUNTIME_DIR= LIGHTNING_HASH_CACHE=$scratch/hashes.json \
    "${as_user[@]}" "${caps[@]}" "$executable" -o "$scratch/result.txt,txt" -o -,txt "$@" ||
    status=$?
  cp "$scratch/result.txt" "$result" 2>/dev/null || true
  exit $status
fi

if [ "$want" = root ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "already running as root: the main run covered $*"
    exit $skip
  fi
  if ! unshare -rm true 2>/dev/null; then
    echo "no user namespaces here (unshare -rm failed): $* stay skipped (see tests/skip-allowlist.txt)"
    exit $skip
  fi
  exec unshare -rm -- "$executable" -o "$result,txt" -o -,txt "$@"
fi

echo "usage: $0 user|root RESULT_FILE EXECUTABLE FUNCTION..." >&2
exit 2
