#!/usr/bin/env bash
# Builds the port TARGET (i386, aarch64, armhf) with its preset and runs the
# ctest suite on it (natively for i386, under qemu-user otherwise, through
# CMAKE_CROSSCOMPILING_EMULATOR). Extra arguments go to ctest; the default
# excludes the label `long`, as ci/test.sh does.
#
#   ci/cross/test.sh i386                  ~10 min build + suite on 2 cores
#   ci/cross/test.sh aarch64 -R conformance
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: ci/cross/test.sh i386|aarch64|armhf [ctest arguments]}
shift
./ci/cross/install-deps.sh "$target" >/dev/null
cmake --preset "$target" >/dev/null
cmake --build --preset "$target"
status=0
if [ $# -eq 0 ]; then set -- -LE long; fi
ctest --preset "$target" "$@" || status=$?
# Whatever a killed test binary could not remove.
./ci/cross/run.sh "$target" "build/$target/cli/shmconform" gc | tail -n 1 || true
exit $status
