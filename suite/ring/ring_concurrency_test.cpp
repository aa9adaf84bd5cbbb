// Multi-process properties: random small plans (producers, consumers, items,
// capacity), every operation in a history log, judged by the delivery checker
// and the linearizability checker against a bounded FIFO. Windows are short
// (at most 3 x 12 pushes) so the search stays cheap.
//
// Vyukov's ring may answer full or empty while a peer is between claim and
// publish, so the model's full and empty are lenient: they may be no-ops at
// any time. Order, loss, duplication and invented items are still exact.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "shmconform/check/delivery.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/queue_model.hpp"
#include "suite/ring/ring_workload.hpp"

namespace shmc::ring::testing {
namespace {

template <Variant V>
void plan_is_linearizable() {
  WorkloadPlan plan;
  plan.producers = *rc::gen::inRange<std::uint32_t>(1, 4);
  plan.consumers = *rc::gen::inRange<std::uint32_t>(1, 3);
  plan.messages_per_producer = *rc::gen::inRange<std::uint32_t>(1, 13);
  plan.capacity = 1u << *rc::gen::inRange<std::uint32_t>(1, 4);
  plan.run_timeout = std::chrono::milliseconds(20000);
  const auto result = run_workload<V>(plan);
  RC_LOG() << result.describe();
  RC_ASSERT(result.clean());
  RC_ASSERT(harness::all_ok(result.outcomes));
  check::queue::Options model_options;
  model_options.capacity = plan.capacity;
  model_options.strict_full = false;
  model_options.strict_empty = false;
  const auto verdict = check::check_linearizable(result.history, check::queue::Model(model_options));
  RC_LOG() << verdict.report;
  RC_ASSERT(verdict.ok());
}

RC_GTEST_PROP(RingConcurrency, RobustRingHistoriesAreLinearizable, ()) { plan_is_linearizable<Variant::robust>(); }

RC_GTEST_PROP(RingConcurrency, NonRobustRingHistoriesAreLinearizable, ()) {
  plan_is_linearizable<Variant::non_robust>();
}

// The checks can fail: a consumer killed holding an item takes it with it
// (docs/ring.md); its pending pop is what accounts for the item. Without that
// pop in the history, the delivery checker must report the item missing.
TEST(RingConcurrency, DeliveryCheckSeesTheItemADeadConsumerTook) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  WorkloadPlan plan;
  plan.producers = 1;
  plan.consumers = 2;
  plan.messages_per_producer = 20;
  plan.capacity = 4;
  plan.consumer_crash = {harness::CrashAt{"ring/pop/copied", 3}};
  plan.others_wait_for_first_consumer = true;
  const auto result = run_workload<Variant::robust>(plan);
  ASSERT_TRUE(result.clean()) << result.describe();
  ASSERT_EQ(result.delivery.pops_pending, 1u) << result.describe();
  check::History without_pending;
  for (const auto& op : result.history)
    if (!op.pending) without_pending.push_back(op);
  check::delivery::Options options;
  options.remaining = result.remaining;
  const auto report = check::delivery::check_delivery(without_pending, options);
  EXPECT_FALSE(report.ok()) << "an item vanished with its consumer and nobody noticed";
  EXPECT_EQ(report.missing, 1u) << report.text();
}

}  // namespace
}  // namespace shmc::ring::testing
