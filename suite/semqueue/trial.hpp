// One trial of the semaphore-queue campaigns: producers and consumers as
// processes on one queue, at most one of them killed on purpose, then the
// test process drains what is left and judges.
//
//   auto r = run_trial<RobustVariant>(TrialPlan{.point = "semqueue/robust/push/copied", .hit = 3});
//   EXPECT_TRUE(r.clean()) << r.describe();
//
// A survivor never waits longer than plan.op_bound for anything that should
// be possible (a free slot while consumers run, a message while producers
// run): if it has to, it stops and reports itself stuck. That bounded wait is
// how a textbook queue's "blocks forever" becomes a finding in milliseconds.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/semqueue/queue_snapshot.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/check/delivery.hpp"

namespace shmc::semqueue::test {

struct TrialPlan {
  std::uint32_t capacity = 4;
  std::uint32_t items_per_producer = 12;
  std::chrono::milliseconds op_bound{300};   // longer than this, with work possible, is stuck
  std::chrono::milliseconds poll_slice{40};  // how often an idle consumer looks whether producers are done
  // The victim: a crash point (its actor chosen from the point's name) ...
  std::string point;
  std::uint32_t hit = 1;
  // ... or a SIGKILL of actor `victim` this long after the start (when point is empty).
  int victim = -1;
  std::chrono::microseconds kill_after{0};
};

struct TrialResult {
  std::string what;                 // "crash at <point> hit <n>" / "SIGKILL consumer-0 after 800 us"
  bool fired = false;               // the planned kill happened
  bool stuck = false;               // a survivor's bounded wait ran out with work possible, or the lock is
                                    // still held after every actor ended (every later operation would block)
  bool broken = false;              // an actor failed in a way no kill explains (threw, crashed, hung)
  std::string actors;               // harness outcomes, for messages
  QueueSnapshot after_drain;
  check::delivery::Report delivery;

  bool clean() const { return fired && !stuck && !broken && after_drain.consistent() && after_drain.items == 0 && delivery.ok(); }
  // The textbook queues' expected outcome: the kill did harm, and only the harm a dead semaphore holder can do.
  bool finding_reproduced() const { return fired && !broken && !clean(); }
  // "" when clean, else "not crash-safe: stuck after a kill at <point>" and the like.
  std::string finding() const;
  std::string describe() const;
};

// Decides who the victim of a crash point is: the first producer for push/write
// points, the first consumer for pop/read points.
enum class Role { producer, consumer, recovery };
Role role_of_point(const std::string& point);

// What the actors share (anonymous shared memory, survives the victim).
struct TrialShared {
  std::atomic<std::uint32_t> producers_done{0};
  // A consumer armed with a crash point consumes alone until it has died (or
  // finished), so its point is reached whatever the scheduler does: the other
  // consumers wait for it, by its identity (never a bare PID).
  std::atomic<std::uint64_t> victim_identity{0};
  std::atomic<std::uint32_t> victim_finished{0};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

// Exit codes of the actor bodies.
inline constexpr int kActorStuck = 3;

}  // namespace shmc::semqueue::test

#include "suite/semqueue/trial_impl.hpp"
