// The seed's exercise (seeds/000, exercise 1), done on the robust ring:
// 3 producer processes write 100 messages each, one consumer reads them all;
// all 300 arrive, none corrupted, none twice, each producer's in order.
#include <gtest/gtest.h>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/queue_model.hpp"

namespace shmc::ring::testing {
namespace {

TEST(RingSeedExercise, ThreeProducersOneConsumerAll300Delivered) {
  const auto* ring = campaign::find_subject("ring:robust");
  ASSERT_NE(ring, nullptr);
  const auto r = campaign::run_plan(*ring, campaign::concurrent_plan(*ring, "shape-3-1-100-16", 1));
  ASSERT_TRUE(r.verdict.ok()) << r.verdict.summary << "\n" << r.verdict.detail;
  EXPECT_TRUE(harness::all_ok(r.outcomes)) << harness::describe(r.outcomes);
  std::size_t pushed = 0, delivered = 0;
  for (const auto& op : r.history) {
    pushed += op.code == check::queue::kPush && !op.pending && op.status == check::queue::kOk;
    delivered += op.code == check::queue::kPop && !op.pending && op.status == check::queue::kOk;
  }
  EXPECT_EQ(pushed, 300u);
  EXPECT_EQ(delivered, 300u);
  EXPECT_TRUE(r.remaining.empty()) << "the consumer stopped before reading everything";
}

}  // namespace
}  // namespace shmc::ring::testing
