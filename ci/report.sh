#!/usr/bin/env bash
# Installs what is needed, builds the shmconform command and runs its report on
# this platform. Extra arguments go to `shmconform report` (e.g. --json report.json).
set -euo pipefail
cd "$(dirname "$0")/.."
./ci/install-deps.sh >/dev/null
cmake --preset dev >/dev/null
cmake --build --preset dev --target shmconform >/dev/null
exec build/dev/cli/shmconform report "$@"
