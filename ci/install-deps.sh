#!/usr/bin/env bash
# Installs exactly the Debian 12 packages shmconform needs. Idempotent; run as root.
set -euo pipefail

packages=(
  cmake make g++ gcc clang pkg-config        # toolchains (clang for the clang preset and -Werror check)
  libgtest-dev libgmock-dev                  # GoogleTest / GoogleMock
  librapidcheck-dev                          # property tests (CMake package rapidcheck)
  libfiu-dev                                 # crash points and syscall fault points
  libbenchmark-dev                           # Google Benchmark
  nlohmann-json3-dev                         # shmconform report --json
  chromium                                   # the timeline page's browser test (ctest -L browser), headless
  libboost-dev                               # Boost.Interprocess message_queue: a third-party subject (header-only)
  libclang-rt-14-dev                         # libFuzzer and the clang sanitizer runtimes (the fuzz preset, ci/fuzz.sh)
)

if [ "$(id -u)" -ne 0 ]; then
  echo "ci/install-deps.sh: run as root (apt-get install)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "ci/install-deps.sh: all ${#packages[@]} packages already installed"
  exit 0
fi
echo "ci/install-deps.sh: installing ${missing[*]}"
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
