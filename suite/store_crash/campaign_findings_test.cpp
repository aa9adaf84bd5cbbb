// Store campaigns (issue 12) through the engine: every planted bug and every structure declared not
// crash-safe is caught by its store trials alone (no crash point armed), a survivor blocked after a
// store death is survivor_stuck naming the crash state and what it was doing (the liveness property),
// and Boost's hang replays from its printed line. Each stops at its first finding.
#include <gtest/gtest.h>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace shmc::campaign {
namespace {

#define SHMC_REQUIRE_STORE_TRIALS()                                                                   \
  do {                                                                                                \
    if (!harness::store_trap::support().available || harness::default_actor_mode() != harness::ActorMode::processes) \
      GTEST_SKIP() << "store traps unsupported here: " << harness::store_trap::support().reason;     \
  } while (0)

std::vector<TrialSpec> store_trials(const SubjectVariant& v) {
  std::vector<TrialSpec> out;
  for (auto& t : plan_trials(v, CampaignOptions{.hits = 0, .random_kills = 0}))
    if (t.family == "store") out.push_back(std::move(t));
  return out;
}

// The first store trial of `id` whose verdict is one of `finding`; every trial before it must be as expected.
std::optional<std::pair<TrialSpec, TrialResult>> first_finding(const char* id, VerdictSet finding) {
  const SubjectVariant* v = find_subject(id);
  EXPECT_NE(v, nullptr) << id;
  if (v == nullptr) return std::nullopt;
  const auto trials = store_trials(*v);
  EXPECT_FALSE(trials.empty()) << id << " has no store trials";
  for (const auto& t : trials) {
    TrialResult r = run_plan(*v, t.plan);
    if (r.verdict.kind == VerdictKind::not_reached) continue;  // the interleaving chose a shorter path
    EXPECT_TRUE(expected(*v, t, r.verdict)) << id << " " << t.label << ": " << to_string(r.verdict.kind) << ": "
                                            << r.verdict.summary;
    if (finding.contains(r.verdict.kind)) return std::make_pair(t, std::move(r));
  }
  return std::nullopt;
}

TEST(StoreCampaigns, CatchEveryPlantedBugWithoutCrashPoints) {
  SHMC_REQUIRE_STORE_TRIALS();
  const std::vector<std::pair<const char*, VerdictSet>> planted = {
      {"ring:non_robust", {VerdictKind::survivor_stuck}},
      {"map:plain_spin", {VerdictKind::survivor_stuck}},
      {"map:no_rollback", {VerdictKind::corrupted, VerdictKind::lost, VerdictKind::not_linearizable}},
      {"semqueue:early_publish", {VerdictKind::corrupted, VerdictKind::lost, VerdictKind::not_linearizable}},
      {"semqueue:named", {VerdictKind::survivor_stuck, VerdictKind::lost}},
      {"semqueue:unnamed", {VerdictKind::survivor_stuck, VerdictKind::lost}},
      {"semqueue:named_slot", {VerdictKind::survivor_stuck, VerdictKind::lost}},
      {"boost.message_queue", {VerdictKind::survivor_stuck}},
  };
  for (const auto& [id, kinds] : planted) {
    const auto f = first_finding(id, kinds);
    ASSERT_TRUE(f.has_value()) << id << ": no store trial found " << kinds.describe();
    std::printf("[ FINDING  ] %s %s: %s: %s\n", id, f->first.label.c_str(), to_string(f->second.verdict.kind),
                f->second.verdict.summary.c_str());
  }
}

// The liveness property after a store death: the blocked survivor is named with the crash state it
// followed and what it was doing, within its bound (not at the run's deadline).
TEST(StoreCampaigns, ASurvivorBlockedAfterAStoreDeathNamesTheCrashStateAndItsOperation) {
  SHMC_REQUIRE_STORE_TRIALS();
  const auto f = first_finding("ring:non_robust", {VerdictKind::survivor_stuck});
  ASSERT_TRUE(f.has_value());
  const std::string& s = f->second.verdict.summary;
  EXPECT_NE(s.find("stuck at op "), std::string::npos) << s;
  EXPECT_NE(s.find("died: crash before store "), std::string::npos) << s;
  EXPECT_NE(s.find(" of op 0"), std::string::npos) << s;
  EXPECT_LT(f->second.wall, std::chrono::seconds(10)) << "the survivor's own bound, not the run's 30 s deadline";
  const auto g = first_finding("boost.message_queue", {VerdictKind::survivor_stuck});
  ASSERT_TRUE(g.has_value());
  EXPECT_NE(g->second.verdict.summary.find("still inside Boost"), std::string::npos) << g->second.verdict.summary;
}

// A crash-safe structure: every sampled store trial ends ok.
TEST(StoreCampaigns, TheRobustRingSurvivesEveryStoreDeathOfPushAndPop) {
  SHMC_REQUIRE_STORE_TRIALS();
  const SubjectVariant* v = find_subject("ring:robust");
  ASSERT_NE(v, nullptr);
  const auto cover = store_coverage(*v, CampaignOptions{});
  ASSERT_EQ(cover.size(), 2u);
  for (const auto& c : cover) {
    EXPECT_TRUE(c.error.empty()) << c.describe();
    EXPECT_EQ(c.tried, c.stores) << c.describe();
  }
  for (const auto& t : store_trials(*v)) {
    const TrialResult r = run_plan(*v, t.plan);
    EXPECT_EQ(r.verdict.kind, VerdictKind::ok) << t.label << ": " << r.verdict.summary;
  }
}

TEST(StoreCampaigns, BoostsHangReplaysFromItsLine) {
  SHMC_REQUIRE_STORE_TRIALS();
  std::vector<std::string> args = {"replay", "boost.message_queue", "--trial", "store_sender_push_op0_before2",
                                   "--times", "1"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  EXPECT_EQ(replay_main(static_cast<int>(argv.size()), argv.data()), 0);
}

TEST(StoreCampaigns, SamplingKeepsTheFirstAndLastStore) {
  SHMC_REQUIRE_STORE_TRIALS();
  const SubjectVariant* v = find_subject("semqueue:robust");
  ASSERT_NE(v, nullptr);
  std::set<std::uint32_t> ks;
  for (const auto& t : plan_trials(*v, CampaignOptions{.hits = 0, .random_kills = 0, .stores = 4}))
    if (t.family == "store" && t.id.find("_push_") != std::string::npos) ks.insert(t.hit);
  const auto cover = store_coverage(*v, CampaignOptions{.stores = 4});
  ASSERT_FALSE(cover.empty());
  EXPECT_EQ(ks.size(), 4u);
  EXPECT_EQ(*ks.begin(), 1u);
  EXPECT_EQ(*ks.rbegin(), cover.front().stores) << cover.front().describe();
}

}  // namespace
}  // namespace shmc::campaign
