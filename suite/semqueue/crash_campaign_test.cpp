// Crash campaigns: every crash point of a variant x every hit, and random
// SIGKILLs, with producers and consumers as processes.
//
// Textbook variants (named, unnamed, single slot): every kill inside their
// protocol is expected to do harm; the test passes when the harm is
// reproduced and recorded as a finding ("not crash-safe: stuck after a kill
// at <point>"). A kill while holding the mutex semaphore must leave peers
// stuck. The robust variant must come out of every trial with nothing lost.
#include <gtest/gtest.h>

#include <random>

#include "shmconform/harness/actors.hpp"
#include "suite/semqueue/campaign.hpp"
#include "suite/semqueue/queue_variants.hpp"
#include "suite/semqueue/typed_variants.hpp"
#include "suite/semqueue/trial.hpp"

namespace {

using namespace shmc::semqueue::test;
using shmc::harness::crash_injection_available;

bool holds_the_mutex(const std::string& point) {
  for (const char* step : {"/got_mutex", "/slot_written", "/tail_advanced", "/slot_read", "/head_advanced"})
    if (point.find(step) != std::string::npos) return true;
  // The single slot's reader holds the only permit the writer can get: killing it leaves the writer stuck.
  // (Killing the only writer leaves the slot with no permit at all, empty=0 full=0: "lost a slot".)
  return point.find("semqueue/slot/read/") == 0;
}

template <class V>
void run_point_campaign(const CampaignSize& size) {
  const auto points = points_of(V::kPointPrefix);
  ASSERT_FALSE(points.empty()) << "no crash points under " << V::kPointPrefix;
  int trials = 0, findings = 0;
  for (const auto& point : points) {
    const bool recovery = role_of_point(point) == Role::recovery;
    for (std::uint32_t hit : size.hits) {
      if (recovery && hit > 1) continue;  // staged: the recovering process dies at its first pass
      TrialPlan plan;
      plan.point = point;
      plan.hit = hit;
      if (V::kCrashSafe) plan.op_bound = std::chrono::seconds(3);  // only a real hang reaches it
      const TrialResult r = run_trial<V>(plan);
      ++trials;
      SCOPED_TRACE(r.describe());
      EXPECT_TRUE(r.fired) << "armed point did not fire: " << r.what;
      EXPECT_FALSE(r.broken) << r.describe();
      if (V::kCrashSafe) {
        EXPECT_TRUE(r.clean()) << V::kName << " must survive a kill at " << r.what << ":\n" << r.describe();
      } else {
        EXPECT_TRUE(r.finding_reproduced()) << "expected harm after a kill at " << r.what << ":\n" << r.describe();
        if (holds_the_mutex(point)) {
          EXPECT_TRUE(r.stuck) << "peers should be stuck after " << r.what;
        }
        if (r.finding_reproduced()) {
          ++findings;
          std::printf("[ FINDING  ] %s: %s\n", V::kName, r.finding().c_str());
        }
      }
    }
  }
  std::printf("[ CAMPAIGN ] %s: %zu points, %d trials, %d findings\n", V::kName, points.size(), trials, findings);
}

template <class V>
void run_random_kills(int trials, std::uint32_t seed) {
  std::mt19937 rng(seed);
  // The whole plan before any fork.
  std::vector<TrialPlan> plans;
  for (int i = 0; i < trials; ++i) {
    TrialPlan plan;
    plan.victim = static_cast<int>(rng() % static_cast<std::uint32_t>(V::kProducers + V::kConsumers));
    plan.kill_after = std::chrono::microseconds(rng() % 4000);
    if (V::kCrashSafe) plan.op_bound = std::chrono::seconds(3);
    plans.push_back(plan);
  }
  int findings = 0;
  for (const auto& plan : plans) {
    const TrialResult r = run_trial<V>(plan);
    SCOPED_TRACE(r.describe());
    EXPECT_FALSE(r.broken) << r.describe();
    if (V::kCrashSafe) {
      EXPECT_TRUE(r.clean()) << V::kName << " must survive " << r.what << " (seed " << seed << "):\n" << r.describe();
    } else if (!r.clean() && r.fired) {
      ++findings;
      std::printf("[ FINDING  ] %s: %s\n", V::kName, r.finding().c_str());
    }
  }
  std::printf("[ CAMPAIGN ] %s: %d random SIGKILLs (seed %u), %d findings\n", V::kName, trials, seed, findings);
}

template <class V>
class SemQueueCrash : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  }
};
TYPED_TEST_SUITE(SemQueueCrash, AllVariants, VariantNames);

TYPED_TEST(SemQueueCrash, EveryCrashPointTimesEveryHit) {
  run_point_campaign<TypeParam>(long_campaign_requested() ? long_campaign() : default_campaign());
}

TYPED_TEST(SemQueueCrash, RandomSigkills) {
  const auto size = long_campaign_requested() ? long_campaign() : default_campaign();
  run_random_kills<TypeParam>(size.random_kills, 0x5e3c0de + static_cast<std::uint32_t>(size.random_kills));
}

}  // namespace
