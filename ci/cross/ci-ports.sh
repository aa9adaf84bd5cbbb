#!/usr/bin/env bash
# The ports part of CI: the i386 suite (natively, IA32 emulation), the
# mixed-ABI test in both directions (64-bit dev build <-> i386 port), the
# report on x86_64, i386, aarch64 and armhf (qemu-user for the ARM ones) with
# its verdicts compared across targets (ci/cross/compare_reports.py; every
# difference is explained in docs/ports.md). Prints the wall time of each step.
# The slower full runs (aarch64 suite, armhf) are in docs/ports.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
failed=()
step() {  # step NAME COMMAND...: runs, times, remembers a failure
  local name=$1 start=$SECONDS
  shift
  echo "=== ports: $name"
  if "$@"; then echo "=== ports: $name passed in $((SECONDS - start)) s"
  else echo "=== ports: $name FAILED after $((SECONDS - start)) s"; status=1; failed+=("$name"); fi
}
mixed_from_64_bit() {
  cmake --preset dev >/dev/null
  cmake --build --preset dev --target abi_mixed_test abi_peer
  SHMC_ABI_PEER=$PWD/build/i386/suite/abi/abi_peer build/dev/suite/abi/abi_mixed_test
}
total=$SECONDS
step "i386 suite" ./ci/cross/test.sh i386
step "mixed ABI, 64-bit test with the i386 peer" mixed_from_64_bit
step "mixed ABI, i386 test with the 64-bit peer" \
  env SHMC_ABI_PEER="$PWD/build/dev/suite/abi/abi_peer" build/i386/suite/abi/abi_mixed_test
reports=build/ports-reports
mkdir -p "$reports"
native_report() {
  cmake --build --preset dev --target shmconform >/dev/null
  build/dev/cli/shmconform report --json "$reports/x86_64.json" --junit "$reports/x86_64.xml"
}
step "x86_64 report" native_report
for t in i386 aarch64 armhf; do
  step "$t report" ./ci/cross/report.sh "$t" --json "$PWD/$reports/$t.json" --junit "$PWD/$reports/$t.xml"
done
step "report verdicts compared" python3 ci/cross/compare_reports.py \
  "$reports/x86_64.json" "$reports/i386.json" "$reports/aarch64.json" "$reports/armhf.json"
echo "=== ports: all steps in $((SECONDS - total)) s"
# CI logs are read from the end: name what failed, and the suite's failed tests.
for name in "${failed[@]}"; do echo "=== ports: FAILED: $name"; done
if [ -s build/i386/Testing/Temporary/LastTestsFailed.log ] && [[ " ${failed[*]} " == *" i386 suite "* ]]; then
  sed 's/^/  i386 failed: /' build/i386/Testing/Temporary/LastTestsFailed.log
fi
exit $status
