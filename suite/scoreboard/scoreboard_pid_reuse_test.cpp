// Reclaim decides "dead" from the owner's identity, never a bare PID. The
// planted BarePidScoreboard (owner word = getpid(), dead = kill(pid, 0) fails)
// keeps a dead worker's slot forever once any live process wears its PID:
// the board reports full although its only slot is dead. Shown with a forged
// owner word and with a real recycled PID (forced through ns_last_pid).
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "suite/harness/pid_reuse.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"

namespace shmc::scoreboard {
namespace {

using namespace std::chrono_literals;

std::atomic<std::uint64_t>& owner_word(const Segment& seg) {
  return reinterpret_cast<Slot*>(seg.payload() + sizeof(BoardHeader))[0].owner;
}

TEST(ScoreboardPidReuse, AForgedOwnerWithALiveTidButAnotherStartTimeIsReclaimed) {
  auto b = Scoreboard::create(harness::unique_name("sb-forged"), 1);
  ASSERT_TRUE(b.ok());
  ProcessIdentity forged = self_identity();
  forged.start_ticks += 4242;  // a dead thread whose tid we now wear
  ASSERT_EQ(::kill(forged.tid, 0), 0) << "kill(pid, 0) calls the owner alive";
  owner_word(b->segment()).store(pack(forged));
  auto w = b->claim();
  ASSERT_TRUE(w.ok()) << w.error().describe();
  EXPECT_TRUE(w->reclaimed());
}

TEST(ScoreboardPidReuse, PlantedBarePidKeepsADeadWorkersSlotWhoseRecycledPidIsAlive) {
  auto b = BarePidScoreboard::create(harness::unique_name("sb-forged-pid"), 1);
  ASSERT_TRUE(b.ok());
  // The dead worker's PID, now worn by a live process (this one): what recycling does.
  owner_word(b->segment()).store(static_cast<std::uint64_t>(::getpid()));
  auto w = b->claim();
  ASSERT_FALSE(w.ok()) << "the planted variant reclaimed: it should not be able to tell";
  EXPECT_EQ(w.error().code, Errc::already_exists) << w.error().describe();
}

using shmc::testing::set_last_pid;

// Both variants: a worker dies holding the only slot, its PID is recycled by a live
// process, and a third process claims. Returns Errc + 1 of that claim (0 = reclaimed),
// or skips when the PID could not be recycled.
template <class Board>
std::uint64_t claim_after_pid_reuse(bool* skipped, std::string* why) {
  const auto name = harness::unique_name("sb-pid-reuse");
  auto b = Board::create(name, 1);
  if (!b.ok()) throw std::runtime_error(b.error().describe());
  // [0] dead pid, [1] recycled pid, [2] done, [3] result, [4] dead start ticks, [5] recycled start ticks, [6] claimed
  harness::SharedArray<std::atomic<std::uint64_t>> shared(7);
  auto died = harness::run_in_child(
      "worker",
      [&](harness::ActorContext&) {
        auto sb = Board::open(name);
        SHMC_ACTOR_CHECK(sb.ok());
        auto w = sb->claim();
        SHMC_ACTOR_CHECK(w.ok());
        shared[0].store(static_cast<std::uint64_t>(::getpid()));
        shared[4].store(self_identity().start_ticks);
        SHMC_ACTOR_CHECK(w->add(0, 1).ok());
        return 0;
      },
      10s, harness::CrashAt{"scoreboard/update/counted", 1});
  if (died.end != harness::ActorOutcome::End::crashed_at_point) throw std::runtime_error(died.describe());
  const auto dead = static_cast<pid_t>(shared[0].load());
  for (int attempt = 0; attempt < 20; ++attempt) {
    for (int k : {1, 2, 3, 5, 6}) shared[k].store(0);
    if (int err = set_last_pid(dead - 1); err != 0) {
      *skipped = true;
      *why = std::string("writing /proc/sys/kernel/ns_last_pid failed: ") + std::strerror(err);
      return 0;
    }
    harness::Actors actors(harness::ActorMode::processes);
    actors.add("recycled", [&](harness::ActorContext& ctx) {
      shared[5].store(identity_of(::getpid()).start_ticks);
      shared[1].store(static_cast<std::uint64_t>(::getpid()), std::memory_order_release);
      SHMC_ACTOR_CHECK(harness::poll_until([&] { return shared[2].load() != 0; }, ctx.deadline()));
      return 0;
    });
    actors.add("claimant", [&](harness::ActorContext& ctx) {
      SHMC_ACTOR_CHECK(harness::poll_until([&] { return shared[1].load() != 0; }, ctx.deadline()));
      // Only meaningful if the PID really was recycled, at a later clock tick than the dead worker started.
      if (shared[1].load() == static_cast<std::uint64_t>(dead) && shared[5].load() != shared[4].load()) {
        shared[6].store(1);
        auto sb = Board::open(name);
        SHMC_ACTOR_CHECK(sb.ok());
        auto w = sb->claim();
        shared[3].store(w.ok() ? 0 : static_cast<std::uint64_t>(w.error().code) + 1);
      }
      shared[2].store(1);
      return 0;
    });
    auto outcomes = actors.run(20s);
    if (!harness::all_ok(outcomes)) throw std::runtime_error(harness::describe(outcomes));
    if (shared[6].load() != 0) return shared[3].load();
  }
  *skipped = true;
  *why = "could not get pid " + std::to_string(dead) + " recycled at a later clock tick in 20 attempts";
  return 0;
}

TEST(ScoreboardPidReuse, ARealRecycledPidIsNotTakenForTheDeadWorker) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "needs crash points to kill the worker holding its slot";
  bool skipped = false;
  std::string why;
  const std::uint64_t identity = claim_after_pid_reuse<Scoreboard>(&skipped, &why);
  if (skipped) GTEST_SKIP() << why;
  EXPECT_EQ(identity, 0u) << "identity owners: the dead worker's slot is reclaimed";
  const std::uint64_t bare = claim_after_pid_reuse<BarePidScoreboard>(&skipped, &why);
  if (skipped) GTEST_SKIP() << why;
  EXPECT_EQ(bare, static_cast<std::uint64_t>(Errc::already_exists) + 1)
      << "planted bare-PID owners: the recycled PID looks like the owner, so the board reports full";
}

}  // namespace
}  // namespace shmc::scoreboard
