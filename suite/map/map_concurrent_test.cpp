// Several processes on one map at once (threads under TSan).
// - The seed's exercise: one actor inserts 1 000 pairs while another reads.
// - Random plans of insert / update / erase / find on a few colliding keys,
//   recorded in a history log and checked per key for linearizability.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/report.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/map/recorded_map.hpp"

namespace shmc::map {
namespace {

using namespace testing;
using namespace std::chrono_literals;

constexpr std::uint64_t value_for(std::uint64_t key) { return key * 7919 + 3; }

TEST(MapConcurrent, SeedExerciseAThousandInsertsReadConcurrentlyAreAllThere) {
  constexpr std::uint64_t kPairs = 1000;
  const auto name = harness::unique_name("map-seed");
  auto m = Map::create(name, {.capacity = 2048});
  ASSERT_TRUE(m.ok()) << text(m.error());
  harness::SharedArray<std::atomic<std::uint64_t>> progress(3);  // [0] inserted so far, [1] reads seen ok, [2] writer done
  harness::Actors actors;
  actors.add("writer", [&](harness::ActorContext& ctx) {
    auto map = Map::open(name);
    SHMC_ACTOR_CHECK(map.ok());
    for (std::uint64_t k = 1; k <= kPairs; ++k) {
      ctx.doing("insert " + std::to_string(k));
      SHMC_ACTOR_CHECK(must(insert_u64(*map, k, value_for(k))) == Status::ok);
      progress[0].store(k, std::memory_order_release);
    }
    progress[2].store(1, std::memory_order_release);
    return 0;
  });
  actors.add("reader", [&](harness::ActorContext& ctx) {
    auto map = Map::open(name);
    SHMC_ACTOR_CHECK(map.ok());
    std::uint64_t k = 1, found = 0;
    for (bool last_pass = false;;) {
      const bool writer_done = progress[2].load(std::memory_order_acquire) != 0;
      // Every key the writer had finished before we looked must be there, with its value.
      const std::uint64_t done = progress[0].load(std::memory_order_acquire);
      std::uint64_t v = 0;
      ctx.doing("find " + std::to_string(k));
      const Status s = must(find_u64(*map, k, &v));
      if (k <= done) SHMC_ACTOR_CHECK(s == Status::ok);
      if (s == Status::ok) {
        SHMC_ACTOR_CHECK(v == value_for(k));
        ++found;
      }
      k = k % kPairs + 1;
      if (k == 1 && last_pass) break;
      if (k == 1 && writer_done) last_pass = true;
      SHMC_ACTOR_CHECK(std::chrono::steady_clock::now() < ctx.deadline());
    }
    progress[1].store(found, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(30s);
  ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
  EXPECT_GE(progress[1].load(), kPairs) << "the reader's last full pass found every pair";
  for (std::uint64_t k = 1; k <= kPairs; ++k) {
    std::uint64_t v = 0;
    ASSERT_EQ(must(find_u64(*m, k, &v)), Status::ok) << k;
    ASSERT_EQ(v, value_for(k)) << k;
  }
}

// One actor's plan: operation kinds and keys, generated before the fork.
struct Step {
  std::uint32_t code;
  std::uint64_t key;
};
using Plan = std::vector<Step>;

rc::Gen<Plan> gen_plan(std::size_t length, std::uint64_t keys) {
  return rc::gen::container<Plan>(
      length, rc::gen::build<Step>(rc::gen::set(&Step::code, rc::gen::element<std::uint32_t>(
                                                                 check::map::kInsert, check::map::kUpdate,
                                                                 check::map::kFind, check::map::kErase)),
                                   rc::gen::set(&Step::key, rc::gen::inRange<std::uint64_t>(0, keys))));
}

void run_plans(const std::vector<Plan>& plans, std::uint32_t capacity) {
  const auto name = harness::unique_name("map-lin");
  auto m = Map::create(name, {.capacity = capacity});
  RC_ASSERT(m.ok());
  auto log = history::HistoryLog::create(harness::unique_name("map-lin-log"), static_cast<std::uint32_t>(plans.size()),
                                         static_cast<std::uint32_t>(2 * plans.front().size() + 2));
  RC_ASSERT(log.ok());
  harness::Actors actors;
  for (std::size_t a = 0; a < plans.size(); ++a) {
    actors.add("actor-" + std::to_string(a), [&, a](harness::ActorContext& ctx) {
      auto map = Map::open(name);
      SHMC_ACTOR_CHECK(map.ok());
      RecordedMap<Map> rm(*map, log->recorder(ctx.index()));
      std::uint64_t n = 0;
      for (const Step& s : plans[a]) {
        const std::uint64_t v = (std::uint64_t{a + 1} << 32) | ++n;  // every written value is unique
        std::uint64_t out = 0;
        switch (s.code) {
          case check::map::kInsert: rm.insert(s.key, v); break;
          case check::map::kUpdate: rm.update(s.key, v); break;
          case check::map::kErase: rm.erase(s.key); break;
          default: rm.find(s.key, &out); break;
        }
      }
      return 0;
    });
  }
  auto outcomes = actors.run(30s);
  RC_ASSERT(harness::all_ok(outcomes));
  auto history = log->collect();
  RC_ASSERT(history.ok());
  const check::map::Model model({.capacity = capacity, .full = check::map::FullPolicy::lenient});
  auto verdict = check::check_linearizable(*history, model);
  if (!verdict.ok()) RC_FAIL(verdict.report);
}

RC_GTEST_PROP(MapConcurrent, ConcurrentOperationsOnCollidingKeysAreLinearizablePerKey, ()) {
  // 6 keys in 8 buckets: long chains, shared home buckets, tombstones reused under contention.
  const auto plans = *rc::gen::container<std::vector<Plan>>(3, gen_plan(150, 6));
  run_plans(plans, 8);
}

RC_GTEST_PROP(MapConcurrent, ConcurrentOperationsNearAFullTableAreLinearizablePerKey, ()) {
  // More keys than buckets: "full" results (checked leniently) and wrap-around chains.
  const auto plans = *rc::gen::container<std::vector<Plan>>(2, gen_plan(60, 6));
  run_plans(plans, 4);
}

}  // namespace
}  // namespace shmc::map
