// Counting mode: every store to a trapped range is counted exactly once, plain
// and locked alike, per range; a planted double count is caught.
#include <chrono>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/store_crash/trap_fixture.hpp"

namespace shmc::store_crash_test {
namespace {

using namespace std::chrono_literals;

struct Counted {
  std::uint64_t total, in_range0, in_range1;
};

// Runs the op in a child under a counting session; what it counted comes back through shared memory.
Counted count_in_child(std::uint32_t n, std::uint32_t adds, bool planted) {
  ShmMapping m(4096);
  harness::SharedArray<Counted> out(1);
  const auto o = harness::run_in_child("counter", [&](harness::ActorContext&) {
    trap::testing::plant_double_count_first(planted);
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    {
      trap::Window w(**s);
      byte_and_add_op(m, n, adds);
    }
    out[0] = Counted{(*s)->stores(), (*s)->stores_in(0), (*s)->stores_in(1)};
    return 0;
  }, 20s);
  EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(visible_stores(m, n), n + adds) << "the op's stores must all land in counting mode";
  return out[0];
}

// The exactness property: a count is right only if it is exactly n + adds.
bool exact(const Counted& c, std::uint32_t n, std::uint32_t adds) { return c.total == n + adds && c.in_range0 == c.total; }

TEST(StoreTrapCounting, PlainByteStoresAndFetchAddsCountedExactly) {
  SHMC_REQUIRE_STORE_TRAPS();
  for (auto [n, adds] : {std::pair{1u, 0u}, {200u, 50u}, {4000u, 4000u}}) {
    const Counted c = count_in_child(n, adds, false);
    EXPECT_TRUE(exact(c, n, adds)) << n << " stores + " << adds << " fetch_adds, counted " << c.total;
  }
}

TEST(StoreTrapCounting, PlantedDoubleCountIsCaughtByTheExactnessCheck) {
  SHMC_REQUIRE_STORE_TRAPS();
  const Counted c = count_in_child(200, 50, true);
  EXPECT_FALSE(exact(c, 200, 50)) << "the planted double count went unnoticed: counted " << c.total;
  EXPECT_EQ(c.total, 251u);
}

TEST(StoreTrapCounting, StoresOutsideTheWindowAndUntrappedMemoryAreNotCounted) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  harness::SharedArray<std::uint64_t> out(2);
  const auto o = harness::run_in_child("counter", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    m.bytes()[1] = 1;  // before the window
    {
      trap::Window w(**s);
      m.bytes()[2] = 1;
      out[1] = 5;  // another shared mapping, not trapped
    }
    m.bytes()[3] = 1;  // after it
    out[0] = (*s)->stores();
    return 0;
  }, 20s);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(out[0], 1u);
}

TEST(StoreTrapCounting, SeveralRangesCountedApart) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping a(4096), b(8192);
  harness::SharedArray<Counted> out(1);
  const auto o = harness::run_in_child("counter", [&](harness::ActorContext&) {
    auto s = trap::Session::start({a.range(), b.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    {
      trap::Window w(**s);
      byte_and_add_op(a, 3, 0);
      b.bytes()[5000] = 1;
      byte_and_add_op(b, 2, 2);
    }
    out[0] = Counted{(*s)->stores(), (*s)->stores_in(0), (*s)->stores_in(1)};
    return 0;
  }, 20s);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(out[0].in_range0, 3u);
  EXPECT_EQ(out[0].in_range1, 5u);
  EXPECT_EQ(out[0].total, 8u);
}

TEST(StoreTrapCounting, AWindowThatNeverEndsIsBoundedByTheStoreBudget) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  harness::SharedArray<std::uint64_t> out(2);
  const auto o = harness::run_in_child("spinner", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0, trap::Limits{.max_stores = 100});
    SHMC_ACTOR_CHECK(s.ok());
    {
      trap::Window w(**s);
      for (int i = 0; i < 100000; ++i) m.bytes()[i % 4000] = static_cast<std::uint8_t>(i);  // a spin that stores
    }
    out[0] = (*s)->stores();
    out[1] = (*s)->exhausted().has_value();
    SHMC_ACTOR_CHECK(!(*s)->protect().ok());  // an exhausted session opens no more windows
    return 0;
  }, 20s);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(out[0], 101u);
  EXPECT_EQ(out[1], 1u);
}

TEST(StoreTrapCounting, AWindowPastItsDeadlineStopsCounting) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  harness::SharedArray<std::uint64_t> out(1);
  const auto o = harness::run_in_child("spinner", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0, trap::Limits{.deadline = 0ms});
    SHMC_ACTOR_CHECK(s.ok());
    {
      trap::Window w(**s);
      for (int i = 0; i < 1000; ++i) m.bytes()[i] = 1;
    }
    out[0] = (*s)->exhausted().value_or("") == "window still open past the store-trap deadline";
    return 0;
  }, 20s);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(out[0], 1u);
}

}  // namespace
}  // namespace shmc::store_crash_test
