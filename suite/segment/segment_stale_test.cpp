// Stale detection from kernel facts: a segment is STALE exactly when no
// process is attached, whoever died and whatever the header says.
#include <gtest/gtest.h>

#include <atomic>
#include <sys/stat.h>
#include <thread>
#include <vector>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/poll_until.hpp"

using namespace shmc;
using namespace std::chrono_literals;
using harness::ActorContext;

namespace {

TEST(SegmentStale, AliveWhileAnyProcessIsAttached) {
  std::string name = harness::unique_name("stale");
  auto seg = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(seg);
  auto cls = classify_segment(name);
  ASSERT_TRUE(cls);
  EXPECT_EQ(cls->cls, SegmentClass::alive) << cls->reason;
  EXPECT_EQ(cls->creator, Liveness::alive);
  auto reclaimed = reclaim_if_stale(name);
  ASSERT_TRUE(reclaimed);
  EXPECT_EQ(reclaimed->cls, SegmentClass::alive);
  EXPECT_TRUE(Segment::open(name, SegmentKind::raw).ok()) << "reclaim removed a live segment";
}

TEST(SegmentStale, StaleWhenEveryAttachedProcessWasKilled) {
  std::string name = harness::unique_name("stale");
  harness::ScopedUnlink cleanup(name);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("creator", [&](ActorContext& ctx) {
    auto s = Segment::create(name, SegmentKind::raw, 64);
    SHMC_ACTOR_CHECK(s.ok());
    ctx.doing("holding the segment until killed");
    for (;;) ::pause();
    return 0;
  }, harness::KillAfter{100ms});
  auto out = actors.run(10s);
  ASSERT_TRUE(out[0].killed_by_plan()) << out[0].describe();
  auto cls = classify_segment(name);
  ASSERT_TRUE(cls) << cls.error().describe();
  EXPECT_EQ(cls->cls, SegmentClass::stale) << cls->reason;
  EXPECT_EQ(cls->creator, Liveness::dead);
  ASSERT_TRUE(reclaim_if_stale(name));
  EXPECT_EQ(Segment::open(name, SegmentKind::raw).error().code, Errc::not_found);
}

TEST(SegmentStale, AliveWhileAnOpenerLivesThoughTheCreatorDied) {
  // Not a counter of attached processes (a dead one could not decrement it):
  // the kernel's locks say who is still there.
  std::string name = harness::unique_name("stale");
  harness::ScopedUnlink cleanup(name);
  {
    auto creator_gone = harness::run_in_child("creator", [&](ActorContext&) {
      auto s = Segment::create(name, SegmentKind::raw, 64);
      if (!s) return 1;
      s->disown();
      return 0;
    }, 10s);
    ASSERT_TRUE(creator_gone.ok()) << creator_gone.describe();
  }
  auto opener = Segment::open(name, SegmentKind::raw);
  ASSERT_TRUE(opener) << opener.error().describe();
  auto cls = classify_segment(name);
  ASSERT_TRUE(cls);
  EXPECT_EQ(cls->cls, SegmentClass::alive) << cls->reason;
  EXPECT_EQ(cls->creator, Liveness::dead);
  opener = Error{Errc::not_found, 0, {}};  // detach
  cls = classify_segment(name);
  ASSERT_TRUE(cls);
  EXPECT_EQ(cls->cls, SegmentClass::stale) << cls->reason;
}

TEST(SegmentStale, AChildInheritingTheDescriptorKeepsItAlive) {
  std::string name = harness::unique_name("stale");
  harness::ScopedUnlink cleanup(name);
  auto seg = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(seg);
  seg->disown();
  harness::SharedArray<std::atomic<int>> flags(2);  // [0] child running, [1] child may end
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("inheritor", [&](ActorContext& ctx) {
    flags[0].store(1);
    ctx.doing("holding the inherited descriptor");
    return harness::poll_until([&] { return flags[1].load() != 0; }, ctx.deadline()) ? 0 : 1;
  });
  std::vector<harness::ActorOutcome> out;
  std::thread runner([&] { out = actors.run(10s); });
  ASSERT_TRUE(harness::poll_for([&] { return flags[0].load() != 0; }, 10s)) << "the inheritor never started";
  seg = Error{Errc::not_found, 0, {}};  // this process detaches; the child still holds the descriptor
  auto during = classify_segment(name);
  flags[1].store(1);
  runner.join();
  ASSERT_TRUE(during) << during.error().describe();
  EXPECT_EQ(during->cls, SegmentClass::alive) << during->reason;
  EXPECT_TRUE(harness::all_ok(out)) << harness::describe(out);
  auto after = classify_segment(name);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->cls, SegmentClass::stale) << after->reason;
}

TEST(SegmentStale, AReclaimRacingAnOpenerNeverLeavesTheOpenerOnAnUnlinkedObject) {
  constexpr int kTrials = 30;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::string name = harness::unique_name("gcrace");
    harness::ScopedUnlink cleanup(name);
    {
      auto s = Segment::create(name, SegmentKind::raw, 64);
      ASSERT_TRUE(s);
      s->disown();
    }  // now STALE
    harness::SharedArray<std::atomic<int>> verdict(1);  // 1 opened a linked object, 2 not found, 3 unlinked object
    harness::Actors actors;
    actors.add("gc", [&](ActorContext&) { return reclaim_if_stale(name).ok() ? 0 : 1; });
    actors.add("opener", [&](ActorContext&) {
      auto s = Segment::open(name, SegmentKind::raw);
      if (!s) {
        verdict[0].store(s.error().code == Errc::not_found ? 2 : 4);
        return 0;
      }
      struct stat st {};
      ::fstat(s->fd(), &st);
      verdict[0].store(st.st_nlink > 0 ? 1 : 3);
      return 0;
    });
    auto out = actors.run(10s);
    ASSERT_TRUE(harness::all_ok(out)) << harness::describe(out);
    int v = verdict[0].load();
    ASSERT_TRUE(v == 1 || v == 2) << "trial " << trial << ": verdict " << v;
  }
}

}  // namespace
