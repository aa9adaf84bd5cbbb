// The robust campaign is a test only if it can fail: this binary links the
// robust queue built with a planted bug (a message is published before it is
// written: fixtures/semqueue/CMakeLists.txt, shmc_semqueue_planted) and checks
// that the very trials the real queue passes report the damage.
#include <gtest/gtest.h>

#include "shmconform/harness/actors.hpp"
#include "suite/semqueue/queue_variants.hpp"
#include "suite/semqueue/trial.hpp"

namespace {

using namespace shmc::semqueue::test;

TEST(SemQueuePlanted, CampaignCatchesAMessagePublishedBeforeItIsWritten) {
  if (!shmc::harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  int caught = 0;
  for (std::uint32_t hit : {1u, 2u, 3u}) {
    TrialPlan plan;
    plan.point = "semqueue/robust/push/copied";
    plan.hit = hit;
    plan.op_bound = std::chrono::seconds(3);
    const TrialResult r = run_trial<RobustVariant>(plan);
    EXPECT_TRUE(r.fired) << r.describe();
    if (!r.clean()) ++caught;
    std::printf("[ PLANTED  ] hit %u: %s\n", hit, r.clean() ? "not caught" : r.finding().c_str());
  }
  EXPECT_EQ(caught, 3) << "the campaign must report the planted bug at every hit";
}

}  // namespace
