// The actor engine: outcomes, crash injection, timeouts, and that no child
// outlives its harness.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>
#include <unistd.h>

#include "shmconform/runtime/crash_point.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/poll_until.hpp"

using namespace std::chrono_literals;
using shmc::harness::ActorContext;
using shmc::harness::ActorMode;
using shmc::harness::ActorOutcome;
using shmc::harness::Actors;
using shmc::harness::CrashAt;
using shmc::harness::KillAfter;
using shmc::harness::SharedArray;

namespace {

// A crash point that exists only in this test: the catalog scans fixtures/,
// so the harness tests use a real fixture point instead.
constexpr const char* kPoint = "segment/create/after_header";

// Zombies count as gone: in a container nobody may reap a reparented orphan.
bool process_exists(pid_t pid) { return shmc::liveness(shmc::identity_of(pid)) != shmc::Liveness::dead; }

TEST(Actors, AllActorsRunAndReportTheirExitCodes) {
  SharedArray<std::atomic<int>> seen(3);
  Actors actors;
  for (int i = 0; i < 3; ++i)
    actors.add("actor-" + std::to_string(i), [&seen](ActorContext& ctx) {
      seen[static_cast<std::size_t>(ctx.index())].store(ctx.index() + 10);
      return ctx.index() == 2 ? 5 : 0;
    });
  auto out = actors.run(10s);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].ok()) << out[0].describe();
  EXPECT_TRUE(out[1].ok()) << out[1].describe();
  EXPECT_EQ(out[2].end, ActorOutcome::End::exited);
  EXPECT_EQ(out[2].exit_code, 5);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)].load(), i + 10);
}

TEST(Actors, AnExceptionIsReportedWithItsMessage) {
  Actors actors;
  actors.add("thrower", [](ActorContext&) -> int { throw std::runtime_error("boom in the actor"); });
  actors.add("checker", [](ActorContext&) {
    SHMC_ACTOR_CHECK(1 + 1 == 3);
    return 0;
  });
  auto out = actors.run(10s);
  EXPECT_EQ(out[0].end, ActorOutcome::End::threw);
  EXPECT_NE(out[0].message.find("boom in the actor"), std::string::npos);
  EXPECT_EQ(out[1].end, ActorOutcome::End::threw);
  EXPECT_NE(out[1].message.find("1 + 1 == 3"), std::string::npos);
}

TEST(Actors, AHungProcessIsKilledAtTheDeadlineAndNamedWithWhatItWasDoing) {
  SharedArray<std::atomic<pid_t>> pid(1);
  Actors actors(ActorMode::processes);
  actors.add("sleeper", [&pid](ActorContext& ctx) {
    pid[0].store(::getpid());
    ctx.doing("waiting for a message that never comes");
    for (;;) ::pause();
    return 0;
  });
  auto start = std::chrono::steady_clock::now();
  auto out = actors.run(300ms);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 8s);
  EXPECT_EQ(out[0].end, ActorOutcome::End::timed_out) << out[0].describe();
  EXPECT_EQ(out[0].last_doing, "waiting for a message that never comes");
  EXPECT_FALSE(process_exists(pid[0].load()));
}

TEST(Actors, AGrandchildDiesWithItsActorsProcessGroup) {
  SharedArray<std::atomic<pid_t>> grandchild(1);
  Actors actors(ActorMode::processes);
  actors.add("forker", [&grandchild](ActorContext& ctx) {
    pid_t p = ::fork();
    if (p == 0) {
      for (;;) ::pause();
    }
    grandchild[0].store(p);
    ctx.doing("parked after forking a grandchild");
    for (;;) ::pause();
    return 0;
  });
  auto out = actors.run(300ms);
  EXPECT_EQ(out[0].end, ActorOutcome::End::timed_out);
  pid_t g = grandchild[0].load();
  ASSERT_GT(g, 0);
  // The grandchild is not our child: it is reparented and reaped by init; wait boundedly.
  EXPECT_TRUE(shmc::harness::poll_for([g] { return !process_exists(g); }, 5s)) << "grandchild " << g << " outlived its actor's group";
}

TEST(Actors, KillAfterKillsOnTimeAndSaysSo) {
  Actors actors(ActorMode::processes);
  actors.add("victim", [](ActorContext&) {
    for (;;) ::pause();
    return 0;
  }, KillAfter{20ms});
  actors.add("bystander", [](ActorContext&) { return 0; });
  auto out = actors.run(10s);
  EXPECT_EQ(out[0].end, ActorOutcome::End::killed_on_timer) << out[0].describe();
  EXPECT_TRUE(out[0].killed_by_plan());
  EXPECT_TRUE(out[1].ok());
  EXPECT_TRUE(shmc::harness::all_ok_or_planned_kill(out));
  EXPECT_FALSE(shmc::harness::all_ok(out));
}

TEST(Actors, AnUnplannedSignalIsReportedAsSuch) {
  // SIGTERM, not SIGSEGV: ASan turns SIGSEGV into its own report and exit code.
  auto out = shmc::harness::run_in_child("terminated", [](ActorContext&) {
    ::raise(SIGTERM);
    return 0;
  }, 10s);
  EXPECT_EQ(out.end, ActorOutcome::End::signalled) << out.describe();
  EXPECT_EQ(out.signal, SIGTERM);
  EXPECT_FALSE(out.killed_by_plan());
}

TEST(Actors, CrashAtKillsAtTheNthHitOfTheNamedPoint) {
  if (!shmc::harness::crash_injection_available()) GTEST_SKIP() << "release build: crash points are compiled out";
  SharedArray<std::atomic<int>> reached(1);
  Actors actors;
  actors.add("crasher", [&reached](ActorContext&) {
    for (int i = 1; i <= 5; ++i) {
      reached[0].store(i);
      SHMC_CRASH_POINT("segment/create/after_header", "(test) same name as the fixture point");
    }
    return 0;
  }, CrashAt{kPoint, 3});
  auto out = actors.run(10s);
  EXPECT_EQ(out[0].end, ActorOutcome::End::crashed_at_point) << out[0].describe();
  EXPECT_EQ(out[0].crash_point, kPoint);
  EXPECT_EQ(out[0].hit, 3u);
  EXPECT_EQ(reached[0].load(), 3);
}

TEST(Actors, AnUnknownCrashPointIsRefusedNotIgnored) {
  if (!shmc::harness::crash_injection_available()) GTEST_SKIP() << "release build: crash points are compiled out";
  Actors actors;
  actors.add("typo", [](ActorContext&) { return 0; }, CrashAt{"segment/no/such/point", 1});
  auto out = actors.run(10s);
  EXPECT_EQ(out[0].end, ActorOutcome::End::threw);
  EXPECT_NE(out[0].message.find("unknown crash point"), std::string::npos) << out[0].describe();
}

TEST(Actors, ACrashPlanArmedButNeverReachedIsVisible) {
  if (!shmc::harness::crash_injection_available()) GTEST_SKIP() << "release build: crash points are compiled out";
  Actors actors;
  actors.add("never-reaches", [](ActorContext&) { return 0; }, CrashAt{kPoint, 1});
  auto out = actors.run(10s);
  // A campaign uses this to refuse a crash test that crashed nothing.
  EXPECT_TRUE(out[0].ok());
  EXPECT_FALSE(out[0].killed_by_plan());
}

TEST(Actors, ThreadModeRunsActorsAsThreadsOfThisProcess) {
  SharedArray<std::atomic<pid_t>> pids(2);
  Actors actors(ActorMode::threads);
  for (int i = 0; i < 2; ++i)
    actors.add("t" + std::to_string(i), [&pids](ActorContext& ctx) {
      pids[static_cast<std::size_t>(ctx.index())].store(::getpid());
      return ctx.as_process() ? 1 : 0;
    });
  auto out = actors.run(10s);
  EXPECT_TRUE(shmc::harness::all_ok(out)) << shmc::harness::describe(out);
  EXPECT_EQ(pids[0].load(), ::getpid());
  EXPECT_EQ(pids[1].load(), ::getpid());
}

TEST(Actors, ChildrenDieWhenTheHarnessProcessIsKilled) {
  // A middle process plays the test binary: it starts a hung actor, then is
  // SIGKILLed. PR_SET_PDEATHSIG must take the actor down with it.
  SharedArray<std::atomic<pid_t>> actor_pid(1);
  auto out = shmc::harness::run_in_child("fake-harness", [&actor_pid](ActorContext&) {
    Actors inner(ActorMode::processes);
    inner.add("orphan-to-be", [&actor_pid](ActorContext&) {
      actor_pid[0].store(::getpid());
      for (;;) ::pause();
      return 0;
    });
    (void)inner.run(60s);  // never returns: killed below
    return 0;
  }, 30s, KillAfter{200ms});
  EXPECT_EQ(out.end, ActorOutcome::End::killed_on_timer) << out.describe();
  pid_t orphan = actor_pid[0].load();
  ASSERT_GT(orphan, 0) << "the inner actor never started";
  EXPECT_TRUE(shmc::harness::poll_for([orphan] { return !process_exists(orphan); }, 5s)) << "actor " << orphan << " outlived its harness";
}

}  // namespace

namespace {

TEST(Actors, AFailedForkIsReportedAsNotStartedAndTheOthersStillRun) {
  if (!shmc::harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  Actors actors(ActorMode::processes);
  actors.add("first", [](ActorContext&) { return 0; });
  actors.add("second", [](ActorContext&) { return 0; });
  std::vector<ActorOutcome> out;
  {
    shmc::harness::ScopedFault fault("sys/fork", EAGAIN, 1);  // the second fork fails
    out = actors.run(10s);
    EXPECT_EQ(fault.failures(), 1u);
  }
  EXPECT_TRUE(out[0].ok()) << out[0].describe();
  EXPECT_EQ(out[1].end, ActorOutcome::End::not_started);
  EXPECT_NE(out[1].message.find("fork failed"), std::string::npos) << out[1].describe();
}

}  // namespace
