#include "suite/fuzz/fuzz_support.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::fuzz {

Segment segment_with_payload(SegmentKind kind, std::span<const std::uint8_t> bytes, std::uint32_t fixture_version) {
  SegmentOptions options;
  options.fixture_version = fixture_version;
  options.label = "fuzz";
  const std::size_t size = std::max<std::size_t>(bytes.size(), 1);
  auto init = [bytes](std::byte* payload, std::size_t) -> Result<void> {
    if (!bytes.empty()) std::memcpy(payload, bytes.data(), bytes.size());
    return {};
  };
  auto seg = Segment::create(harness::unique_name("fuzz"), kind, size, init, options);
  if (!seg) {
    std::fprintf(stderr, "fuzz: cannot create the segment: %s\n", seg.error().describe().c_str());
    std::abort();
  }
  return std::move(seg).value();
}

namespace {
void leftovers_abort() {
  auto left = harness::leftovers_with_prefix(harness::run_prefix());
  if (left.empty()) return;
  std::fprintf(stderr, "fuzz: left in /dev/shm: %s\n", harness::join(left).c_str());
  harness::remove_entries(left);
  std::abort();
}
}  // namespace

void check_no_leftovers_at_exit() {
  static const bool registered = (std::atexit(leftovers_abort), true);
  (void)registered;
}

}  // namespace shmc::fuzz
