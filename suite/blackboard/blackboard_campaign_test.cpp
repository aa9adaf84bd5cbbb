// The blackboard's crash campaigns (blackboard_subject.cpp, docs/blackboard.md "Campaign"), one gtest per trial:
// seqlock: every publish and claim point x hits 1..3 with a second publisher and two subscribers running,
// the repair point after a breaker died mid-publish, seeded random kills; every trial ok.
// recheck_before_copy (planted): a race, so no single trial must catch it; of a few concurrent runs
// (no crash) one must end corrupted. The `long` binary: hits 1..10 and 60 random kills.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(BlackboardSeqlockLong, "blackboard:seqlock", shmc::campaign::CampaignOptions::long_run());
#else
#include <gtest/gtest.h>

SHMC_CAMPAIGN_TESTS(BlackboardSeqlock, "blackboard:seqlock");
SHMC_CAMPAIGN_TESTS_WITH(BlackboardRecheckBeforeCopy, "blackboard:recheck_before_copy",
                         (shmc::campaign::CampaignOptions{.hits = 1, .random_kills = 0}));

namespace shmc::campaign {
namespace {

TEST(BlackboardPlantedReader, OneOfTwentyConcurrentRunsReturnsATornValue) {
  const SubjectVariant* v = find_subject("blackboard:recheck_before_copy");
  ASSERT_NE(v, nullptr);
  std::string seen;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const TrialResult r = run_plan(*v, concurrent_plan(*v, "", seed), false);
    seen += std::string(" ") + to_string(r.verdict.kind);
    if (r.verdict.kind == VerdictKind::corrupted || r.verdict.kind == VerdictKind::not_linearizable) {
      SUCCEED() << "run " << seed << ": " << r.verdict.summary;
      return;
    }
    ASSERT_EQ(r.verdict.kind, VerdictKind::ok) << r.verdict.summary;
  }
  FAIL() << "the planted reader never tore in 20 concurrent runs:" << seen;
}

}  // namespace
}  // namespace shmc::campaign
#endif
