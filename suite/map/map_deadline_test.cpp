// Deadlines of the map (issue 14, class 4): a writer stopped (SIGSTOP, alive)
// inside its critical section, bucket locked and seq odd. A writer of the same
// key and a reader of it, each with a wait bound of 100 ms, give up with
// Errc::timed_out within the bound (plus slack), not when the holder resumes.
// Planted: a writer that waits for the lock past its bound must be caught.
#include <gtest/gtest.h>

#include <optional>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/stopped_holder.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;
using namespace shmc::deadline_testing;
using namespace std::chrono_literals;

enum class Call { write_same_key, read_same_key };

// "" when the call gave up with timed_out within the bound; else what happened.
std::string gives_up_in_time(Call call, bool planted = false) {
  const std::string name = harness::unique_name("map-stopped");
  auto m = Map::create(name, {.capacity = 8}, bounded_options(20s));
  if (!m) return m.error().describe();
  const std::uint64_t key = 42;
  harness::SharedArray<Probe> probe(1);
  harness::Actors actors(harness::ActorMode::processes);  // SIGSTOP stops a whole process
  actors.add("holder", [&](harness::ActorContext& ctx) {
    auto mine = Map::open(name, bounded_options(20s));
    SHMC_ACTOR_CHECK(mine.ok());
    SHMC_ACTOR_CHECK(stop_at("map/write/seq_odd", probe[0]));
    ctx.doing("insert, stopped with the bucket locked and its seq odd");
    return must(insert_u64(*mine, key, 1)) == Status::ok ? 0 : 1;
  });
  actors.add("caller", [&](harness::ActorContext& ctx) {
    std::optional<harness::ScopedFault> plant;
    if (planted) plant.emplace("map/lock/planted_ignores_wait_bound", 0);
    auto mine = Map::open(name, bounded_options(100ms));
    SHMC_ACTOR_CHECK(mine.ok());
    ctx.doing("waiting for the holder to stop");
    SHMC_ACTOR_CHECK(wait_until_stopped(probe[0], 10s));
    ctx.doing("the same key, bound 100 ms, against a stopped holder");
    std::uint64_t value = 0;
    probe[0].call_began_ns = now_ns();
    auto r = call == Call::write_same_key ? insert_u64(*mine, key, 2) : find_u64(*mine, key, &value);
    probe[0].call_ended_ns = now_ns();
    probe[0].call_result = r ? kSucceeded : 1 + static_cast<std::int32_t>(r.error().code);
    resume_holder(probe[0]);
    return 0;
  });
  // Long enough for any honest run, short enough that the planted hang costs little.
  auto outcomes = actors.run(planted ? 2s : 15s);
  const auto took = call_took(probe[0]);
  if (!harness::all_ok(outcomes)) return harness::describe(outcomes);
  if (probe[0].call_result.load() != 1 + static_cast<std::int32_t>(Errc::timed_out))
    return "the call did not time out (result " + std::to_string(probe[0].call_result.load()) + ")";
  if (took > give_up_bound(100ms)) return "gave up after " + std::to_string(took.count()) + " ms";
  return "";
}

TEST(MapDeadline, AWriterAgainstAStoppedHolderTimesOutWithinItsBound) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu to stop the holder at a crash point";
#else
  EXPECT_EQ(gives_up_in_time(Call::write_same_key), "");
#endif
}

TEST(MapDeadline, AReaderOfAStoppedHoldersHalfWrittenBucketTimesOutWithinItsBound) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu to stop the holder at a crash point";
#else
  EXPECT_EQ(gives_up_in_time(Call::read_same_key), "");
#endif
}

TEST(MapDeadline, PlantedWriterWaitingPastItsBoundIsCaught) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs libfiu for the planted bug";
#else
  EXPECT_NE(gives_up_in_time(Call::write_same_key, true), "") << "the planted unbounded lock wait went unnoticed";
#endif
}

}  // namespace
}  // namespace shmc::map
