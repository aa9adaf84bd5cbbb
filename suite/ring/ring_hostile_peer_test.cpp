// A hostile peer against the ring (issue 14): while a producer and a consumer
// run, a third process scribbles random bytes over the ring's payload (header,
// sequence numbers, stamps, items) for one second. The honest peers must end
// normally (no signal, no UB under ASan/UBSan), never overrun a call's deadline,
// and the corruption must be reported (validate() or a refused call), not
// absorbed silently. What the ring cannot see (a plausible item overwritten by
// another plausible one) is counted, not required: docs/hostile-peer.md.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/stopped_holder.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr auto kCallTimeout = 20ms;

TEST(RingHostilePeer, HonestPeersSurviveScribblingAndReportCorruption) {
  auto ring = Ring::create(harness::unique_name("ring-hostile"), {16, 8}, RingOptions{.stall_bound = 500us});
  ASSERT_TRUE(ring) << ring.error().describe();
  harness::SharedArray<hostile::Tally> tally(2);  // 0 producer, 1 consumer
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + 1s;
  harness::Actors actors(harness::ActorMode::processes);  // the scribbler must not be a thread of a reader
  actors.add("scribbler", [&](harness::ActorContext& ctx) {
    ctx.doing("scribbling over the ring's payload");
    writes[0] = hostile::scribble(ring->segment().payload(), ring->segment().payload_size(), until, 14);
    return 0;
  });
  actors.add("producer", [&](harness::ActorContext& ctx) {
    auto& t = tally[0];
    for (std::uint32_t n = 0; Clock::now() < until; ++n) {
      ctx.doing("push under scribbling");
      const std::uint64_t v = hostile::item_for(n);
      std::array<std::byte, 8> item;
      std::memcpy(item.data(), &v, 8);
      const auto began = Clock::now();
      auto r = ring->push(item, kCallTimeout);
      t.took(Clock::now() - began);
      ++t.calls;
      if (!r) ++t.refusals;
    }
    return 0;
  });
  actors.add("consumer", [&](harness::ActorContext& ctx) {
    auto& t = tally[1];
    std::array<std::byte, 8> out{};
    while (Clock::now() < until) {
      ctx.doing("pop under scribbling");
      const auto began = Clock::now();
      auto r = ring->pop(out, kCallTimeout);
      t.took(Clock::now() - began);
      ++t.calls;
      if (!r) {
        ++t.refusals;
      } else if (r->status == PopStatus::popped) {
        SHMC_ACTOR_CHECK(r->size <= out.size());  // never more than the buffer, whatever the slot says
        std::uint64_t v = 0;
        std::memcpy(&v, out.data(), 8);
        if (r->size != 8 || !hostile::item_ok(v)) ++t.garbage;
      }
      if (!ring->validate()) ++t.validate_corrupt;
    }
    return 0;
  });
  auto outcomes = actors.run(20s);
  ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
  std::uint64_t reported = 0;
  for (int i = 0; i < 2; ++i) {
    const auto& t = tally[static_cast<std::size_t>(i)];
    std::printf("%s: %llu calls, %llu refused, %llu validate corrupt, %llu garbage items, slowest %lld us\n",
                i == 0 ? "producer" : "consumer", static_cast<unsigned long long>(t.calls.load()),
                static_cast<unsigned long long>(t.refusals.load()),
                static_cast<unsigned long long>(t.validate_corrupt.load()),
                static_cast<unsigned long long>(t.garbage.load()), static_cast<long long>(t.slowest_call_us.load()));
    EXPECT_GT(t.calls.load(), 0u);
    EXPECT_LE(t.slowest_call_us.load(), std::chrono::microseconds(deadline_testing::give_up_bound(kCallTimeout)).count());
    reported += t.refusals.load() + t.validate_corrupt.load();
  }
  std::printf("scribbler: %llu writes\n", static_cast<unsigned long long>(writes[0].load()));
  EXPECT_GT(writes[0].load(), 0u);
  // A second of random writes over sequence numbers and head/tail cannot leave a consistent ring.
  EXPECT_GT(reported + (ring->validate() ? 0u : 1u), 0u) << "a second of scribbling went unreported";
}

}  // namespace
}  // namespace shmc::ring
