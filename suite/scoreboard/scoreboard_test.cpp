// The scoreboard: claim/update/release, a full board, a monitor's view, a
// worker killed at every step of claim/update/release (its slot is reclaimed,
// never a live one's), and many workers with a monitor checking that no
// live worker's counter goes backwards and no slot has two live owners.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <set>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"

namespace shmc::scoreboard {
namespace {

using namespace std::chrono_literals;

TEST(Scoreboard, ClaimAddReleaseAndAFullBoardIsAClearError) {
  auto b = Scoreboard::create(harness::unique_name("sb"), 2);
  ASSERT_TRUE(b.ok()) << b.error().describe();
  auto w1 = b->claim();
  ASSERT_TRUE(w1.ok());
  auto w2 = b->claim();
  ASSERT_TRUE(w2.ok());
  EXPECT_NE(w1->slot(), w2->slot());
  auto full = b->claim();
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, Errc::already_exists);
  EXPECT_NE(full.error().message.find("full"), std::string::npos) << full.error().message;
  ASSERT_TRUE(w1->add(0, 5).ok());
  ASSERT_TRUE(w1->add(3, 2).ok());
  EXPECT_EQ(w1->add(kCounters, 1).error().code, Errc::invalid_argument);
  auto v = b->read_slot(w1->slot()).value();
  EXPECT_EQ(v.state, SlotView::State::held);
  EXPECT_EQ(v.counters[0], 5u);
  EXPECT_EQ(v.counters[3], 2u);
  EXPECT_EQ(v.gen % 2, 0u);
  const std::uint32_t freed = w1->slot();
  ASSERT_TRUE(w1->release().ok());
  EXPECT_EQ(b->read_slot(freed)->state, SlotView::State::free);
  auto w3 = b->claim();
  ASSERT_TRUE(w3.ok());
  EXPECT_EQ(w3->slot(), freed);
  EXPECT_FALSE(w3->reclaimed());
  EXPECT_EQ(b->read_slot(freed)->counters[0], 0u) << "a new tenure starts from zero";
  EXPECT_EQ(Scoreboard::create(harness::unique_name("sb"), 0).error().code, Errc::invalid_argument);
  EXPECT_EQ(b->read_slot(2).error().code, Errc::invalid_argument);
}

TEST(Scoreboard, AScribbledSlotCountIsRefusedAtOpen) {
  const auto name = harness::unique_name("sb");
  auto b = Scoreboard::create(name, 4);
  ASSERT_TRUE(b.ok());
  reinterpret_cast<BoardHeader*>(b->segment().payload())->slot_count = 5;
  EXPECT_EQ(Scoreboard::open(name).error().code, Errc::corrupt);
  reinterpret_cast<BoardHeader*>(b->segment().payload())->slot_count = 4;
  EXPECT_EQ(BarePidScoreboard::open(name).error().code, Errc::wrong_kind) << "owner words of another kind";
}

// Model: per slot, the counters are the sums of what its worker added.
RC_GTEST_PROP(ScoreboardModel, CountersAreTheSumsOfTheAdds, ()) {
  const auto adds = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange(0, 100)));
  auto b = Scoreboard::create(harness::unique_name("sb-model"), 1);
  RC_ASSERT(b.ok());
  auto w = b->claim();
  RC_ASSERT(w.ok());
  std::uint64_t model[kCounters] = {};
  for (auto [c, d] : adds) {
    RC_ASSERT(w->add(static_cast<std::uint32_t>(c), static_cast<std::uint64_t>(d)).ok());
    model[c] += static_cast<std::uint64_t>(d);
    auto v = b->read_slot(0);
    for (std::uint32_t i = 0; i < kCounters; ++i) RC_ASSERT(v->counters[i] == model[i]);
  }
}

class ScoreboardCrash : public ::testing::TestWithParam<const char*> {};

// A worker dies at the point; the board has one slot, so the next claim must reclaim it.
TEST_P(ScoreboardCrash, ADeadWorkersSlotIsReclaimed) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  const auto name = harness::unique_name("sb-crash");
  auto b = Scoreboard::create(name, 1);
  ASSERT_TRUE(b.ok());
  auto died = harness::run_in_child(
      "worker",
      [&](harness::ActorContext&) {
        auto sb = Scoreboard::open(name);
        SHMC_ACTOR_CHECK(sb.ok());
        auto w = sb->claim();
        SHMC_ACTOR_CHECK(w.ok());
        SHMC_ACTOR_CHECK(w->add(1, 10).ok());
        SHMC_ACTOR_CHECK(w->release().ok());
        return 0;
      },
      10s, harness::CrashAt{GetParam(), 1});
  ASSERT_EQ(died.end, harness::ActorOutcome::End::crashed_at_point) << died.describe();
  auto w = b->claim();
  ASSERT_TRUE(w.ok()) << w.error().describe();
  EXPECT_TRUE(w->reclaimed());
  auto v = b->read_slot(0).value();
  EXPECT_EQ(v.state, SlotView::State::held);
  EXPECT_EQ(v.tenant, pack(self_identity()));
  EXPECT_EQ(v.counters[1], 0u);
  EXPECT_EQ(v.gen % 2, 0u);
}

INSTANTIATE_TEST_SUITE_P(EveryPoint, ScoreboardCrash,
                         ::testing::Values("scoreboard/claim/owned", "scoreboard/claim/resetting",
                                           "scoreboard/claim/reset", "scoreboard/update/counted",
                                           "scoreboard/release/before"),
                         [](const auto& info) {
                           std::string s = std::string(info.param).substr(11);
                           for (char& c : s) c = (c == '/') ? '_' : c;
                           return s;
                         });

TEST(ScoreboardCrash, ALiveWorkersSlotIsNeverReclaimed) {
  const auto name = harness::unique_name("sb-live");
  auto b = Scoreboard::create(name, 1);
  ASSERT_TRUE(b.ok());
  auto mine = b->claim();
  ASSERT_TRUE(mine.ok());
  auto other = harness::run_in_child(
      "claimant",
      [&](harness::ActorContext&) {
        auto sb = Scoreboard::open(name);
        SHMC_ACTOR_CHECK(sb.ok());
        auto w = sb->claim();
        SHMC_ACTOR_CHECK(!w.ok() && w.error().code == Errc::already_exists);
        return 0;
      },
      10s);
  EXPECT_TRUE(other.ok()) << other.describe();
  EXPECT_TRUE(mine->add(0, 1).ok()) << "still ours";
}

// Workers claim, count and release in rounds while one is killed and a monitor watches.
TEST(ScoreboardConcurrent, NoSharedSlotNoBackwardsCounterAndTheDeadSlotIsReused) {
  constexpr std::uint32_t kSlots = 3, kWorkers = 4, kRounds = 40;
  const auto name = harness::unique_name("sb-conc");
  auto b = Scoreboard::create(name, kSlots);
  ASSERT_TRUE(b.ok());
  // [slot] = the packed identity of the live worker that believes it owns it; [kSlots] workers done
  harness::SharedArray<std::atomic<std::uint64_t>> owners(kSlots + 2);
  harness::Actors actors;
  for (std::uint32_t i = 0; i < kWorkers; ++i) {
    actors.add("worker-" + std::to_string(i), [&, i](harness::ActorContext& ctx) {
      auto sb = Scoreboard::open(name);
      SHMC_ACTOR_CHECK(sb.ok());
      const std::uint64_t me = pack(self_identity());
      for (std::uint32_t r = 0; r < kRounds && std::chrono::steady_clock::now() < ctx.deadline() - 2s; ++r) {
        auto w = sb->claim();
        if (!w.ok()) {
          SHMC_ACTOR_CHECK(w.error().code == Errc::already_exists);  // full: try again
          --r;
          continue;
        }
        std::uint64_t expected = 0;
        // A dead worker's entry may still be there: only a live owner's entry would be a double claim.
        const std::uint64_t prev = owners[w->slot()].load();
        if (prev != 0 && liveness(unpack(prev)) != Liveness::dead) SHMC_ACTOR_CHECK(prev == 0);
        expected = prev;
        SHMC_ACTOR_CHECK(owners[w->slot()].compare_exchange_strong(expected, me));
        for (int k = 0; k < 20; ++k) SHMC_ACTOR_CHECK(w->add(static_cast<std::uint32_t>(k % kCounters), 1).ok());
        owners[w->slot()].store(0);
        SHMC_ACTOR_CHECK(w->release().ok());
      }
      owners[kSlots].fetch_add(1);
      return 0;
    }, i == 0 ? harness::CrashPlan{harness::CrashAt{"scoreboard/update/counted", 7}} : harness::CrashPlan{});
  }
  actors.add("monitor", [&](harness::ActorContext& ctx) {
    auto sb = Scoreboard::open(name);
    SHMC_ACTOR_CHECK(sb.ok());
    struct Seen { std::uint64_t tenant = 0, gen = 0, counters[kCounters] = {}; };
    std::vector<Seen> seen(kSlots);
    while (owners[kSlots].load() < kWorkers - 1 && std::chrono::steady_clock::now() < ctx.deadline() - 1s) {
      auto views = sb->snapshot();
      for (std::uint32_t s = 0; s < kSlots; ++s) {
        const SlotView& v = views[s];
        if (v.state == SlotView::State::claiming) continue;
        if (v.tenant == seen[s].tenant && v.gen == seen[s].gen) {
          for (std::uint32_t c = 0; c < kCounters; ++c) SHMC_ACTOR_CHECK(v.counters[c] >= seen[s].counters[c]);
        } else {
          SHMC_ACTOR_CHECK(v.gen >= seen[s].gen);  // tenures only move forward
        }
        seen[s] = {v.tenant, v.gen, {v.counters[0], v.counters[1], v.counters[2], v.counters[3]}};
      }
    }
    return 0;
  });
  auto outcomes = actors.run(30s);
  ASSERT_TRUE(harness::all_ok_or_planned_kill(outcomes)) << harness::describe(outcomes);
  ASSERT_TRUE(outcomes[0].killed_by_plan()) << outcomes[0].describe();
  // The killed worker's slot: reclaimable now.
  std::vector<Worker> all;
  for (std::uint32_t s = 0; s < kSlots; ++s) {
    auto w = b->claim();
    ASSERT_TRUE(w.ok()) << "slot " << s << ": " << w.error().describe();
    all.push_back(std::move(*w));
  }
}

}  // namespace
}  // namespace shmc::scoreboard
