#!/usr/bin/env bash
# Builds the .deb (cpack -G DEB) and checks it as a user meets it, in a throw-away Debian 12 root
# (debootstrap --variant=minbase bookworm): `apt install ./lightning-studio_*.deb` resolves every
# dependency, the menu entry and its icon are in place, `lightning --help` runs, and the app
# starts offscreen and keeps running. Needs root (debootstrap, chroot, mounts) and Debian's
# package registry; takes several minutes.
#   scripts/check-deb.sh        # after scripts/build.sh (uses build/)
# BUILD_DIR: build folder (build); DEB_MIRROR: Debian mirror (default: this machine's apt
# source); KEEP_ROOT=1 keeps the root for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
[ "$(id -u)" -eq 0 ] || { echo "check-deb: run as root (debootstrap and chroot)" >&2; exit 1; }

missing=()
for p in debootstrap dpkg-dev file; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake --build "$BUILD_DIR" --target lightning lightning-studio
rm -f "$BUILD_DIR"/lightning-studio_*.deb
(cd "$BUILD_DIR" && cpack -G DEB >/dev/null)
deb=$(ls "$BUILD_DIR"/lightning-studio_*.deb)
echo "check-deb: $(basename "$deb"): $(du -h "$deb" | cut -f1)"
dpkg-deb --field "$deb" Depends Recommends Installed-Size
# The unit of `lightning serve` ships (where the CLI has the server) and is not enabled.
unit=usr/lib/systemd/system/lightning-serve.service
if grep -q "^HTTPLIB_FOUND:INTERNAL=1" "$BUILD_DIR/CMakeCache.txt"; then  # serve is built
  dpkg-deb -c "$deb" | grep -q " \./$unit\$" || { echo "check-deb: no /$unit in the .deb" >&2; exit 1; }
  echo "check-deb: /$unit in the package"
fi

# The mirror this machine's apt uses (deb822 or one-line format), unless DEB_MIRROR says.
mirror=${DEB_MIRROR:-$(
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security
    grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } | head -1 || true)}
[ -n "$mirror" ] || { echo "check-deb: no Debian mirror found; set DEB_MIRROR" >&2; exit 1; }

root=$(mktemp -d /var/tmp/lightning-deb-check.XXXXXX)
chmod 755 "$root"  # a root file system: every user (apt's _apt too) must reach /
cleanup() {
  for m in dev/pts dev proc; do umount -l "$root/$m" 2>/dev/null || true; done
  if [ "${KEEP_ROOT:-0}" = 1 ]; then echo "check-deb: root kept in $root"; else rm -rf "$root"; fi
}
trap cleanup EXIT
echo "check-deb: debootstrap bookworm (minbase) into $root"
debootstrap --variant=minbase bookworm "$root" "$mirror" >"$root.log" 2>&1 ||
  { tail -20 "$root.log"; exit 1; }
rm -f "$root.log"
echo "deb $mirror bookworm-updates main" >>"$root/etc/apt/sources.list"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
cp "$deb" "$root/tmp/"

chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  /bin/bash -euo pipefail -c '
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
cd /tmp
echo "check-deb: apt install ./lightning-studio_*.deb"
apt install -y -q ./lightning-studio_*.deb 2>&1 | grep -E "^(Need to get|After this operation|Setting up lightning)" || true
dpkg-query -W -f="\${Status}\n" lightning-studio | grep -q "install ok installed"

lightning --help | head -3
lightning models list --cache /tmp/empty-cache >/dev/null
desktop=/usr/share/applications/lightning-studio.desktop
test -f "$desktop"
grep -q "^Exec=lightning-studio" "$desktop"
grep -q "^Icon=lightning-studio$" "$desktop"
test -f /usr/share/icons/hicolor/256x256/apps/lightning-studio.png
test -f /usr/share/icons/hicolor/scalable/apps/lightning-studio.svg
command -v lightning-studio >/dev/null
if [ -f /usr/lib/systemd/system/lightning-serve.service ]; then
  ! ls /etc/systemd/system/*.wants/lightning-serve.service 2>/dev/null  # installed, not enabled
  echo "check-deb: lightning-serve.service installed, not enabled"
fi
echo "check-deb: menu entry $desktop with icon lightning-studio (256x256 png, scalable svg)"

# The app has no exit of its own: alive after 15 s (timeout then stops it: 124) = it started.
set +e
QT_QPA_PLATFORM=offscreen timeout 15 lightning-studio >/tmp/app.log 2>&1
status=$?
set -e
if [ "$status" -ne 124 ]; then
  echo "check-deb: lightning-studio exited with $status:"; tail -20 /tmp/app.log; exit 1
fi
echo "check-deb: lightning-studio ran offscreen for 15 s"
'
echo "check-deb: PASS ($(basename "$deb"), $(du -h "$deb" | cut -f1))"
