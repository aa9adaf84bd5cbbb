#!/usr/bin/env bash
# Installs what is needed, builds and runs the whole test suite through ctest.
#
#   ci/test.sh                      presets "dev examples asan"
#   SHMC_TEST_PRESETS="dev examples soak asan tsan fuzz ports" ci/test.sh   what CI runs (.ci/run);
#                                   "examples" is ci/examples.sh (install the dev build, build
#                                   examples/ against the package); "soak" repeats the crash-campaign
#                                   and concurrency labels of the dev build (SHMC_SOAK_REPEAT times,
#                                   default 3, until one fails); "fuzz" is ci/fuzz.sh (every libFuzzer
#                                   target for SHMC_FUZZ_SECONDS, default 60); "ports" is
#                                   ci/cross/ci-ports.sh: the i386 suite, the mixed-ABI test both ways
#                                   and the reports under qemu-user
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
summary=()
# Records one step's result for the summary printed last (CI logs are often read from the end):
# the failed tests' names come from ctest's own list.
step() {
  local name=$1 rc=$2 failed_list=${3:-}
  if [ "$rc" -eq 0 ]; then
    summary+=("$name: passed")
    return
  fi
  status=1
  local which=""
  if [ -n "$failed_list" ] && [ -s "$failed_list" ]; then
    which=" ($(cut -d: -f2 "$failed_list" | head -n 20 | paste -sd ' ' -))"
  fi
  summary+=("$name: FAILED$which")
}
for preset in $presets; do
  case $preset in
    ports) rc=0; ./ci/cross/ci-ports.sh || rc=$?; step ports $rc; continue ;;
    fuzz) rc=0; ./ci/fuzz.sh || rc=$?; step fuzz $rc; continue ;;
    examples)  # after dev: install it, build examples/ against the package
      echo "=== examples: installed package, out-of-tree build and ctest"
      rc=0; ./ci/examples.sh || rc=$?; step examples $rc; continue ;;
    soak)  # after dev: the labels whose failures depend on timing, again
      echo "=== soak: dev, labels campaign|concurrency|crash|hostile, until-fail:${SHMC_SOAK_REPEAT:-3}"
      rc=0
      ctest --preset dev -L 'campaign|concurrency|crash|hostile' -LE long \
        --repeat "until-fail:${SHMC_SOAK_REPEAT:-3}" || rc=$?
      step soak $rc build/dev/Testing/Temporary/LastTestsFailed.log; continue ;;
  esac
  echo "=== preset $preset: configure and build"
  cmake --preset "$preset" -DSHMC_WERROR=ON >/dev/null
  cmake --build --preset "$preset"
  echo "=== preset $preset: ctest $ctest_args"
  rc=0
  # shellcheck disable=SC2086
  ctest --preset "$preset" $ctest_args || rc=$?
  step "$preset" $rc "build/$preset/Testing/Temporary/LastTestsFailed.log"
  gc=build/$preset/cli/shmconform
  if [ -x "$gc" ]; then "$gc" gc | tail -n 1; fi
done
echo "=== summary"
printf '  %s\n' "${summary[@]}"
exit $status
