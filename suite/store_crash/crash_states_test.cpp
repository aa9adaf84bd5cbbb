// Arming mode: a victim killed before its k-th store leaves exactly k-1 of its
// stores, for every k of an operation; the actor runner reports where it died.
#include <chrono>

#include "shmconform/harness/actors.hpp"
#include "suite/store_crash/trap_fixture.hpp"

namespace shmc::store_crash_test {
namespace {

using namespace std::chrono_literals;

constexpr std::uint32_t kBytes = 5, kAdds = 3, kStores = kBytes + kAdds;

harness::ActorOutcome run_victim(const ShmMapping& m, std::uint32_t k) {
  return harness::run_in_child("victim", [&](harness::ActorContext& ctx) {
    auto range = trap::find_mapping(m.name());  // as for a library's own mapping
    SHMC_ACTOR_CHECK(range.ok());
    auto s = trap::Session::start({*range});  // dies before harness::armed_store()
    SHMC_ACTOR_CHECK(s.ok());
    ctx.doing("byte_and_add_op");
    trap::Window w(**s);
    byte_and_add_op(m, kBytes, kAdds);
    return 0;
  }, 20s, harness::StoreAt{k});
}

TEST(StoreTrapCrashStates, KilledBeforeStoreKLeavesExactlyKMinusOneStores) {
  SHMC_REQUIRE_STORE_TRAPS();
  for (std::uint32_t k = 1; k <= kStores; ++k) {
    ShmMapping m(4096);
    const auto o = run_victim(m, k);
    ASSERT_EQ(o.end, harness::ActorOutcome::End::crashed_at_point) << "k=" << k << ": " << o.describe();
    EXPECT_EQ(o.crash_point, trap::store_point(k, 0));
    EXPECT_EQ(o.hit, k);
    EXPECT_EQ(o.last_doing, "byte_and_add_op");
    EXPECT_EQ(visible_stores(m, kBytes), k - 1) << "k=" << k;
  }
}

TEST(StoreTrapCrashStates, OnePastTheLastStoreNeverFiresAndEveryStoreLands) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  const auto o = run_victim(m, kStores + 1);
  EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(visible_stores(m, kBytes), kStores);
}

TEST(StoreTrapCrashStates, ADeathInTheSecondRangeNamesIt) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping a(4096), b(4096);
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    auto s = trap::Session::start({a.range(), b.range()});
    SHMC_ACTOR_CHECK(s.ok());
    trap::Window w(**s);
    a.bytes()[0] = 1;
    b.bytes()[0] = 1;
    return 0;
  }, 20s, harness::StoreAt{2});
  ASSERT_EQ(o.end, harness::ActorOutcome::End::crashed_at_point) << o.describe();
  EXPECT_EQ(o.crash_point, "store/2/range/1");
  EXPECT_EQ(a.bytes()[0], 1);
  EXPECT_EQ(b.bytes()[0], 0);
}

TEST(StoreTrapCrashStates, PlanTextRoundTripsAndStorePointsParse) {
  harness::CrashPlan plan;
  ASSERT_TRUE(harness::parse_crash_plan("store:17", plan));
  EXPECT_EQ(plan, harness::CrashPlan{harness::StoreAt{17}});
  EXPECT_EQ(harness::crash_plan_text(plan), "store:0:17");
  EXPECT_EQ(harness::describe(plan), "crash before store 17 of op 0");
  EXPECT_FALSE(harness::parse_crash_plan("store:0", plan));
  EXPECT_FALSE(harness::parse_crash_plan("store:x", plan));
  std::uint64_t k = 0;
  std::size_t r = 9;
  ASSERT_TRUE(trap::parse_store_point("store/17/range/2", k, r));
  EXPECT_EQ(k, 17u);
  EXPECT_EQ(r, 2u);
  EXPECT_FALSE(trap::parse_store_point("store/0/range/2", k, r));
  EXPECT_FALSE(trap::parse_store_point("store/3", k, r));
}

TEST(StoreTrapCrashStates, AStoreAtPlanOfZeroIsRefusedByTheRunner) {
  const auto o = harness::run_in_child("victim", [](harness::ActorContext&) { return 0; }, 5s, harness::StoreAt{0});
  EXPECT_EQ(o.end, harness::ActorOutcome::End::threw) << o.describe();
  EXPECT_NE(o.message.find("store numbers start at 1"), std::string::npos) << o.message;
}

}  // namespace
}  // namespace shmc::store_crash_test
