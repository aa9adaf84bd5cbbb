// libFuzzer target: a valid ring segment whose payload (ring header and
// slots) is fuzzer bytes. Open must refuse a payload that disagrees with
// itself; an accepted one must survive a few pushes, pops and validations
// with answers, never a crash or a wait past its deadline.
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fixtures/ring/ring.hpp"
#include "suite/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace std::chrono_literals;
  shmc::fuzz::check_no_leftovers_at_exit();
  auto seg = shmc::fuzz::segment_with_payload(shmc::SegmentKind::ring, {data, size}, shmc::ring::kRingLayoutVersion);
  shmc::ring::RingOptions options;
  options.stall_bound = 50us;
  auto ring = shmc::ring::Ring::open(seg.name(), options);
  if (!ring) {
    if (ring.error().message.empty()) std::abort();
    return 0;
  }
  if (ring->capacity() == 0 || ring->slot_size() == 0) std::abort();
  std::vector<std::byte> buffer(ring->slot_size());
  const std::array<std::byte, 1> item{std::byte{0x5a}};
  (void)ring->validate();
  for (int round = 0; round < 4; ++round) {
    (void)ring->try_push(item);
    auto popped = ring->try_pop(buffer);
    if (popped && popped->status == shmc::ring::PopStatus::popped && popped->size > buffer.size()) std::abort();
    (void)ring->validate();
  }
  (void)ring->push(item, 200us);
  (void)ring->pop(buffer, 200us);
  (void)ring->unblock();
  (void)ring->stats();
  return 0;
}
