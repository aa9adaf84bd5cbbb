// Real actors (processes, or threads in TSan builds) record their operations
// into a shared history log; the checkers then judge the run. A correct queue
// passes both checkers; each planted bug must fail both.
#include <gtest/gtest.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/check/counter_model.hpp"
#include "shmconform/check/delivery.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/queue_model.hpp"
#include "shmconform/history/history_log.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/check/test_queue.hpp"

namespace shmc::check {
namespace {

using namespace std::chrono_literals;
using testing::Bug;
using testing::TestQueue;

constexpr int kProducers = 2, kConsumers = 2;
constexpr std::uint32_t kPushes = 120, kPops = 90;

struct QueueRun {
  History history;
  std::uint64_t bug_fired = 0;
  std::string outcomes;
  bool actors_ok = false;
};

QueueRun run_queue(Bug bug) {
  harness::SharedArray<TestQueue> q(1);
  q[0].bug = static_cast<std::uint32_t>(bug);
  const int drain = kProducers + kConsumers;  // the test thread records its drain as one more actor
  auto log = history::HistoryLog::create(harness::unique_name("qhist"), drain + 1, 2 * (kPushes + kPops) + 64);
  if (!log) throw std::runtime_error(log.error().describe());
  harness::Actors actors;
  for (int p = 0; p < kProducers; ++p)
    actors.add("producer-" + std::to_string(p), [&, p](harness::ActorContext& ctx) {
      auto rec = log->recorder(ctx.index());
      for (std::uint32_t s = 0; s < kPushes; ++s) {
        const auto w = delivery::encode(delivery::make_item(static_cast<std::uint32_t>(p), s));
        SHMC_ACTOR_CHECK(rec.invoke(queue::kPush, w[0], w[1]).ok());
        const bool ok = q[0].push(w[0], w[1], ctx.deadline());
        SHMC_ACTOR_CHECK(rec.complete(ok ? queue::kOk : queue::kFull).ok());
      }
      return 0;
    });
  for (int c = 0; c < kConsumers; ++c)
    actors.add("consumer-" + std::to_string(c), [&](harness::ActorContext& ctx) {
      auto rec = log->recorder(ctx.index());
      for (std::uint32_t i = 0; i < kPops; ++i) {
        SHMC_ACTOR_CHECK(rec.invoke(queue::kPop).ok());
        auto item = q[0].pop(ctx.deadline());
        SHMC_ACTOR_CHECK((item ? rec.complete(queue::kOk, (*item)[0], (*item)[1]) : rec.complete(queue::kEmpty)).ok());
      }
      return 0;
    });
  QueueRun run;
  auto outcomes = actors.run(20s);
  run.actors_ok = harness::all_ok(outcomes);
  run.outcomes = harness::describe(outcomes);
  // Drain until a recorded empty pop, so a lost item is observable by the linearizability checker too.
  auto rec = log->recorder(drain);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  for (std::uint64_t i = 0; i <= 2 * TestQueue::kCapacity; ++i) {
    if (!rec.invoke(queue::kPop).ok()) break;
    auto item = q[0].pop(deadline);
    (void)(item ? rec.complete(queue::kOk, (*item)[0], (*item)[1]) : rec.complete(queue::kEmpty));
    if (!item) break;
  }
  auto h = log->collect();
  if (!h) throw std::runtime_error(h.error().describe());
  run.history = std::move(h).value();
  run.bug_fired = q[0].bug_fired.load();
  return run;
}

const queue::Model kModel({.capacity = TestQueue::kCapacity});

TEST(RecordedActors, CorrectQueuePassesBothCheckers) {
  QueueRun run = run_queue(Bug::none);
  ASSERT_TRUE(run.actors_ok) << run.outcomes;
  ASSERT_GT(run.history.size(), std::size_t{kProducers * kPushes + kConsumers * kPops});  // plus the drain
  auto lin = check_linearizable(run.history, kModel);
  EXPECT_TRUE(lin.ok()) << lin.report;
  auto del = delivery::check_delivery(run.history);
  EXPECT_TRUE(del.ok()) << del.text();
  EXPECT_GT(del.delivered, 0u);
}

// The bug fires only when a pop finds two or more items; rounds repeat (a
// bounded number of times) until it has fired, and every round must agree:
// the checkers fail exactly when the bug fired.
void expect_caught(Bug bug, const std::string& delivery_kind) {
  bool fired = false;
  for (int round = 0; round < 5 && !fired; ++round) {
    QueueRun run = run_queue(bug);
    ASSERT_TRUE(run.actors_ok) << run.outcomes;
    auto lin = check_linearizable(run.history, kModel);
    auto del = delivery::check_delivery(run.history);
    fired = run.bug_fired > 0;
    EXPECT_EQ(lin.ok(), !fired) << lin.report;
    EXPECT_EQ(del.ok(), !fired) << del.text();
    if (fired) {
      EXPECT_NE(lin.report.find("NOT LINEARIZABLE"), std::string::npos);
      bool kind = false;
      for (const auto& p : del.problems) kind = kind || p.rfind(delivery_kind, 0) == 0;
      EXPECT_TRUE(kind) << del.text();
    }
  }
  EXPECT_TRUE(fired) << "the planted bug never fired in 5 rounds: the test proves nothing";
}

TEST(RecordedActors, PlantedLossIsCaught) { expect_caught(Bug::skip_item, "loss"); }
TEST(RecordedActors, PlantedDuplicateIsCaught) { expect_caught(Bug::pop_twice, "duplicate"); }

// A lock-free counter with one actor SIGKILLed mid-run: its last fetch_add is
// pending and may or may not have counted; the history must still check.
TEST(RecordedActors, KilledActorLeavesACheckablePendingOperation) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "no crash plans in this build";
  harness::SharedArray<std::atomic<std::uint64_t>> counter(1);
  static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
  auto log = history::HistoryLog::create(harness::unique_name("chist"), 4, 1u << 16);
  ASSERT_TRUE(log.ok()) << log.error().describe();
  harness::Actors actors;
  for (int a = 0; a < 3; ++a)
    actors.add("adder-" + std::to_string(a), [&](harness::ActorContext& ctx) {
      auto rec = log->recorder(ctx.index());
      for (int i = 0; i < 3000; ++i) {
        SHMC_ACTOR_CHECK(rec.invoke(counter::kFetchAdd, 1).ok());
        const std::uint64_t prev = counter[0].fetch_add(1);
        SHMC_ACTOR_CHECK(rec.complete(counter::kOk, prev).ok());
      }
      return 0;
    }, a == 0 ? harness::CrashPlan{harness::KillAfter{300us}} : harness::CrashPlan{});
  auto outcomes = actors.run(20s);
  ASSERT_TRUE(harness::all_ok_or_planned_kill(outcomes)) << harness::describe(outcomes);
  auto rec = log->recorder(3);
  ASSERT_TRUE(rec.invoke(counter::kRead).ok());
  ASSERT_TRUE(rec.complete(counter::kOk, counter[0].load()).ok());
  auto h = log->collect();
  ASSERT_TRUE(h.ok()) << h.error().describe();
  auto lin = check_linearizable(*h, counter::Model());
  EXPECT_TRUE(lin.ok()) << lin.report;
  // The final read off by two must fail (the one pending add explains at most one).
  h->back().value[0] += 2;
  EXPECT_FALSE(check_linearizable(*h, counter::Model()).ok());
}

}  // namespace
}  // namespace shmc::check
