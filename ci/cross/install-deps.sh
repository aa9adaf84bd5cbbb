#!/usr/bin/env bash
# Installs what the port TARGET (i386, aarch64, armhf) needs on a Debian 12
# x86_64 host: the cross compiler, the target's gtest/gmock/rapidcheck/benchmark
# from Debian's multi-arch packages, qemu-user for the non-x86 targets, and the
# target's libfiu unpacked into a folder of its own (libfiu is not multi-arch).
# Idempotent; run as root.
#
#   ci/cross/install-deps.sh aarch64
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ci/cross/targets.sh
. "$here/targets.sh"
shmc_target "${1:?usage: ci/cross/install-deps.sh i386|aarch64|armhf}"

if [ "$(id -u)" -ne 0 ]; then
  echo "ci/cross/install-deps.sh: run as root (dpkg --add-architecture, apt-get install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive

"$here/../install-deps.sh" >/dev/null   # the native toolchain, cmake, nlohmann-json (arch: all)

packages=(
  "g++-${TARGET_CXX%-g++}"                       # e.g. g++-aarch64-linux-gnu
  "libgtest-dev:$TARGET_ARCH" "libgmock-dev:$TARGET_ARCH"
  "librapidcheck-dev:$TARGET_ARCH" "libbenchmark-dev:$TARGET_ARCH"
  "libc6:$TARGET_ARCH" "libstdc++6:$TARGET_ARCH" "libatomic1:$TARGET_ARCH"  # run time of the target's shared libraries
)
[ -n "$TARGET_QEMU" ] && packages+=(qemu-user)

have_arch() { [ "$TARGET_ARCH" = "$(dpkg --print-architecture)" ] || dpkg --print-foreign-architectures | grep -qx "$TARGET_ARCH"; }
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

updated=0
apt_update() {
  # A foreign architecture's index can be mid-sync on the mirror (a size
  # mismatch): apt-get update then fails for that one index but the rest is
  # usable; the install below fails loudly if a package is really missing.
  if [ $updated -eq 0 ]; then
    apt-get update -qq || echo "ci/cross/install-deps.sh: apt-get update reported errors (see above); going on" >&2
    updated=1
  fi
}

if ! have_arch; then
  dpkg --add-architecture "$TARGET_ARCH"
  apt_update
fi
missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "ci/cross/install-deps.sh $TARGET: installing ${missing[*]}"
  apt_update
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libfiu for the target: apt-get download + dpkg -x, never installed (it would
# replace the host's libfiu-dev, which is not co-installable).
if [ ! -f "$FIU_SYSROOT/usr/lib/pkgconfig/libfiu.pc" ]; then
  apt_update
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && apt-get download -qq "libfiu-dev:$TARGET_ARCH" "libfiu0:$TARGET_ARCH")
  mkdir -p "$FIU_SYSROOT"
  for deb in "$work"/*.deb; do dpkg -x "$deb" "$FIU_SYSROOT"; done
  echo "ci/cross/install-deps.sh $TARGET: libfiu unpacked into $FIU_SYSROOT"
fi
echo "ci/cross/install-deps.sh $TARGET: ready ($TARGET_CXX${TARGET_QEMU:+, $TARGET_QEMU})"
