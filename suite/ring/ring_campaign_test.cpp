// The crash campaigns (docs/ring.md, "Campaigns"):
//  - systematic: every crash point of the ring, hits 1..K, on the robust ring:
//    every armed point fires, survivors finish within their progress bound,
//    the delivery checker finds nothing lost, duplicated or corrupted, and
//    nothing is left in /dev/shm;
//  - the same trials on the non-robust ring must jam: a survivor reports
//    itself stuck through its bounded wait. This is what proves the campaign
//    can see the bug the repair fixes;
//  - seeded random SIGKILLs of any actor, at any moment.
// Sizes: K = 3 and 8 random trials by default; K = 10 and 60 random trials in
// the `long` build of this file (SHMC_RING_CAMPAIGN_LONG). SHMC_RING_SEED picks
// the random campaign's seed (printed either way).
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>

#include "shmconform/harness/actors.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/queue_model.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/ring/ring_campaign.hpp"

namespace shmc::ring::testing {
namespace {

#if defined(SHMC_RING_CAMPAIGN_LONG)
constexpr std::uint32_t kHits = 10;
constexpr std::uint32_t kRandomTrials = 60;
#define RING_CAMPAIGN RingCampaignLong  // its own ctest names, next to the default-size ones
#else
constexpr std::uint32_t kHits = 3;
constexpr std::uint32_t kRandomTrials = 8;
#define RING_CAMPAIGN RingCampaign
#endif

std::uint64_t random_seed() {
  if (const char* s = std::getenv("SHMC_RING_SEED")) return std::strtoull(s, nullptr, 0);
  return 0x5eed0005;
}

std::string leaks() {
  auto left = harness::leftovers_with_prefix(harness::run_prefix());
  return left.empty() ? std::string{} : harness::join(left);
}

// The trial's history against a bounded FIFO whose full/empty may be spurious
// (Vyukov; and a skipped or abandoned slot holds capacity until it is passed).
// "" when linearizable; a search that runs out of budget is reported, not passed.
std::string linearizability_problem(const WorkloadResult& result, std::uint32_t capacity) {
  check::queue::Options options;
  options.capacity = capacity;
  options.strict_full = false;
  options.strict_empty = false;
  check::CheckOptions budget;
  budget.max_configurations = 2'000'000;
  const auto verdict = check::check_linearizable(result.history, check::queue::Model(options), budget);
  return verdict.ok() ? std::string{} : std::string(check::to_string(verdict.verdict)) + "\n" + verdict.report;
}

class RING_CAMPAIGN : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  }
};

TEST_F(RING_CAMPAIGN, RobustRingSurvivesADeathAtEveryCrashPoint) {
  const auto trials = systematic_trials(Variant::robust, kHits);
  ASSERT_FALSE(trials.empty()) << "no ring/ crash points in the catalog";
  const auto t0 = std::chrono::steady_clock::now();
  std::uint64_t repairs = 0;
  for (const Trial& trial : trials) {
    SCOPED_TRACE(trial.label);
    const auto result = run_workload<Variant::robust>(trial.plan);
    EXPECT_EQ(check_fired(trial, result), "") << result.describe();
    EXPECT_TRUE(result.clean()) << result.describe();
    EXPECT_EQ(linearizability_problem(result, trial.plan.capacity), "") << result.describe();
    EXPECT_EQ(leaks(), "");
    repairs += result.stats.skipped + result.stats.abandoned + result.stats.stamps_cleared;
  }
  std::printf("[ring campaign] robust: %zu trials (K = %u), %llu repairs, in %.1f s\n", trials.size(), kHits,
              static_cast<unsigned long long>(repairs),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  // Every trial kills a claimant that holds a stamp, so every trial needs at least one repair.
  EXPECT_GE(repairs, trials.size());
}

// Passes when the planted bug (no repair) is caught: in every trial some
// survivor stops at its progress bound and says it is stuck; for a dead
// producer, that survivor is a consumer.
TEST_F(RING_CAMPAIGN, NonRobustRingJamsAndTheBoundedWaitReportsIt) {
  const auto trials = systematic_trials(Variant::non_robust, 1);
  ASSERT_EQ(trials.size(), 6u) << "claimed, half_written/half_copied, written/copied for push and pop";
  for (Trial trial : trials) {
    SCOPED_TRACE(trial.label);
    trial.plan.progress_bound = std::chrono::milliseconds(300);
    const auto result = run_workload<Variant::non_robust>(trial.plan);
    EXPECT_EQ(check_fired(trial, result), "") << result.describe();
    ASSERT_TRUE(result.someone_stuck()) << "the non-robust ring did not jam:\n" << result.describe();
    if (trial.must_fire.front().first == "producer-0") {
      bool consumer_stuck = false;
      for (const auto& o : result.outcomes)
        consumer_stuck |= o.name.rfind("consumer", 0) == 0 && o.exit_code == kStuckExit &&
                          o.last_doing.rfind("stuck: pop stalled", 0) == 0;
      EXPECT_TRUE(consumer_stuck) << result.describe();
    }
    EXPECT_EQ(leaks(), "");
  }
}

TEST_F(RING_CAMPAIGN, RobustRingSurvivesRandomKills) {
  const std::uint64_t seed = random_seed();
  std::printf("[ring campaign] random kills, seed %#llx (set SHMC_RING_SEED to replay)\n",
              static_cast<unsigned long long>(seed));
  std::uint32_t killed = 0;
  for (const Trial& trial : random_kill_trials(seed, kRandomTrials)) {
    SCOPED_TRACE(trial.label);
    const auto result = run_workload<Variant::robust>(trial.plan);
    EXPECT_TRUE(result.clean()) << result.describe();
    EXPECT_EQ(linearizability_problem(result, trial.plan.capacity), "") << result.describe();
    for (const auto& o : result.outcomes) killed += o.end == harness::ActorOutcome::End::killed_on_timer;
    EXPECT_EQ(leaks(), "");
  }
  std::printf("[ring campaign] random kills: %u of %u trials killed their victim mid-run\n", killed, kRandomTrials);
  EXPECT_GE(killed, kRandomTrials / 2) << "most victims finished before their kill: the delays are too long to test anything";
}

}  // namespace
}  // namespace shmc::ring::testing
