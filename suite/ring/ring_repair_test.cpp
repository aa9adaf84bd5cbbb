// One claimant killed at each crash point of push and pop, then the survivor
// (this process) drains, pushes and drains again: what was delivered and what
// repair counted are exactly what docs/ring.md promises. And the other half
// of the policy: a claimant that is alive but slow is waited for, never robbed.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#if defined(SHMC_FAULT_INJECTION)
#include <fiu-control.h>
#endif

#include "shmconform/runtime/process_identity.hpp"
#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;

std::array<std::byte, 8> msg(char c) {
  std::array<std::byte, 8> b{};
  b.fill(static_cast<std::byte>(c));
  return b;
}

struct Case {
  const char* point;
  bool child_pops;        // false: the child pushes 'X'; true: we push 'X', the child pops
  std::string delivered;  // what we pop, over both drains
  std::uint64_t skipped, abandoned, stamps_cleared;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.point; }

class RingRepairAt : public ::testing::TestWithParam<Case> {};

std::string drain(Ring& ring) {
  std::string got;
  std::array<std::byte, 8> out{};
  for (int i = 0; i < 8; ++i) {
    auto r = ring.pop(out, 50ms);
    if (!r) return got + "<error: " + r.error().describe() + ">";
    if (r->status != PopStatus::popped) break;
    got += static_cast<char>(out[0]);
  }
  return got;
}

TEST_P(RingRepairAt, SurvivorRepairsAndDeliversExactlyWhatThePolicySays) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  const Case& c = GetParam();
  RingOptions options;
  options.stall_bound = 1ms;
  auto ring = Ring::create(harness::unique_name("ring-repair"), {2, 8}, options);
  ASSERT_TRUE(ring) << ring.error().describe();
  if (c.child_pops) {
    ASSERT_EQ(ring->try_push(msg('X')).value(), PushStatus::pushed);
  }

  auto victim = harness::run_in_child(
      "victim",
      [&](harness::ActorContext&) {
        std::array<std::byte, 8> out{};
        if (c.child_pops) return ring->try_pop(out).ok() ? 0 : 1;
        return ring->try_push(msg('X')).ok() ? 0 : 1;
      },
      10s, harness::CrashAt{c.point, 1});
  ASSERT_EQ(victim.end, harness::ActorOutcome::End::crashed_at_point) << victim.describe();
  ASSERT_EQ(victim.crash_point, c.point);

  std::string delivered = drain(*ring);
  for (char item : {'A', 'B'}) {
    auto pushed = ring->push(msg(item), 2s);
    ASSERT_TRUE(pushed) << pushed.error().describe();
    ASSERT_EQ(*pushed, PushStatus::pushed) << "push " << item << " after the crash";
  }
  delivered += drain(*ring);
  EXPECT_EQ(delivered, c.delivered);
  const auto s = ring->stats();
  EXPECT_EQ(s.skipped, c.skipped);
  EXPECT_EQ(s.abandoned, c.abandoned);
  EXPECT_EQ(s.stamps_cleared, c.stamps_cleared);
  EXPECT_TRUE(ring->validate()) << ring->validate().error().describe();
}

INSTANTIATE_TEST_SUITE_P(
    EveryStep, RingRepairAt,
    ::testing::Values(Case{"ring/push/stamped", false, "AB", 0, 0, 1},     //
                      Case{"ring/push/claimed", false, "AB", 1, 0, 0},     //
                      Case{"ring/push/half_written", false, "AB", 1, 0, 0},
                      Case{"ring/push/written", false, "AB", 1, 0, 0},     //
                      Case{"ring/push/published", false, "XAB", 0, 0, 1},  //
                      Case{"ring/pop/stamped", true, "XAB", 0, 0, 1},      //
                      Case{"ring/pop/claimed", true, "AB", 0, 1, 0},       //
                      Case{"ring/pop/half_copied", true, "AB", 0, 1, 0},   //
                      Case{"ring/pop/copied", true, "AB", 0, 1, 0},        //
                      Case{"ring/pop/released", true, "AB", 0, 0, 1}),
    [](const ::testing::TestParamInfo<Case>& info) {
      std::string n = info.param.point;
      for (char& ch : n)
        if (ch == '/') ch = '_';
      return n;
    });

TEST(RingRepair, LiveClaimantIsNeverRobbed) {
  RingOptions options;
  options.stall_bound = 1ms;
  auto ring = Ring::create(harness::unique_name("ring-live"), {2, 8}, options);
  ASSERT_TRUE(ring);
  // As if this very (live) thread had claimed position 0 and not yet published.
  auto& h = *reinterpret_cast<RingHeader*>(ring->segment().payload());
  auto& s0 = *reinterpret_cast<SlotHeader*>(ring->segment().payload() + kSlotsOffset);
  s0.claimant.store(pack(self_identity()));
  h.head.store(1);
  std::array<std::byte, 8> out{};
  auto r = ring->pop(out, 30ms);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, PopStatus::stalled);
  auto report = ring->unblock();
  ASSERT_TRUE(report);
  EXPECT_GE(report->claimant_alive, 1u);
  EXPECT_EQ(report->repairs(), 0u);
  EXPECT_EQ(ring->stats().skipped, 0u);
}

#if defined(SHMC_FAULT_INJECTION)
// A libfiu callback that never fails the point: it makes the claimant slow.
int dawdle(const char*, int*, void**, unsigned int*) {
  std::this_thread::sleep_for(300ms);  // the slowness under test, not synchronisation
  return 0;
}
#endif

TEST(RingRepair, SlowProducerIsWaitedForNotSkipped) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu to slow the producer down at ring/push/claimed";
#else
  RingOptions options;
  options.stall_bound = 1ms;
  auto ring = Ring::create(harness::unique_name("ring-slow"), {2, 8}, options);
  ASSERT_TRUE(ring);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("slow-producer", [&](harness::ActorContext& ctx) {
    SHMC_ACTOR_CHECK(fiu_enable_external("ring/push/claimed", 1, nullptr, 0, dawdle) == 0);
    ctx.doing("push, dawdling 300 ms after the claim");
    auto r = ring->try_push(msg('S'));
    SHMC_ACTOR_CHECK(r && *r == PushStatus::pushed);
    return 0;
  });
  actors.add("consumer", [&](harness::ActorContext& ctx) {
    std::array<std::byte, 8> out{};
    ctx.doing("pop, facing a claimed but unpublished slot");
    auto r = ring->pop(out, 5s);
    SHMC_ACTOR_CHECK(r && r->status == PopStatus::popped && out[0] == std::byte{'S'});
    SHMC_ACTOR_CHECK(ring->stats().skipped == 0);
    return 0;
  });
  auto outcomes = actors.run(20s);
  EXPECT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
#endif
}

}  // namespace
}  // namespace shmc::ring
