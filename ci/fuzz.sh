#!/usr/bin/env bash
# Builds the fuzz preset (clang 14 libFuzzer, ASan + UBSan) and runs every fuzz
# target for SHMC_FUZZ_SECONDS (default 60) from its checked-in seed corpus.
#
#   ci/fuzz.sh                    every target, 60 s each
#   SHMC_FUZZ_SECONDS=600 ci/fuzz.sh ring_payload history_log
#   SHMC_FUZZ_BUILD=build/mine ci/fuzz.sh
#
# New inputs go to a scratch corpus in the build tree, findings (crash-*, leak-*,
# timeout-*) to <build>/suite/fuzz/artifacts/. Fails if any target fails or if
# anything of the run is left in /dev/shm (each target unlinks its objects and
# aborts at exit on a leftover of its own; this checks the whole prefix too).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${SHMC_FUZZ_SECONDS:-60}
build=${SHMC_FUZZ_BUILD:-build/fuzz}
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(plan_parser segment_header ring_payload history_log)

./ci/install-deps.sh
cmake -S . -B "$build" --preset fuzz
cmake --build "$build" -j2 --target "${targets[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
before=$(ls /dev/shm | grep -c '^\(sem\.\)\?shmconform-' || true)
status=0
for t in "${targets[@]}"; do
  scratch="$build/suite/fuzz/scratch/$t"
  mkdir -p "$scratch" "$build/suite/fuzz/artifacts"
  echo "=== fuzz_$t: ${seconds} s"
  if ! "$build/suite/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
       -artifact_prefix="$build/suite/fuzz/artifacts/$t-" "$scratch" "suite/fuzz/corpus/$t"; then
    echo "ci/fuzz.sh: fuzz_$t FAILED (findings in $build/suite/fuzz/artifacts/)" >&2
    status=1
  fi
done
after=$(ls /dev/shm | grep -c '^\(sem\.\)\?shmconform-' || true)
if [ "$after" -gt "$before" ]; then
  echo "ci/fuzz.sh: $((after - before)) new shmconform names left in /dev/shm" >&2
  status=1
fi
exit $status
