// A blocked push or pop sleeps on the slot it waits for, and the party that moves that slot
// wakes it (docs/ring.md, "Waiting"). With a stall bound and a deadline of two seconds each, only
// the wake gets the sleeper going before its deadline: without it the sleeper's first look after
// falling asleep is at its deadline. Planted: the publish never wakes (ring/wait/planted_no_wake);
// the same pop then gets its item only at its deadline.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <optional>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;

constexpr auto kBound = 2s;  // the sleeper's stall bound and its deadline

const SlotHeader& slot_zero(Ring& ring) {
  return *reinterpret_cast<const SlotHeader*>(ring.segment().payload() + kSlotsOffset);
}

enum class Sleeper { consumer, producer };

// What the sleeper's call returned ("popped"/"pushed", or the status it gave up with), and
// " before its deadline" or " at its deadline".
std::string sleeper_gets(Sleeper who, bool planted) {
  auto ring = Ring::create(harness::unique_name("ring-wake"), {2, 8}, RingOptions{.stall_bound = kBound});
  if (!ring) return ring.error().describe();
  const std::array<std::byte, 1> item{std::byte{'W'}};
  if (who == Sleeper::producer) {  // full: the producer will sleep on slot 0 until a pop releases it
    for (int i = 0; i < 2; ++i)
      if (auto r = ring->try_push(item); !r || *r != PushStatus::pushed) return "could not fill the ring";
  }
  harness::SharedArray<std::atomic<int>> got(2);  // [0]: 1 + the status, 0 while unset; [1]: 1 if before the deadline
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("sleeper", [&](harness::ActorContext& ctx) {
    ctx.doing("a bounded call that has to sleep");
    std::array<std::byte, 8> out{};
    const auto deadline = std::chrono::steady_clock::now() + kBound;
    if (who == Sleeper::consumer) {
      auto r = ring->pop(out, kBound);
      if (!r) return 2;
      got[0] = 1 + static_cast<int>(r->status);
    } else {
      auto r = ring->push(item, kBound);
      if (!r) return 2;
      got[0] = 1 + static_cast<int>(*r);
    }
    got[1] = std::chrono::steady_clock::now() < deadline ? 1 : 0;
    return 0;
  });
  actors.add("waker", [&](harness::ActorContext& ctx) {
    std::optional<harness::ScopedFault> plant;
    if (planted) plant.emplace("ring/wait/planted_no_wake", 0);
    ctx.doing("waiting for the sleeper to fall asleep on slot 0");
    const SlotHeader& s = slot_zero(*ring);
    if (!harness::poll_until([&] { return s.sleepers.load() != 0; }, ctx.deadline())) return 3;
    std::array<std::byte, 8> out{};
    if (who == Sleeper::consumer) {
      auto r = ring->try_push(item);
      return r && *r == PushStatus::pushed ? 0 : 4;
    }
    auto r = ring->try_pop(out);
    return r && r->status == PopStatus::popped ? 0 : 4;
  });
  const auto outcomes = actors.run(20s);
  if (!harness::all_ok(outcomes)) return harness::describe(outcomes);
  const int status = got[0].load() - 1;
  const std::string when = got[1].load() != 0 ? " before its deadline" : " at its deadline";
  if (who == Sleeper::consumer) return to_string(static_cast<PopStatus>(status)) + when;
  return to_string(static_cast<PushStatus>(status)) + when;
}

TEST(RingWake, APopAsleepOnAnEmptyRingIsWokenByThePush) {
  EXPECT_EQ(sleeper_gets(Sleeper::consumer, false), "popped before its deadline");
}

TEST(RingWake, APushAsleepOnAFullRingIsWokenByThePop) {
  EXPECT_EQ(sleeper_gets(Sleeper::producer, false), "pushed before its deadline");
}

TEST(RingWake, PlantedPublishThatNeverWakesLeavesThePopAsleepUntilItsDeadline) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu for the planted bug";
#else
  EXPECT_EQ(sleeper_gets(Sleeper::consumer, true), "popped at its deadline");
#endif
}

}  // namespace
}  // namespace shmc::ring
