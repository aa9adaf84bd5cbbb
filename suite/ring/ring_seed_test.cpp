// The seed's exercise (seeds/000, exercise 1), done on the robust ring:
// 3 producer processes write 100 messages each, one consumer reads them all;
// all 300 arrive, none corrupted, none twice, each producer's in order.
#include <gtest/gtest.h>

#include "suite/ring/ring_workload.hpp"

namespace shmc::ring::testing {
namespace {

TEST(RingSeedExercise, ThreeProducersOneConsumerAll300Delivered) {
  WorkloadPlan plan;
  plan.producers = 3;
  plan.consumers = 1;
  plan.messages_per_producer = 100;
  plan.capacity = 16;
  const auto result = run_workload<Variant::robust>(plan);
  ASSERT_TRUE(result.clean()) << result.describe();
  EXPECT_TRUE(harness::all_ok(result.outcomes)) << result.describe();
  EXPECT_EQ(result.delivery.pushes_acked, 300u);
  EXPECT_EQ(result.delivery.delivered, 300u) << result.describe();
  EXPECT_TRUE(result.remaining.empty()) << "the consumer stopped before reading everything";
  EXPECT_EQ(result.stats.skipped + result.stats.abandoned, 0u);
}

}  // namespace
}  // namespace shmc::ring::testing
