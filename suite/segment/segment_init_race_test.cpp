// Seed 003, exercise 5: create with O_EXCL, then initialise — a second process
// that opens in between must never use uninitialised memory, and must never
// hang. With the init lock it either waits (bounded) for READY or gets a clear
// error; a creator that dies at any step is reported as such.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>

#include "shmconform/runtime/crash_catalog.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/poll_until.hpp"

using namespace shmc;
using namespace std::chrono_literals;
using harness::ActorContext;
using harness::ActorOutcome;

namespace {

constexpr std::uint64_t kInitialised = 0x1badb002cafef00dULL;

// The fixture's initialiser writes a marker; whoever opens must see it.
Result<void> write_marker(std::byte* p, std::size_t) {
  std::memcpy(p, &kInitialised, sizeof kInitialised);
  return {};
}

std::uint64_t marker_of(const Segment& s) {
  std::uint64_t v = 0;
  std::memcpy(&v, s.payload(), sizeof v);
  return v;
}

TEST(SegmentInitRace, AnOpenerRacingTheCreatorSeesReadyMemoryOrAClearError) {
  constexpr int kTrials = 40;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::string name = harness::unique_name("race");
    harness::ScopedUnlink cleanup(name);
    harness::SharedArray<std::atomic<int>> verdict(1);  // 1 saw marker, 2 clear error, 3 bad memory
    harness::Actors actors;
    actors.add("creator", [&name](ActorContext&) {
      auto s = Segment::create(name, SegmentKind::raw, 256, write_marker);
      SHMC_ACTOR_CHECK(s.ok());
      s->disown();
      return 0;
    });
    actors.add("opener", [&name, &verdict](ActorContext& ctx) {
      while (std::chrono::steady_clock::now() < ctx.deadline()) {
        auto s = Segment::open(name, SegmentKind::raw);
        if (s) {
          verdict[0].store(marker_of(*s) == kInitialised ? 1 : 3);
          return 0;
        }
        if (s.error().code != Errc::not_found) {
          verdict[0].store(2);
          return 0;
        }
      }
      return 1;
    });
    auto out = actors.run(10s);
    ASSERT_TRUE(harness::all_ok(out)) << "trial " << trial << "\n" << harness::describe(out);
    ASSERT_EQ(verdict[0].load(), 1) << "trial " << trial << ": an opener saw an unready segment";
  }
}

TEST(SegmentInitRace, AnOpenerWaitsBoundedlyForASlowCreator) {
  std::string name = harness::unique_name("slow");
  harness::ScopedUnlink cleanup(name);
  harness::SharedArray<std::atomic<int>> release(1);
  harness::Actors actors;
  actors.add("slow-creator", [&](ActorContext& ctx) {
    auto s = Segment::create(name, SegmentKind::raw, 64, [&](std::byte* p, std::size_t n) -> Result<void> {
      ctx.doing("initialising until released");
      if (!harness::poll_until([&] { return release[0].load() != 0; }, ctx.deadline()))
        return make_error(Errc::timed_out, "never released");
      return write_marker(p, n);
    });
    SHMC_ACTOR_CHECK(s.ok());
    s->disown();
    return 0;
  });
  actors.add("impatient-opener", [&](ActorContext& ctx) {
    // Wait for the name to exist, then open with a short bound while init is stuck.
    SegmentOptions quick;
    quick.init_wait = 50ms;
    for (;;) {
      SHMC_ACTOR_CHECK(std::chrono::steady_clock::now() < ctx.deadline());
      auto s = Segment::open(name, SegmentKind::raw, quick);
      if (!s && s.error().code == Errc::not_found) continue;
      int rc = (!s && s.error().code == Errc::still_initialising) ? 0 : 1;
      release[0].store(1);
      return rc;
    }
  });
  auto out = actors.run(20s);
  EXPECT_TRUE(harness::all_ok(out)) << harness::describe(out);
  auto s = Segment::open(name, SegmentKind::raw);
  ASSERT_TRUE(s);
  EXPECT_EQ(marker_of(*s), kInitialised);
}

class CreatorKilledDuringInit : public ::testing::TestWithParam<std::string> {};

TEST_P(CreatorKilledDuringInit, OpenReportsTheDeadCreatorAndGcReclaimsIt) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "release build: crash points are compiled out";
  const std::string point = GetParam();
  std::string name = harness::unique_name("killed");
  harness::ScopedUnlink cleanup(name);
  auto out = harness::run_in_child("creator", [&](ActorContext&) {
    auto s = Segment::create(name, SegmentKind::raw, 64, write_marker);
    return s ? 0 : 1;
  }, 10s, harness::CrashAt{point, 1});
  ASSERT_EQ(out.end, ActorOutcome::End::crashed_at_point) << out.describe();

  SegmentOptions quick;
  quick.init_wait = 200ms;
  auto s = Segment::open(name, SegmentKind::raw, quick);
  if (point == "segment/create/after_ready") {
    // Ready before it died: usable, and STALE once nobody is attached.
    ASSERT_TRUE(s) << s.error().describe();
    EXPECT_EQ(marker_of(*s), kInitialised);
  } else {
    ASSERT_FALSE(s) << point << ": opened a segment whose creator died before READY";
    EXPECT_EQ(s.error().code, Errc::creator_died) << s.error().describe();
  }
  s = Error{Errc::not_found, 0, {}};  // detach before classifying
  auto cls = classify_segment(name);
  ASSERT_TRUE(cls) << cls.error().describe();
  EXPECT_EQ(cls->cls, SegmentClass::stale) << cls->reason;
  auto reclaimed = reclaim_if_stale(name);
  ASSERT_TRUE(reclaimed);
  EXPECT_EQ(reclaimed->cls, SegmentClass::stale);
  EXPECT_EQ(Segment::open(name, SegmentKind::raw).error().code, Errc::not_found);
}

std::vector<std::string> segment_crash_points() {
  std::vector<std::string> names;
  for (const auto& p : crash::crash_points_with_prefix("segment/create/")) names.emplace_back(p.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(EveryCreatePoint, CreatorKilledDuringInit, ::testing::ValuesIn(segment_crash_points()),
                         [](const auto& info) {
                           std::string n = info.param.substr(std::string("segment/create/").size());
                           for (auto& ch : n)
                             if (ch == '/') ch = '_';
                           return n;
                         });

TEST(SegmentInitRace, EveryCreateCrashPointIsCovered) {
  EXPECT_GE(segment_crash_points().size(), 5u) << "the campaign above iterates over the catalog; it must not be empty";
}

}  // namespace
