// The systematic crash campaign (suite/map/map_campaign.hpp): every map crash
// point x hits 1..K, K = campaign_hits() (3 by default, 8 in the `long`
// binary, SHMC_MAP_CAMPAIGN_HITS overrides). The plain-spinlock variant runs
// the same campaign and must fail with a bounded-wait report.
#include <gtest/gtest.h>

#include <cstdio>

#include "shmconform/harness/actors.hpp"
#include "suite/map/map_campaign.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map::testing {
namespace {

using Clock = std::chrono::steady_clock;

template <class Trial>
CampaignSummary run_campaign(const std::vector<std::string>& points, Trial trial) {
  CampaignSummary s;
  const auto t0 = Clock::now();
  for (const auto& point : points)
    for (std::uint32_t hit = 1; hit <= campaign_hits(); ++hit) {
      TrialOutcome o = trial(point, hit);
      ++s.trials;
      s.fired += o.fired;
      s.bounded_waits += o.bounded_wait;
      s.peer_took_over += o.peer_takeovers > 0;
      s.recovery_took_over += o.recovery_takeovers > 0;
      s.repaired += o.repairs > 0;
      if (!o.fired || !o.failures.empty()) s.failed.push_back(std::move(o));
    }
  s.wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  return s;
}

// The `long` binary's tests get their own suite name, so ctest lists both.
#if SHMC_MAP_CAMPAIGN_DEFAULT_HITS > 3
#define CAMPAIGN_SUITE MapCrashCampaignLong
#else
#define CAMPAIGN_SUITE MapCrashCampaign
#endif

#define SKIP_WITHOUT_CRASH_POINTS()                                                              \
  if (!harness::crash_injection_available())                                                   \
  GTEST_SKIP() << "this build compiles crash points out (SHMC_FAULT_INJECTION=OFF)"

TEST(CAMPAIGN_SUITE, EveryOperationPointAndHitLeavesARecoverableLinearizableMap) {
  SKIP_WITHOUT_CRASH_POINTS();
  const auto points = operation_points<Map>();
  ASSERT_GE(points.size(), 12u) << "the crash-point catalog lost map points: rebuild it";
  auto s = run_campaign(points, [](const std::string& p, std::uint32_t hit) {
    return run_operation_trial<Map>(p, hit, bounded_options(std::chrono::milliseconds(2000)));
  });
  std::printf("robust map campaign: %zu points x %u hits: %s", points.size(), campaign_hits(), s.describe().c_str());
  EXPECT_EQ(s.fired, s.trials) << "every armed point must fire";
  EXPECT_GT(s.peer_took_over, 0u) << "the concurrent peer should meet a dead holder's lock in some trials";
  EXPECT_TRUE(s.failed.empty()) << s.describe();
}

TEST(CAMPAIGN_SUITE, EveryRepairPointAndHitIsFinishedByTheNextTaker) {
  SKIP_WITHOUT_CRASH_POINTS();
  const auto points = repair_points();
  ASSERT_GE(points.size(), 5u) << "the crash-point catalog lost map/repair points: rebuild it";
  auto s = run_campaign(points, [](const std::string& p, std::uint32_t hit) {
    return run_repair_trial<Map>(p, hit, bounded_options(std::chrono::milliseconds(2000)));
  });
  std::printf("repair campaign: %zu points x %u hits: %s", points.size(), campaign_hits(), s.describe().c_str());
  EXPECT_EQ(s.fired, s.trials) << "every armed point must fire";
  EXPECT_TRUE(s.failed.empty()) << s.describe();
}

// The planted bug: the seed's exchange spinlock. A holder killed inside its
// critical section leaves its bucket locked forever; the campaign must say so
// with a bounded-wait (timed out) report in every trial, never hang.
TEST(CAMPAIGN_SUITE, PlainSpinlockVariantFailsTheSameCampaignWithABoundedWaitReport) {
  SKIP_WITHOUT_CRASH_POINTS();
  const auto points = operation_points<PlainSpinMap>();
  ASSERT_GE(points.size(), 10u);
  auto s = run_campaign(points, [](const std::string& p, std::uint32_t hit) {
    return run_operation_trial<PlainSpinMap>(p, hit, bounded_options(std::chrono::milliseconds(100)));
  });
  std::printf("plain spinlock campaign (expected to fail): %s", s.describe(1).c_str());
  EXPECT_EQ(s.fired, s.trials) << s.describe();
  EXPECT_EQ(s.bounded_waits, s.trials) << "every trial must end in a bounded-wait report:\n" << s.describe();
  EXPECT_EQ(s.failed.size(), s.trials) << "the campaign must fail every trial of the planted bug";
}

// The second planted bug: takeover works, rollback does not. A write killed
// between its two value words must show up as a torn value (or a history no
// sequential map explains) in some trial.
TEST(CAMPAIGN_SUITE, NoRollbackVariantFailsTheSameCampaignWithATornValue) {
  SKIP_WITHOUT_CRASH_POINTS();
  auto s = run_campaign(operation_points<NoRollbackMap>(), [](const std::string& p, std::uint32_t hit) {
    return run_operation_trial<NoRollbackMap>(p, hit, bounded_options(std::chrono::milliseconds(2000)));
  });
  std::printf("no-rollback campaign (expected to fail): %s", s.describe(1).c_str());
  EXPECT_EQ(s.fired, s.trials) << s.describe();
  EXPECT_EQ(s.bounded_waits, 0u) << "takeover still works in this variant";
  EXPECT_FALSE(s.failed.empty()) << "the campaign must catch a torn write that nobody rolled back";
}

}  // namespace
}  // namespace shmc::map::testing
