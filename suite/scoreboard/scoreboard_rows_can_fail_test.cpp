// The scoreboard rows can fail: each run on its planted variant must FAIL with
// a reason. Bare-PID owners take the live process wearing a dead worker's
// recycled PID for the owner (the board stays full); unknown liveness taken
// for death robs a live worker. The rows as registered run beside these, one
// gtest each (conformance_test.cpp).
#include <gtest/gtest.h>

#include "shmconform/harness/actors.hpp"
#include "suite/harness/pid_reuse.hpp"
#include "suite/harness/unknown_liveness.hpp"
#include "suite/scoreboard/checks_scoreboard.hpp"

namespace shmc::scoreboard::rows {
namespace {

using conformance::Outcome;
using conformance::Verdict;

void expect_fail(const Outcome& o) {
  if (o.verdict == Verdict::unsupported) GTEST_SKIP() << "UNSUPPORTED here: " << o.reason;
  EXPECT_EQ(o.verdict, Verdict::fail) << conformance::to_string(o.verdict) << ": " << o.reason;
  EXPECT_FALSE(o.reason.empty());
  std::printf("[   INFO   ] FAIL as planted: %s\n", o.reason.c_str());
}

TEST(ScoreboardRowsCanFail, DeadWorkerAfterPidReuseFailsWithBarePidOwners) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  if (!shmc::testing::can_recycle_pids()) GTEST_SKIP() << "cannot write /proc/sys/kernel/ns_last_pid";
  expect_fail(dead_worker_reclaimed_after_pid_reuse<BarePidScoreboard>());
}

TEST(ScoreboardRowsCanFail, LiveWorkersFailWhenUnknownLivenessIsTakenForDeath) {
  if (!liveness_testing::UnknownLiveness::available()) GTEST_SKIP() << "fault injection is compiled out";
  expect_fail(live_workers_never_reclaimed(true));
}

}  // namespace
}  // namespace shmc::scoreboard::rows
