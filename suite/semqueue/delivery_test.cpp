// Several producers and consumers as processes (threads under TSan), no
// kill: every variant must deliver everything exactly once, uncorrupted, in
// per-producer order (harness/check/delivery.hpp judges the history).
#include <gtest/gtest.h>

#include "suite/semqueue/queue_variants.hpp"
#include "suite/semqueue/typed_variants.hpp"
#include "suite/semqueue/trial.hpp"

namespace {

using namespace shmc::semqueue::test;

template <class V>
class SemQueueDelivery : public ::testing::Test {};
TYPED_TEST_SUITE(SemQueueDelivery, AllVariants, VariantNames);

TYPED_TEST(SemQueueDelivery, ManyProducersAndConsumersLoseNothing) {
  TrialPlan plan;
  plan.capacity = 8;
  plan.items_per_producer = 2000;
  plan.op_bound = std::chrono::seconds(5);  // nothing should ever wait this long
  const TrialResult r = run_trial<TypeParam>(plan);
  EXPECT_TRUE(r.clean()) << r.describe();
  EXPECT_EQ(r.delivery.delivered, static_cast<std::size_t>(TypeParam::kProducers) * plan.items_per_producer)
      << r.describe();
}

TYPED_TEST(SemQueueDelivery, ARingOfOneStillDeliversEverything) {
  TrialPlan plan;
  plan.capacity = 1;
  plan.items_per_producer = 100;
  plan.op_bound = std::chrono::seconds(5);
  const TrialResult r = run_trial<TypeParam>(plan);
  EXPECT_TRUE(r.clean()) << r.describe();
}

}  // namespace
