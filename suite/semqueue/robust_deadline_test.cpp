// Deadlines of the robust queue (issue 14, class 4), each with the planted bug it
// must catch:
// - a holder that is alive but stopped (SIGSTOP) with the mutex held: a push
//   with 100 ms returns timed_out within the bound, not when the holder resumes
//   (planted: a lock that ignores the deadline);
// - a consumer that dies holding the mutex after freeing a slot, before waking
//   anybody: the producer sleeping on the full ring pushes within a wait slice
//   of the death, not at its deadline (planted: one wait for the whole deadline).
#include <gtest/gtest.h>

#include <optional>

#include "fixtures/semqueue/robust_queue.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/stopped_holder.hpp"

namespace {

using namespace shmc;
using namespace shmc::semqueue;
using namespace shmc::deadline_testing;
using namespace std::chrono_literals;

Message item(std::uint64_t seq) {
  Message m;
  m.words[0] = seq;
  return m;
}

struct StoppedHolderRun {
  bool returned = false;
  std::int32_t result = 0;
  std::chrono::milliseconds took{0};
  std::string outcomes;
};

// The holder stops inside push with the mutex held; the caller pushes with a 100 ms timeout.
StoppedHolderRun push_against_stopped_holder(bool planted) {
  StoppedHolderRun run;
  const std::string name = harness::unique_name("semq-stopped");
  auto q = RobustQueue::create(name, 4);
  if (!q) return run.outcomes = q.error().describe(), run;
  harness::SharedArray<Probe> probe(1);
  harness::Actors actors(harness::ActorMode::processes);  // SIGSTOP stops a whole process
  actors.add("holder", [&](harness::ActorContext& ctx) {
    SHMC_ACTOR_CHECK(stop_at("semqueue/robust/push/locked", probe[0]));
    ctx.doing("push, stopped with the mutex held");
    return q->push(item(1), Clock::now() + 20s) ? 0 : 1;
  });
  actors.add("caller", [&](harness::ActorContext& ctx) {
    std::optional<harness::ScopedFault> plant;
    if (planted) plant.emplace("semqueue/robust/planted_lock_ignores_deadline", 0);
    ctx.doing("waiting for the holder to stop");
    SHMC_ACTOR_CHECK(wait_until_stopped(probe[0], 10s));
    ctx.doing("push with 100 ms against a stopped holder");
    probe[0].call_began_ns = now_ns();
    auto r = q->push(item(2), Clock::now() + 100ms);
    probe[0].call_ended_ns = now_ns();
    probe[0].call_result = r ? kSucceeded : 1 + static_cast<std::int32_t>(r.error().code);
    resume_holder(probe[0]);
    return 0;
  });
  // Long enough for any honest run, short enough that the planted hang costs little.
  auto outcomes = actors.run(planted ? 2s : 15s);
  run.returned = probe[0].call_ended_ns.load() != 0;
  run.result = probe[0].call_result.load();
  run.took = call_took(probe[0]);
  run.outcomes = harness::describe(outcomes);
  return run;
}

bool gave_up_in_time(const StoppedHolderRun& run) {
  return run.returned && run.result == 1 + static_cast<std::int32_t>(Errc::timed_out) && run.took <= give_up_bound(100ms);
}

TEST(SemQueueDeadline, APushAgainstAStoppedHolderTimesOutWithinItsDeadline) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu to stop the holder at a crash point";
  auto run = push_against_stopped_holder(false);
  EXPECT_TRUE(gave_up_in_time(run)) << "returned " << run.returned << ", result " << run.result << ", took "
                                    << run.took.count() << " ms\n" << run.outcomes;
}

TEST(SemQueueDeadline, PlantedLockIgnoringTheDeadlineIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  auto run = push_against_stopped_holder(true);
  EXPECT_FALSE(gave_up_in_time(run)) << "the planted lock without a deadline went unnoticed: took "
                                     << run.took.count() << " ms";
}

struct ProgressRun {
  bool pushed = false;
  std::chrono::milliseconds after_death{0};
  std::string outcomes;
};

// A full ring of one; the producer sleeps on it; the consumer pops and dies at
// pop/taken (slot freed, mutex held, nobody woken). How soon after does the push return?
ProgressRun producer_after_consumer_dies(bool planted, std::chrono::milliseconds deadline) {
  ProgressRun run;
  const std::string name = harness::unique_name("semq-progress");
  auto q = RobustQueue::create(name, 1);
  if (!q) return run.outcomes = q.error().describe(), run;
  if (!q->push(item(1), Clock::now() + 1s)) return run.outcomes = "cannot fill the ring", run;
  auto seg = Segment::open(name, SegmentKind::sem_queue, holding_libc_objects({}));
  if (!seg) return run.outcomes = seg.error().describe(), run;
  const auto* header = reinterpret_cast<const RobustRingHeader*>(seg->payload());
  harness::SharedArray<Probe> probe(1);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("producer", [&](harness::ActorContext& ctx) {
    std::optional<harness::ScopedFault> plant;
    if (planted) plant.emplace("semqueue/robust/planted_push_sleeps_whole_deadline", 0);
    ctx.doing("push into a full ring");
    auto r = q->push(item(2), Clock::now() + deadline);
    probe[0].call_ended_ns = now_ns();
    probe[0].call_result = r ? kSucceeded : 1 + static_cast<std::int32_t>(r.error().code);
    return 0;
  });
  actors.add("consumer", [&](harness::ActorContext& ctx) {
    ctx.doing("waiting for the producer to sleep on the full ring");
    SHMC_ACTOR_CHECK(harness::poll_for([&] { return header->producers_sleeping.load() != 0; }, 10s));
    probe[0].call_began_ns = now_ns();
    Message m;
    ctx.doing("pop, dying at pop/taken");
    (void)q->pop(m, Clock::now() + 1s);
    return 1;  // not reached: the crash plan kills it
  }, harness::CrashAt{"semqueue/robust/pop/taken", 1});
  auto outcomes = actors.run(deadline + 10s);
  run.pushed = probe[0].call_result.load() == kSucceeded;
  run.after_death = call_took(probe[0]);
  run.outcomes = harness::describe(outcomes);
  return run;
}

// The producer re-checks within one slice; the slack covers a loaded machine under ASan.
bool progressed_within_a_slice(const ProgressRun& run) {
  return run.pushed && run.after_death <= RobustQueue::kWaitSlice + 250ms;
}

TEST(SemQueueDeadline, AProducerProgressesWithinASliceOfTheConsumersDeath) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  auto run = producer_after_consumer_dies(false, 5s);
  EXPECT_TRUE(progressed_within_a_slice(run)) << "pushed " << run.pushed << ", " << run.after_death.count()
                                              << " ms after the consumer died\n" << run.outcomes;
}

TEST(SemQueueDeadline, PlantedProducerSleepingItsWholeDeadlineIsCaught) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  auto run = producer_after_consumer_dies(true, 2s);
  EXPECT_FALSE(progressed_within_a_slice(run)) << "the planted single long wait went unnoticed: pushed "
                                               << run.after_death.count() << " ms after the death";
}

}  // namespace
