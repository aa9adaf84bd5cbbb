// Reclaim decides "dead" from the owner's identity, never a bare PID. The
// planted BarePidScoreboard (owner word = getpid(), dead = kill(pid, 0) fails)
// keeps a dead worker's slot forever once any live process wears its PID:
// the board reports full although its only slot is dead. Shown with a forged
// owner word and with a real recycled PID (forced through ns_last_pid).
#include <gtest/gtest.h>

#include <csignal>
#include <unistd.h>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/scoreboard/pid_reuse_claim.hpp"

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

using testing::claim_after_pid_reuse;

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
