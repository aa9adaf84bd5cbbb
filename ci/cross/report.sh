#!/usr/bin/env bash
# Builds `shmconform` for the port TARGET (i386, aarch64, armhf) and runs its
# report there. Extra arguments go to `shmconform report` (e.g. --json r.json).
#
#   ci/cross/report.sh aarch64
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: ci/cross/report.sh i386|aarch64|armhf [report arguments]}
shift
./ci/cross/install-deps.sh "$target" >/dev/null
cmake --preset "$target" >/dev/null
cmake --build --preset "$target" --target shmconform >/dev/null
exec ./ci/cross/run.sh "$target" "build/$target/cli/shmconform" report "$@"
