// ActorContext::wait_for_end: one actor blocks until another has ended, however it ended, and
// never past its own deadline.
#include <gtest/gtest.h>

#include <atomic>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/process_identity.hpp"

namespace {

using namespace std::chrono_literals;
using shmc::harness::ActorContext;
using shmc::harness::ActorMode;
using shmc::harness::Actors;
using shmc::harness::KillAfter;
using shmc::harness::SharedArray;
using Clock = std::chrono::steady_clock;

bool process_exists(pid_t pid) { return shmc::liveness(shmc::identity_of(pid)) != shmc::Liveness::dead; }

TEST(ActorEnd, AWaiterReturnsOnlyOnceTheOtherActorWasKilled) {
  SharedArray<std::atomic<pid_t>> victim(1);
  Actors actors(ActorMode::processes);
  actors.add("victim", [&victim](ActorContext& ctx) {
    victim[0].store(::getpid());
    ctx.doing("parked until its kill");
    for (;;) ::pause();
    return 0;
  }, KillAfter{20ms});
  actors.add("watcher", [&victim](ActorContext& ctx) {
    if (!ctx.wait_for_end(0, ctx.deadline())) return 2;
    const pid_t pid = victim[0].load();
    return pid > 0 && !process_exists(pid) ? 0 : 3;  // 3: woken while the victim still ran
  });
  const auto out = actors.run(10s);
  EXPECT_EQ(out[0].end, shmc::harness::ActorOutcome::End::killed_on_timer) << out[0].describe();
  EXPECT_TRUE(out[1].ok()) << out[1].describe();
}

// The first actor finishes only after the second is already waiting for it.
void expect_a_return_is_seen(ActorMode mode) {
  SharedArray<std::atomic<int>> shared(2);  // [0]: the watcher is about to wait; [1]: the result
  Actors actors(mode);
  actors.add("worker", [&shared](ActorContext& ctx) {
    if (!shmc::harness::poll_until([&] { return shared[0].load() != 0; }, ctx.deadline())) return 2;
    shared[1].store(42);
    return 0;
  });
  actors.add("watcher", [&shared](ActorContext& ctx) {
    shared[0].store(1);
    if (!ctx.wait_for_end(0, ctx.deadline())) return 2;
    return shared[1].load() == 42 ? 0 : 3;  // 3: woken before the worker returned
  });
  const auto out = actors.run(10s);
  EXPECT_TRUE(shmc::harness::all_ok(out)) << shmc::harness::describe(out);
}

TEST(ActorEnd, AWaiterSeesTheOtherActorsReturnAsAProcess) { expect_a_return_is_seen(ActorMode::processes); }
TEST(ActorEnd, AWaiterSeesTheOtherActorsReturnAsAThread) { expect_a_return_is_seen(ActorMode::threads); }

TEST(ActorEnd, AWaiterGivesUpAtItsDeadline) {
  SharedArray<std::atomic<int>> released(1);
  Actors actors(ActorMode::processes);
  actors.add("holder", [&released](ActorContext& ctx) {
    return shmc::harness::poll_until([&] { return released[0].load() != 0; }, ctx.deadline()) ? 0 : 2;
  });
  actors.add("watcher", [&released](ActorContext& ctx) {
    const auto start = Clock::now();
    const bool ended = ctx.wait_for_end(0, start + 30ms);
    const bool kept_its_bound = Clock::now() >= start + 30ms;
    released[0].store(1);
    return !ended && kept_its_bound ? 0 : 3;
  });
  const auto out = actors.run(20s);
  EXPECT_TRUE(shmc::harness::all_ok(out)) << shmc::harness::describe(out);
}

TEST(ActorEnd, AnActorThatNeverStartedHasEnded) {
  if (!shmc::harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  Actors actors(ActorMode::processes);
  actors.add("watcher", [](ActorContext& ctx) { return ctx.wait_for_end(1, Clock::now() + 5s) ? 0 : 3; });
  actors.add("unborn", [](ActorContext&) { return 0; });
  std::vector<shmc::harness::ActorOutcome> out;
  {
    shmc::harness::ScopedFault fault("sys/fork", EAGAIN, 1);  // the second fork fails
    out = actors.run(10s);
  }
  EXPECT_TRUE(out[0].ok()) << out[0].describe();
  EXPECT_EQ(out[1].end, shmc::harness::ActorOutcome::End::not_started);
}

}  // namespace
