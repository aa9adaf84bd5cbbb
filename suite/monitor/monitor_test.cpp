// The monitor: transfers keep a + b == total; a holder killed at every crash
// point is repaired by the next locker (EOWNERDEAD -> undo -> consistent); the
// planted no-repair variant leaves the invariant broken; ENOTRECOVERABLE after
// an owner-died lock is unlocked without pthread_mutex_consistent; a waker
// killed between its change and its broadcast costs a waiter only a re-check.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>

#include "fixtures/monitor/monitor.hpp"
#include "fixtures/semqueue/robust_mutex.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/sys.hpp"

namespace shmc::monitor {
namespace {

using namespace std::chrono_literals;

constexpr std::uint64_t kTotal = 1000;

bool invariant(const Record& r) { return r.a + r.b == r.total; }

template <class M>
harness::ActorOutcome transfer_in_child(const std::string& name, std::uint64_t amount, harness::CrashPlan crash) {
  return harness::run_in_child(
      "holder",
      [&](harness::ActorContext&) {
        auto m = M::open(name);
        SHMC_ACTOR_CHECK(m.ok());
        SHMC_ACTOR_CHECK(m->transfer(true, amount).ok());
        return 0;
      },
      10s, std::move(crash));
}

#define SKIP_WITHOUT_ROBUST_MUTEXES()                                                                      \
  do {                                                                                                     \
    if (!sys::robust_futex_list_supported()) GTEST_SKIP() << "no robust-futex list here (qemu-user)";     \
    if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";              \
  } while (0)

TEST(Monitor, TransfersKeepTheInvariantAndRefuseOverdrafts) {
  auto m = Monitor::create(harness::unique_name("mon"), kTotal);
  ASSERT_TRUE(m.ok()) << m.error().describe();
  EXPECT_EQ(m->transfer(true, 300).value(), TransferStatus::ok);
  EXPECT_EQ(m->transfer(false, 301).value(), TransferStatus::insufficient);
  EXPECT_EQ(m->transfer(false, 100).value(), TransferStatus::ok);
  auto v = m->read().value();
  EXPECT_EQ(v.record.a, 800u);
  EXPECT_EQ(v.record.b, 200u);
  EXPECT_EQ(v.record.ops, 2u);
  auto w = m->wait_for_ops(2, Clock::now() + 10ms);
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(m->wait_for_ops(3, Clock::now() + 30ms).error().code, Errc::timed_out);
}

RC_GTEST_PROP(MonitorModel, TransfersMatchTwoAccounts, ()) {
  const auto ops = *rc::gen::container<std::vector<std::pair<bool, int>>>(
      rc::gen::pair(rc::gen::arbitrary<bool>(), rc::gen::inRange(0, 400)));
  auto m = Monitor::create(harness::unique_name("mon-model"), kTotal);
  RC_ASSERT(m.ok());
  std::uint64_t a = kTotal, b = 0, done = 0;
  for (auto [a_to_b, amount] : ops) {
    const auto x = static_cast<std::uint64_t>(amount);
    auto r = m->transfer(a_to_b, x);
    RC_ASSERT(r.ok());
    std::uint64_t& from = a_to_b ? a : b;
    std::uint64_t& to = a_to_b ? b : a;
    RC_ASSERT(*r == (from >= x ? TransferStatus::ok : TransferStatus::insufficient));
    if (from >= x) from -= x, to += x, ++done;
    auto v = m->read();
    RC_ASSERT(v->record.a == a && v->record.b == b && v->record.ops == done);
  }
}

class MonitorCrash : public ::testing::TestWithParam<const char*> {};

TEST_P(MonitorCrash, TheNextLockerRepairsAndTheInvariantHolds) {
  SKIP_WITHOUT_ROBUST_MUTEXES();
  const auto name = harness::unique_name("mon-crash");
  auto m = Monitor::create(name, kTotal);
  ASSERT_TRUE(m.ok());
  auto died = transfer_in_child<Monitor>(name, 100, harness::CrashAt{GetParam(), 1});
  ASSERT_EQ(died.end, harness::ActorOutcome::End::crashed_at_point) << died.describe();
  auto v = m->read();
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_FALSE(v->lost);
  EXPECT_TRUE(invariant(v->record)) << v->record.a << " + " << v->record.b;
  EXPECT_EQ(m->repairs_here(), 1u) << "the read got EOWNERDEAD and repaired";
  // Either not applied at all, or completely: never half.
  const bool applied = v->record.ops == 1;
  EXPECT_EQ(v->record.a, applied ? kTotal - 100 : kTotal);
  EXPECT_EQ(m->transfer(true, 1).value(), TransferStatus::ok) << "usable after the repair";
}

INSTANTIATE_TEST_SUITE_P(EveryPoint, MonitorCrash,
                         ::testing::Values("monitor/transfer/locked", "monitor/transfer/undo_saved",
                                           "monitor/transfer/debited", "monitor/transfer/credited",
                                           "monitor/transfer/committed", "monitor/transfer/signalled"),
                         [](const auto& info) { return std::string(info.param).substr(17); });

TEST(MonitorCrash, ARepairerKilledMidRepairIsRepairedAgain) {
  SKIP_WITHOUT_ROBUST_MUTEXES();
  const auto name = harness::unique_name("mon-rerepair");
  auto m = Monitor::create(name, kTotal);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(transfer_in_child<Monitor>(name, 100, harness::CrashAt{"monitor/transfer/debited", 1}).end,
            harness::ActorOutcome::End::crashed_at_point);
  ASSERT_EQ(transfer_in_child<Monitor>(name, 5, harness::CrashAt{"monitor/repair/restored", 1}).end,
            harness::ActorOutcome::End::crashed_at_point);
  auto v = m->read();
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_TRUE(invariant(v->record));
  EXPECT_EQ(v->record.a, kTotal);
  EXPECT_EQ(v->repairs, 1u) << "the dead repairer died before counting its repair; ours counted";
}

TEST(MonitorCrash, PlantedNoRepairLeavesTheInvariantBroken) {
  SKIP_WITHOUT_ROBUST_MUTEXES();
  const auto name = harness::unique_name("mon-planted");
  auto m = NoRepairMonitor::create(name, kTotal);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(transfer_in_child<NoRepairMonitor>(name, 100, harness::CrashAt{"monitor/transfer/debited", 1}).end,
            harness::ActorOutcome::End::crashed_at_point);
  auto v = m->read();
  ASSERT_TRUE(v.ok()) << v.error().describe();
  EXPECT_FALSE(invariant(v->record)) << "the planted variant made the mutex consistent over a half transfer, "
                                        "yet the invariant holds: the test cannot see the bug";
}

TEST(MonitorCrash, OwnerDiedUnlockedWithoutConsistentIsNotRecoverable) {
  SKIP_WITHOUT_ROBUST_MUTEXES();
  const auto name = harness::unique_name("mon-notrec");
  auto m = Monitor::create(name, kTotal);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(transfer_in_child<Monitor>(name, 100, harness::CrashAt{"monitor/transfer/locked", 1}).end,
            harness::ActorOutcome::End::crashed_at_point);
  // A careless locker: takes the owner-died lock and unlocks it without pthread_mutex_consistent.
  ASSERT_EQ(semqueue::robust_mutex_lock_until(m->raw_mutex(), Clock::now() + 2s), semqueue::LockState::owner_died);
  semqueue::robust_mutex_unlock(m->raw_mutex());
  auto r = m->transfer(true, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::owner_dead);
  EXPECT_NE(r.error().message.find("ENOTRECOVERABLE"), std::string::npos) << r.error().message;
  EXPECT_EQ(m->read().error().code, Errc::owner_dead) << "for good";
}

// The remedy for a waker killed between its change and its broadcast: timed waits that re-check.
TEST(MonitorCrash, AWakerKilledBeforeItsBroadcastCostsAWaiterOnlyARecheck) {
  SKIP_WITHOUT_ROBUST_MUTEXES();
  const auto name = harness::unique_name("mon-waker");
  auto m = Monitor::create(name, kTotal);
  ASSERT_TRUE(m.ok());
  harness::SharedArray<std::atomic<std::uint64_t>> shared(2);  // [0] waiter result (Errc+1, 0 ok), [1] ops seen
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("waiter", [&](harness::ActorContext&) {
    MonitorOptions o;
    o.recheck_every = 20ms;
    auto w = Monitor::open(name, o);
    SHMC_ACTOR_CHECK(w.ok());
    auto r = w->wait_for_ops(1, Clock::now() + 5s);
    shared[0].store(r.ok() ? 0 : static_cast<std::uint64_t>(r.error().code) + 1);
    if (r.ok()) shared[1].store(r->record.ops);
    return 0;
  });
  actors.add("waker", [&](harness::ActorContext&) {
    auto w = Monitor::open(name);
    SHMC_ACTOR_CHECK(w.ok());
    SHMC_ACTOR_CHECK(w->transfer(true, 10).ok());
    return 0;
  }, harness::CrashAt{"monitor/transfer/committed", 1});
  auto outcomes = actors.run(20s);
  ASSERT_TRUE(harness::all_ok_or_planned_kill(outcomes)) << harness::describe(outcomes);
  ASSERT_TRUE(outcomes[1].killed_by_plan());
  EXPECT_EQ(shared[0].load(), 0u) << "the waiter saw the change without the broadcast";
  EXPECT_EQ(shared[1].load(), 1u);
}

// Several processes transfer back and forth; a reader checks the invariant throughout.
TEST(MonitorConcurrent, TheInvariantHoldsUnderContention) {
  const auto name = harness::unique_name("mon-conc");
  auto m = Monitor::create(name, kTotal);
  ASSERT_TRUE(m.ok());
  harness::SharedArray<std::atomic<std::uint64_t>> done(1);
  harness::Actors actors;
  for (int i = 0; i < 3; ++i) {
    actors.add("mover-" + std::to_string(i), [&, i](harness::ActorContext&) {
      auto w = Monitor::open(name);
      SHMC_ACTOR_CHECK(w.ok());
      for (int k = 0; k < 2000; ++k) SHMC_ACTOR_CHECK(w->transfer((k + i) % 2 == 0, 7).ok());
      done[0].fetch_add(1);
      return 0;
    });
  }
  actors.add("checker", [&](harness::ActorContext& ctx) {
    auto w = Monitor::open(name);
    SHMC_ACTOR_CHECK(w.ok());
    while (done[0].load() < 3 && std::chrono::steady_clock::now() < ctx.deadline() - 1s) {
      auto v = w->read();
      SHMC_ACTOR_CHECK(v.ok() && invariant(v->record));
    }
    return 0;
  });
  auto outcomes = actors.run(30s);
  ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
  EXPECT_TRUE(invariant(m->read()->record));
}

}  // namespace
}  // namespace shmc::monitor
