// Multi-process properties: random small shapes (producers, consumers, items,
// capacity) of the ring subject (ring_subject.cpp), run by the campaign engine:
// every operation in a history log, judged by the delivery checker and the
// linearizability checker against a bounded FIFO. Windows are short (at most
// 3 x 12 pushes) so the search stays cheap.
//
// Vyukov's ring may answer full or empty while a peer is between claim and
// publish, so the model's full and empty are lenient: they may be no-ops at
// any time. Order, loss, duplication and invented items are still exact.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/delivery.hpp"

namespace shmc::ring::testing {
namespace {

void shape_is_linearizable(const char* variant_id) {
  const auto* variant = campaign::find_subject(variant_id);
  RC_ASSERT(variant != nullptr);
  const auto producers = *rc::gen::inRange<std::uint32_t>(1, 4);
  const auto consumers = *rc::gen::inRange<std::uint32_t>(1, 3);
  const auto items = *rc::gen::inRange<std::uint32_t>(1, 13);
  const auto capacity = 1u << *rc::gen::inRange<std::uint32_t>(1, 4);
  const std::string profile = "shape-" + std::to_string(producers) + "-" + std::to_string(consumers) + "-" +
                              std::to_string(items) + "-" + std::to_string(capacity);
  const auto r = campaign::run_plan(*variant, campaign::concurrent_plan(*variant, profile, 7));
  RC_LOG() << profile << ": " << r.verdict.summary << "\n" << r.verdict.detail;
  RC_ASSERT(r.verdict.ok());
  RC_ASSERT(harness::all_ok(r.outcomes));
}

RC_GTEST_PROP(RingConcurrency, RobustRingHistoriesAreLinearizable, ()) { shape_is_linearizable("ring:robust"); }

RC_GTEST_PROP(RingConcurrency, NonRobustRingHistoriesAreLinearizable, ()) { shape_is_linearizable("ring:non_robust"); }

// The checks can fail: a consumer killed holding an item takes it with it
// (docs/ring.md); its pending pop is what accounts for the item. Without that
// pop in the history, the delivery checker must report the item missing.
TEST(RingConcurrency, DeliveryCheckSeesTheItemADeadConsumerTook) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  const auto* ring = campaign::find_subject("ring:robust");
  ASSERT_NE(ring, nullptr);
  auto plan = campaign::concurrent_plan(*ring, "shape-1-2-20-4", 1);
  ASSERT_EQ(plan.actors.size(), 3u);
  plan.actors[1].crash = harness::CrashAt{"ring/pop/copied", 3};
  plan.actors[2].waits_for = 1;  // consumer-0 pops alone until it dies, so it surely reaches its third pop
  const auto r = campaign::run_plan(*ring, plan);
  ASSERT_TRUE(r.verdict.ok()) << r.verdict.summary << "\n" << r.verdict.detail;
  check::delivery::Options options;
  options.remaining = r.remaining;
  ASSERT_EQ(check::delivery::check_delivery(r.history, options).pops_pending, 1u);
  check::History without_pending;
  for (const auto& op : r.history)
    if (!op.pending) without_pending.push_back(op);
  const auto report = check::delivery::check_delivery(without_pending, options);
  EXPECT_FALSE(report.ok()) << "an item vanished with its consumer and nobody noticed";
  EXPECT_EQ(report.missing, 1u) << report.text();
}

}  // namespace
}  // namespace shmc::ring::testing
