// Several producers and consumers as processes (threads under TSan), no
// kill: every variant must deliver everything exactly once, uncorrupted, in
// per-producer order (the campaign engine runs the subject, semqueue_subject.cpp,
// and judges the history with the delivery and linearizability checkers).
#include <gtest/gtest.h>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/queue_model.hpp"

namespace {

using namespace shmc;

class SemQueueDelivery : public ::testing::TestWithParam<const char*> {};

std::size_t delivered(const campaign::TrialResult& r) {
  std::size_t n = r.remaining.size();
  for (const auto& op : r.history) n += op.code == check::queue::kPop && !op.pending && op.status == check::queue::kOk;
  return n;
}

TEST_P(SemQueueDelivery, ManyProducersAndConsumersLoseNothing) {
  const auto* v = campaign::find_subject(std::string("semqueue:") + GetParam());
  ASSERT_NE(v, nullptr);
  const auto r = campaign::run_plan(*v, campaign::concurrent_plan(*v, "shape-2000-8", 1));
  EXPECT_TRUE(r.verdict.ok()) << r.verdict.summary << "\n" << r.verdict.detail;
  std::size_t producers = 0;
  for (const auto& a : campaign::concurrent_plan(*v, "shape-1-8", 1).actors) producers += a.role == "producer";
  EXPECT_EQ(delivered(r), producers * 2000);
}

TEST_P(SemQueueDelivery, ARingOfOneStillDeliversEverything) {
  const auto* v = campaign::find_subject(std::string("semqueue:") + GetParam());
  ASSERT_NE(v, nullptr);
  const auto r = campaign::run_plan(*v, campaign::concurrent_plan(*v, "shape-100-1", 1));
  EXPECT_TRUE(r.verdict.ok()) << r.verdict.summary << "\n" << r.verdict.detail;
}

// Every variant, the planted one too: without a kill its bug does no harm.
INSTANTIATE_TEST_SUITE_P(Variants, SemQueueDelivery,
                         ::testing::Values("named", "unnamed", "named_slot", "robust", "early_publish"),
                         [](const auto& info) { return std::string(info.param); });

}  // namespace
