// The robust ring (fixtures/ring) under store traps, with none of its crash
// points armed: how many stores a push and a pop make, and, for every k, a
// producer killed before the k-th store of its push leaves a ring that a
// survivor repairs, with the earlier item intact and the next push working.
#include <array>
#include <chrono>
#include <cstring>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/store_crash/trap_fixture.hpp"

namespace shmc::store_crash_test {
namespace {

using namespace std::chrono_literals;
using Msg = std::array<std::byte, 16>;

Msg msg(std::uint8_t tag) {
  Msg m{};
  std::memset(m.data(), tag, m.size());
  return m;
}

enum class RingOp { push, pop };

// Runs one push or pop of an opened ring in a child, inside a store-trap window over the ring's segment.
template <ring::Variant V>
harness::ActorOutcome trapped_op(const std::string& name, RingOp op, harness::CrashPlan plan,
                                 harness::SharedArray<std::uint64_t>& stores) {
  return harness::run_in_child(op == RingOp::push ? "producer" : "consumer", [&, op](harness::ActorContext& ctx) {
    auto ring = ring::BasicRing<V>::open(name);
    SHMC_ACTOR_CHECK(ring.ok());
    auto ranges = trap::find_mappings(name);
    SHMC_ACTOR_CHECK(ranges.ok());
    auto s = trap::Session::start(*ranges);
    SHMC_ACTOR_CHECK(s.ok());
    ctx.doing(op == RingOp::push ? "try_push" : "try_pop");
    Msg out{};
    {
      trap::Window w(**s);
      if (op == RingOp::push) SHMC_ACTOR_CHECK(ring->try_push(msg(2)).ok());
      else SHMC_ACTOR_CHECK(ring->try_pop(out).ok());
    }
    stores[0] = (*s)->stores();
    return 0;
  }, 10s, std::move(plan));
}

template <ring::Variant V = ring::Variant::robust>
std::uint64_t stores_of(RingOp op) {
  auto ring = ring::BasicRing<V>::create(harness::unique_name("ring-stores"), {.capacity = 4, .slot_size = 16});
  EXPECT_TRUE(ring.ok());
  if (op == RingOp::pop) {
    EXPECT_TRUE(ring->try_push(msg(2)).ok());
  }
  harness::SharedArray<std::uint64_t> stores(1);
  const auto o = trapped_op<V>(ring->segment().name(), op, {}, stores);
  EXPECT_TRUE(o.ok()) << o.describe();
  return stores[0];
}

TEST(StoreTrapRing, PushAndPopStoreCountsAreStable) {
  SHMC_REQUIRE_STORE_TRAPS();
  const std::uint64_t push = stores_of(RingOp::push), pop = stores_of(RingOp::pop);
  std::printf("robust ring (16-byte message): try_push %llu stores, try_pop %llu stores\n",
              static_cast<unsigned long long>(push), static_cast<unsigned long long>(pop));
  RecordProperty("ring_push_stores", static_cast<int>(push));
  RecordProperty("ring_pop_stores", static_cast<int>(pop));
  EXPECT_GT(push, 2u);
  EXPECT_GT(pop, 1u);
  EXPECT_EQ(stores_of(RingOp::push), push) << "a push on the same state makes the same stores";
}

// A producer killed before store k of its push; then the survivor's checks. Empty when all held.
template <ring::Variant V>
std::string survive_push_death(std::uint32_t k, std::uint64_t n) {
  const std::string at = "k=" + std::to_string(k) + ": ";
  ring::RingOptions options;
  options.stall_bound = 1ms;
  auto ring = ring::BasicRing<V>::create(harness::unique_name("ring-stores"), {.capacity = 4, .slot_size = 16}, options);
  if (!ring || !ring->try_push(msg(1)).ok()) return at + "set-up failed";
  harness::SharedArray<std::uint64_t> stores(1);
  const auto o = trapped_op<V>(ring->segment().name(), RingOp::push, harness::StoreAt{k}, stores);
  if (k <= n && o.end != harness::ActorOutcome::End::crashed_at_point) return at + "victim did not die: " + o.describe();
  if (k > n && !o.ok()) return at + o.describe();
  // The survivor: the first item intact, the dead push delivered whole or never, the ring still usable.
  Msg out{};
  auto first = ring->pop(out, 200ms);
  if (!first.ok() || first->status != ring::PopStatus::popped || out != msg(1)) return at + "the earlier item is gone";
  auto again = ring->push(msg(3), 200ms);
  if (!again.ok() || *again != ring::PushStatus::pushed) return at + "a push after the death failed";
  std::vector<Msg> rest;
  for (int i = 0; i < 3; ++i) {
    auto r = ring->pop(out, 50ms);
    if (!r.ok()) return at + r.error().describe();
    if (r->status != ring::PopStatus::popped) break;
    rest.push_back(out);
  }
  if (rest.empty() || rest.back() != msg(3)) return at + "the push after the death was not delivered";
  if (rest.size() > 2 || (rest.size() == 2 && rest.front() != msg(2))) return at + "a torn or extra item was delivered";
  if (!ring->validate().ok()) return at + "validate() refused the ring";
  return "";
}

TEST(StoreTrapRing, AProducerKilledBeforeAnyStoreOfItsPushLeavesARepairableRing) {
  SHMC_REQUIRE_STORE_TRAPS();
  const std::uint64_t n = stores_of(RingOp::push);
  for (std::uint32_t k = 1; k <= n + 1; ++k) EXPECT_EQ(survive_push_death<ring::Variant::robust>(k, n), "");
}

// The planted bug: the ring without stamps or repair. Some crash state of its push must jam the survivor.
TEST(StoreTrapRing, TheNonRobustRingIsCaughtAtSomeStoreOfItsPush) {
  SHMC_REQUIRE_STORE_TRAPS();
  const std::uint64_t n = stores_of<ring::Variant::non_robust>(RingOp::push);
  std::printf("non-robust ring: try_push %llu stores\n", static_cast<unsigned long long>(n));
  std::string found;
  for (std::uint32_t k = 1; k <= n + 1 && found.empty(); ++k) found = survive_push_death<ring::Variant::non_robust>(k, n);
  EXPECT_NE(found, "") << "no crash state of the non-robust push was noticed";
  std::printf("non-robust ring, first finding: %s\n", found.c_str());
}

}  // namespace
}  // namespace shmc::store_crash_test
