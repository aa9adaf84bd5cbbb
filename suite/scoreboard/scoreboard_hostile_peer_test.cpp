// A hostile peer against the scoreboard (issue 14): two workers claim slots,
// update their counters and give a lost slot up, a monitor scans the board,
// while a third process scribbles random bytes over the board's payload
// (header, owner words, generations, tenants, heartbeats, counters) for one
// second. The honest peers must end normally (no signal, no UB under
// ASan/UBSan) and no call may run past the bound (on its own time; no
// scoreboard call waits). The scoreboard has no checksum: what it can see is
// an owner word that is no longer the worker's (the worker's update is refused
// with owner_dead), so a worker that had already seen its owner word changed
// must never have an update accepted. Its counters carry a check the board
// cannot see (0, or a value whose halves agree): what the monitor is shown
// that fails it is counted, not required (docs/hostile-peer.md).
#include <gtest/gtest.h>

#include <optional>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/report_lines.hpp"

namespace shmc::scoreboard {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr auto kBound = 20ms;  // no scoreboard call waits: the bound of a call that does a little /proc reading
constexpr std::uint32_t kSlots = 4;
constexpr int kWorkers = 2;

bool counter_ok(std::uint64_t v) { return v == 0 || hostile::item_ok(v); }

// What went wrong in one run, one line each; empty when the honest peers kept every promise.
std::vector<std::string> scribbled_run(std::chrono::milliseconds scribble_for) {
  std::vector<std::string> problems;
  auto board = Scoreboard::create(harness::unique_name("sb-hostile"), kSlots);
  if (!board) return {"create: " + board.error().describe()};
  // The owner words, read by the test itself (the layout is public): what a worker saw before its update.
  const auto* slots = reinterpret_cast<const Slot*>(board->segment().payload() + sizeof(BoardHeader));
  harness::SharedArray<hostile::Tally> tally(kWorkers + 1);  // workers, then the monitor
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + scribble_for;
  harness::Actors actors(harness::ActorMode::processes);
  hostile::add_scribbler(actors, const_cast<std::byte*>(board->segment().payload()), board->segment().payload_size(),
                         until, &writes[0]);
  for (int k = 0; k < kWorkers; ++k) {
    actors.add("worker-" + std::to_string(k), [&, k](harness::ActorContext& ctx) {
      auto& t = tally[static_cast<std::size_t>(k)];
      const std::uint64_t me = IdentityOwners::self_word();
      SHMC_ACTOR_CHECK(me != 0);
      std::optional<Worker> w;
      std::uint32_t n[kCounters] = {};  // counter c holds item_for(n[c]) while nobody else writes it
      for (std::uint32_t step = 0; Clock::now() < until; ++step) {
        if (!w) {
          ctx.doing("claim under scribbling");
          auto c = hostile::timed_call(t, [&] { return board->claim(); });
          if (c) {
            w.emplace(std::move(*c));
            for (auto& x : n) x = 0;
          }
          continue;
        }
        ctx.doing("update under scribbling");
        const std::uint32_t c = step % kCounters;
        const std::uint64_t from = n[c] == 0 ? 0 : hostile::item_for(n[c]);
        const bool seen_lost = slots[w->slot()].owner.load(std::memory_order_acquire) != me;
        auto r = hostile::timed_call(t, [&] { return w->add(c, hostile::item_for(n[c] + 1) - from); });
        if (r) {
          ++n[c];
          // Its owner word already named someone else: the update went into a slot that is not ours.
          if (seen_lost) ++t.garbage;
        } else {
          w.reset();  // owner_dead: give the slot up (the release is refused too) and claim again
        }
      }
      return 0;
    });
  }
  actors.add("monitor", [&](harness::ActorContext& ctx) {
    auto& t = tally[kWorkers];
    for (std::uint32_t i = 0; Clock::now() < until; i = (i + 1) % kSlots) {
      ctx.doing("scan under scribbling");
      auto v = hostile::timed_call(t, [&] { return board->read_slot(i); });
      if (v && v->state == SlotView::State::held)
        for (std::uint64_t x : v->counters)
          if (!counter_ok(x)) {
            ++t.garbage;
            break;
          }
    }
    return 0;
  });
  hostile::run_peers(actors, problems);
  std::uint64_t refused = 0;
  for (int k = 0; k <= kWorkers; ++k) {
    const auto& t = tally[static_cast<std::size_t>(k)];
    const std::string who = k < kWorkers ? "worker-" + std::to_string(k) : "monitor";
    hostile::judge(problems, t, who.c_str(), kBound);
    refused += t.refusals.load();
    if (k < kWorkers && t.garbage.load() > 0)
      problems.push_back(who + ": " + std::to_string(t.garbage.load()) +
                         " updates accepted into a slot whose owner word was no longer its own");
  }
  hostile::judge_scribbler(problems, writes[0].load());
  if (refused == 0) problems.push_back("the scribbling went unreported: no update refused");
  auto again = Scoreboard::open(board->segment().name());
  hostile::print_reopen(again);
  return problems;
}

TEST(ScoreboardHostilePeer, HonestPeersSurviveScribblingAndALostSlotIsNeverWritten) {
  auto problems = scribbled_run(1s);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

// Planted (a test-only fault point): a worker's update does not look at the owner word. A worker whose
// owner word was scribbled (or whose slot was reclaimed from the scribbled word) goes on writing the slot;
// the run must fail on those updates.
TEST(ScoreboardHostilePeer, PlantedUpdateSkippingTheOwnerCheckIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  auto problems =
      report_lines::with_planted("scoreboard/update/planted_skips_owner_check", [] { return scribbled_run(500ms); });
  EXPECT_TRUE(report_lines::mentions(problems, "updates accepted into a slot whose owner word was no longer its own"))
      << "workers ignoring their owner word wrote no lost slot";
}

}  // namespace
}  // namespace shmc::scoreboard
