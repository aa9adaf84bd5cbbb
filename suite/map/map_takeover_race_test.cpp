// Issue 14, class 2: several takers released together at one dead lock owner.
// Exactly one of them may take the lock over; the others must wait for that
// winner (alive) like for any holder. Each round a coordinator forges a dead
// holder's word into the key's home bucket and releases every taker at once.
// Checked: the takeovers of all takers add up to exactly one per round, and a
// counter the holders increment non-atomically inside the critical section
// (load, yield, store) lost no increment: nobody held the lock alongside.
//
// The planted variant (RereadTakeoverMap: re-reads the word after judging it
// dead and CASes from what it finds) must fail both checks; that test stays.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <sched.h>
#include <string>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;
using namespace std::chrono_literals;

constexpr int kTakers = 4;
constexpr std::uint64_t kRounds = 100;
// pid_max is at most 2^22: tid 2^22-1 started at tick 1 is nobody here.
constexpr ProcessIdentity kGhost{(1 << 22) - 1, 1};

struct Shared {
  std::atomic<std::uint64_t> round{0};
  std::atomic<std::uint64_t> started{0};          // taker-rounds begun
  std::atomic<std::uint64_t> done{0};             // taker-rounds finished
  std::atomic<std::uint64_t> counter{0};          // incremented non-atomically by holders of the home bucket
  std::atomic<std::uint64_t> acquisitions{0};     // the same, atomically
  std::atomic<std::uint64_t> takeovers{0};        // summed over takers' handles
  std::atomic<std::uint64_t> failures{0};         // operations that returned an error
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

Shared* g_shared = nullptr;
std::uint32_t g_home = 0;

// Inside the critical section: a read-modify-write spread over a yield, so two
// holders at once lose an increment.
void count_holder(std::uint32_t bucket) {
  if (g_shared == nullptr || bucket != g_home) return;
  const std::uint64_t c = g_shared->counter.load(std::memory_order_relaxed);
  ::sched_yield();
  g_shared->counter.store(c + 1, std::memory_order_relaxed);
  g_shared->acquisitions.fetch_add(1, std::memory_order_relaxed);
}

struct RaceResult {
  std::string problem;  // "" when the property held
  std::uint64_t takeovers = 0, counter = 0, acquisitions = 0;
};

template <class M>
RaceResult race_at_dead_owner() {
  RaceResult out;
  const std::string name = harness::unique_name("map-race");
  MapOptions options = bounded_options(2000ms);
  // Waiters ask about the holder almost continuously: every taker is inside its
  // judgement of the dead word when the first one takes it over.
  options.liveness_check_after = std::chrono::microseconds(1);
  auto created = M::create(name, {.capacity = 8}, options);
  if (!created) return {"create: " + created.error().describe()};
  M& map = *created;
  const std::uint64_t key = nth_key_with_home(map, 3, 0);
  if (must(insert_u64(map, key, 0)) != Status::ok) return {"setup insert failed"};
  auto* lock = &reinterpret_cast<BucketHead*>(map.segment().payload() + sizeof(MapHeader) +
                                              3 * bucket_stride_for(map.key_size(), map.value_size()))
                   ->lock;

  harness::SharedArray<Shared> shared(1);
  g_shared = &shared[0];
  g_home = 3;
  ObservedLockPolicy::hook = count_holder;
  {
    harness::Actors actors;
    // Holds the lock (as a live owner) while the takers line up behind it, then
    // turns into a dead owner: the takers judge the same dead word at their next
    // liveness checks, which is when two of them may both act on it.
    actors.add("coordinator", [&](harness::ActorContext& ctx) {
      const std::uint64_t me = pack(self_identity());
      SHMC_ACTOR_CHECK(me != 0);
      for (std::uint64_t r = 1; r <= kRounds; ++r) {
        ctx.doing("round " + std::to_string(r) + ": waiting for the takers");
        SHMC_ACTOR_CHECK(harness::poll_until(
            [&] { return shared[0].done.load() == (r - 1) * kTakers; }, ctx.deadline()));
        lock->store(me, std::memory_order_release);
        shared[0].round.store(r, std::memory_order_release);
        SHMC_ACTOR_CHECK(harness::poll_until(
            [&] { return shared[0].started.load() == r * kTakers; }, ctx.deadline()));
        lock->store(pack(kGhost), std::memory_order_release);  // the holder "died" holding it
      }
      return 0;
    });
    for (int t = 0; t < kTakers; ++t) {
      actors.add("taker-" + std::to_string(t), [&, t](harness::ActorContext& ctx) {
        auto mine = M::open(name, options);
        SHMC_ACTOR_CHECK(mine.ok());
        for (std::uint64_t r = 1; r <= kRounds; ++r) {
          ctx.doing("round " + std::to_string(r));
          SHMC_ACTOR_CHECK(harness::poll_until([&] { return shared[0].round.load() >= r; }, ctx.deadline()));
          shared[0].started.fetch_add(1);
          auto u = update_u64(*mine, key, r * 100 + static_cast<std::uint64_t>(t));
          if (!u.ok() || *u != Status::ok) shared[0].failures.fetch_add(1);
          shared[0].done.fetch_add(1);
        }
        shared[0].takeovers.fetch_add(mine->stats().takeovers);
        return 0;
      });
    }
    const auto outcomes = actors.run(60s);
    if (!harness::all_ok(outcomes)) out.problem = harness::describe(outcomes);
  }
  ObservedLockPolicy::hook = nullptr;
  g_shared = nullptr;
  out.takeovers = shared[0].takeovers.load();
  out.counter = shared[0].counter.load();
  out.acquisitions = shared[0].acquisitions.load();
  if (!out.problem.empty()) return out;
  if (shared[0].failures.load() != 0)
    out.problem += std::to_string(shared[0].failures.load()) + " updates failed (a holder found its lock changed)\n";
  if (out.takeovers != kRounds)
    out.problem += std::to_string(out.takeovers) + " takeovers in " + std::to_string(kRounds) +
                   " rounds: exactly one taker per dead owner may win\n";
  if (out.counter != out.acquisitions)
    out.problem += "the holders' counter says " + std::to_string(out.counter) + " after " +
                   std::to_string(out.acquisitions) + " acquisitions: two held the lock at once\n";
  return out;
}

TEST(MapTakeoverRace, ExactlyOneTakerWinsAndTheOthersWaitForIt) {
  const RaceResult r = race_at_dead_owner<ObservedMap>();
  EXPECT_EQ(r.problem, "");
  EXPECT_EQ(r.takeovers, kRounds);
  EXPECT_GE(r.acquisitions, kRounds * kTakers);
}

// The planted window is a few microseconds wide: one race catches it about half the time, so up to 20 races.
TEST(MapTakeoverRace, PlantedRereadBeforeTheCasIsCaught) {
  RaceResult r;
  for (int attempt = 0; attempt < 20 && r.problem.empty(); ++attempt) r = race_at_dead_owner<RereadTakeoverMap>();
  EXPECT_NE(r.problem, "") << "a takeover that CASes from a re-read word passed the race test (takeovers "
                           << r.takeovers << ", counter " << r.counter << ", acquisitions " << r.acquisitions << ")";
}

}  // namespace
}  // namespace shmc::map
