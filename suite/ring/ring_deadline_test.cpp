// Deadlines of the ring (issue 14, class 4): a producer stopped (SIGSTOP, alive)
// with its slot claimed and not published. A pop with 100 ms returns `stalled`
// within the deadline (plus slack), without skipping the live claimant's slot.
// Planted: a wait that ignores its deadline must be caught.
#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/stopped_holder.hpp"

namespace shmc::ring {
namespace {

using namespace shmc::deadline_testing;
using namespace std::chrono_literals;

// "" when the pop returned stalled within the bound and the item came later; else what happened.
std::string pop_gives_up_in_time(bool planted) {
  auto ring = Ring::create(harness::unique_name("ring-stopped"), {2, 8});
  if (!ring) return ring.error().describe();
  harness::SharedArray<Probe> probe(1);
  harness::SharedArray<std::atomic<std::int32_t>> status(1);
  harness::Actors actors(harness::ActorMode::processes);  // SIGSTOP stops a whole process
  actors.add("producer", [&](harness::ActorContext& ctx) {
    SHMC_ACTOR_CHECK(stop_at("ring/push/claimed", probe[0]));
    ctx.doing("push, stopped with its slot claimed");
    const std::array<std::byte, 1> item{std::byte{'P'}};
    auto r = ring->try_push(item);
    return r && *r == PushStatus::pushed ? 0 : 1;
  });
  actors.add("consumer", [&](harness::ActorContext& ctx) {
    std::optional<harness::ScopedFault> plant;
    if (planted) plant.emplace("ring/wait/planted_ignores_deadline", 0);
    ctx.doing("waiting for the producer to stop");
    SHMC_ACTOR_CHECK(wait_until_stopped(probe[0], 10s));
    std::array<std::byte, 8> out{};
    ctx.doing("pop with 100 ms behind a stopped producer");
    probe[0].call_began_ns = now_ns();
    auto r = ring->pop(out, 100ms);
    probe[0].call_ended_ns = now_ns();
    probe[0].call_result = r ? kSucceeded : 1 + static_cast<std::int32_t>(r.error().code);
    if (r) status[0] = static_cast<std::int32_t>(r->status);
    resume_holder(probe[0]);
    plant.reset();
    // Resumed, the producer publishes: the item was waited for, not skipped.
    auto after = ring->pop(out, 10s);
    SHMC_ACTOR_CHECK(after && after->status == PopStatus::popped && out[0] == std::byte{'P'});
    return 0;
  });
  // Long enough for any honest run, short enough that the planted hang costs little.
  auto outcomes = actors.run(planted ? 2s : 20s);
  if (!harness::all_ok(outcomes)) return harness::describe(outcomes);
  if (probe[0].call_result.load() != kSucceeded || status[0].load() != static_cast<std::int32_t>(PopStatus::stalled))
    return "the pop did not return stalled";
  if (const auto took = call_took(probe[0]); took > give_up_bound(100ms))
    return "gave up after " + std::to_string(took.count()) + " ms";
  return "";
}

TEST(RingDeadline, APopBehindAStoppedProducerReturnsStalledWithinItsDeadline) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu to stop the producer at a crash point";
#else
  EXPECT_EQ(pop_gives_up_in_time(false), "");
#endif
}

TEST(RingDeadline, PlantedWaitIgnoringItsDeadlineIsCaught) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu for the planted bug";
#else
  EXPECT_NE(pop_gives_up_in_time(true), "") << "the planted wait past the deadline went unnoticed";
#endif
}

}  // namespace
}  // namespace shmc::ring
