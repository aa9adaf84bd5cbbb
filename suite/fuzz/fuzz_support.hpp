// What every fuzz target shares: a segment whose payload is the fuzzer's bytes,
// and the promise that a fuzz run leaves nothing in /dev/shm.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "shmconform/runtime/segment.hpp"

namespace shmc::fuzz {

// A valid, READY segment of `kind` whose payload is exactly `bytes` (at least
// one byte: a segment has no empty payload). Owned by this process, so it is
// unlinked when the returned Segment goes. Aborts if /dev/shm refuses: a
// fuzzer that silently tests nothing is worse than one that stops.
Segment segment_with_payload(SegmentKind kind, std::span<const std::uint8_t> bytes, std::uint32_t fixture_version);

// Registers (once) an exit check: any /dev/shm entry under this run's prefix
// left at exit aborts the fuzzer, so a leak is a finding like a crash.
void check_no_leftovers_at_exit();

}  // namespace shmc::fuzz
