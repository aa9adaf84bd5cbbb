#!/usr/bin/env bash
# Runs one program built for the port TARGET: directly for i386, under
# qemu-user otherwise, with the target's multi-arch libc from /lib (the same
# emulator line as CMAKE_CROSSCOMPILING_EMULATOR in cmake/toolchains/shmc-cross.cmake,
# which says why not -L /usr/<triplet>).
#
#   ci/cross/run.sh aarch64 build/aarch64/cli/shmconform report
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=ci/cross/targets.sh
. "$here/targets.sh"
shmc_target "${1:?usage: ci/cross/run.sh TARGET PROGRAM [ARGS...]}"
shift
if [ -n "$TARGET_QEMU" ]; then
  exec "$TARGET_QEMU" "$@"
fi
exec "$@"
