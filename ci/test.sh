#!/usr/bin/env bash
# Installs what is needed, builds and runs the whole test suite through ctest.
#
#   ci/test.sh                      presets "dev examples asan"
#   SHMC_TEST_PRESETS="dev examples asan tsan ports" ci/test.sh   what CI runs (.ci/run);
#                                   "examples" is ci/examples.sh (install the dev build, build
#                                   examples/ against the package); "ports" is ci/cross/ci-ports.sh:
#                                   the i386 suite, the mixed-ABI test both ways and the reports
#                                   under qemu-user
#   SHMC_TEST_PRESETS="dev asan tsan clang release" ci/test.sh
#   SHMC_CTEST_ARGS="-L long" ci/test.sh   the long crash campaigns (excluded by default)
#
# Afterwards nothing of the run is left in /dev/shm and no process of it is alive:
# the leak guard fails any test that leaves a name behind, and `shmconform gc`
# sweeps what a killed test binary could not.
set -euo pipefail
cd "$(dirname "$0")/.."

./ci/install-deps.sh

presets=${SHMC_TEST_PRESETS:-"dev examples asan"}
ctest_args=${SHMC_CTEST_ARGS:-"-LE long"}
status=0
for preset in $presets; do
  if [ "$preset" = ports ]; then
    ./ci/cross/ci-ports.sh || status=1
    continue
  fi
  if [ "$preset" = examples ]; then  # after dev: install it, build examples/ against the package
    echo "=== examples: installed package, out-of-tree build and ctest"
    ./ci/examples.sh || status=1
    continue
  fi
  echo "=== preset $preset: configure and build"
  cmake --preset "$preset" -DSHMC_WERROR=ON >/dev/null
  cmake --build --preset "$preset"
  echo "=== preset $preset: ctest $ctest_args"
  # shellcheck disable=SC2086
  if ! ctest --preset "$preset" $ctest_args; then
    status=1
  fi
  gc=build/$preset/cli/shmconform
  if [ -x "$gc" ]; then "$gc" gc | tail -n 1; fi
done
exit $status
