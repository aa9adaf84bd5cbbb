#!/usr/bin/env bash
# The ports part of CI: the i386 suite (natively, IA32 emulation), the
# mixed-ABI test in both directions (64-bit dev build <-> i386 port), and the
# aarch64 report under qemu-user. Prints the wall time of each step.
# The slower full runs (aarch64 suite, armhf) are in docs/ports.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
status=0
step() {  # step NAME COMMAND...: runs, times, remembers a failure
  local name=$1 start=$SECONDS
  shift
  echo "=== ports: $name"
  if "$@"; then echo "=== ports: $name passed in $((SECONDS - start)) s"
  else echo "=== ports: $name FAILED after $((SECONDS - start)) s"; status=1; fi
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
step "aarch64 report" ./ci/cross/report.sh aarch64
echo "=== ports: all steps in $((SECONDS - total)) s"
exit $status
