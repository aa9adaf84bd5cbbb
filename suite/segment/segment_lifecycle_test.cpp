// Create, open, share, unlink: the segment's ordinary life.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"

using namespace shmc;
using namespace std::chrono_literals;
using harness::ActorContext;

namespace {

TEST(SegmentLifecycle, CreateThenOpenSeesTheSameMemory) {
  std::string name = harness::unique_name("seg");
  auto created = Segment::create(name, SegmentKind::raw, 4096);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_TRUE(created->is_owner());
  EXPECT_GE(created->payload_size(), 4096u);
  auto opened = Segment::open(name, SegmentKind::raw);
  ASSERT_TRUE(opened) << opened.error().describe();
  EXPECT_FALSE(opened->is_owner());
  EXPECT_EQ(opened->generation(), created->generation());
  std::memcpy(created->payload(), "hello", 6);
  EXPECT_STREQ(reinterpret_cast<const char*>(opened->payload()), "hello");
}

TEST(SegmentLifecycle, HeaderRecordsCreatorAndIsReady) {
  std::string name = harness::unique_name("seg");
  SegmentOptions opts;
  opts.label = "lifecycle-test";
  auto seg = Segment::create(name, SegmentKind::ring, 100, {}, opts);
  ASSERT_TRUE(seg) << seg.error().describe();
  const SegmentHeader& h = seg->header();
  EXPECT_EQ(h.magic, kSegmentMagic);
  EXPECT_EQ(h.layout_version, kSegmentLayoutVersion);
  EXPECT_EQ(h.abi_tag, current_abi_tag());
  EXPECT_EQ(h.state.load(), kStateReady);
  EXPECT_EQ((ProcessIdentity{h.creator_tid, h.creator_start_ticks}), self_identity());
  EXPECT_STREQ(h.label, "lifecycle-test");
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(seg->payload()) % kPayloadAlignment, 0u);
}

TEST(SegmentLifecycle, ModeIs0600ByDefault) {
  std::string name = harness::unique_name("seg");
  auto seg = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(seg);
  struct stat st {};
  ASSERT_EQ(::fstat(seg->fd(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u & ~static_cast<unsigned>(::umask(::umask(0))));
}

TEST(SegmentLifecycle, TheInitialiserRunsBeforeAnyoneCanOpen) {
  std::string name = harness::unique_name("seg");
  bool opened_during_init = true;
  auto seg = Segment::create(name, SegmentKind::raw, 64, [&](std::byte* p, std::size_t) -> Result<void> {
    SegmentOptions quick;
    quick.init_wait = 20ms;
    auto early = Segment::open(name, SegmentKind::raw, quick);
    opened_during_init = early.ok();
    if (!early.ok() && early.error().code != Errc::still_initialising)
      return make_error(Errc::corrupt, "unexpected: " + early.error().describe());
    std::memcpy(p, "init", 5);
    return {};
  });
  ASSERT_TRUE(seg) << seg.error().describe();
  EXPECT_FALSE(opened_during_init);
  auto later = Segment::open(name, SegmentKind::raw);
  ASSERT_TRUE(later);
  EXPECT_STREQ(reinterpret_cast<const char*>(later->payload()), "init");
}

TEST(SegmentLifecycle, AFailingInitialiserLeavesNothingBehind) {
  std::string name = harness::unique_name("seg");
  auto seg = Segment::create(name, SegmentKind::raw, 64, [](std::byte*, std::size_t) -> Result<void> {
    return make_error(Errc::invalid_argument, "initialiser refused");
  });
  ASSERT_FALSE(seg);
  EXPECT_EQ(seg.error().code, Errc::invalid_argument);
  EXPECT_EQ(Segment::open(name, SegmentKind::raw).error().code, Errc::not_found);
}

TEST(SegmentLifecycle, OnlyTheCreatorUnlinks) {
  std::string name = harness::unique_name("seg");
  auto created = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(created);
  std::optional<Segment> owner{std::move(created.value())};
  {
    auto opener = Segment::open(name, SegmentKind::raw);
    ASSERT_TRUE(opener);
    auto r = opener->unlink();
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::permission_denied);
  }  // the opener's destructor does not unlink either
  EXPECT_TRUE(Segment::open(name, SegmentKind::raw).ok());
  // A forked child inherits the owner object but is not the owner: its exit
  // (even through destructors) must not unlink the name.
  auto out = harness::run_in_child("child-of-owner", [&](ActorContext&) {
    Segment moved = std::move(*owner);  // runs ~Segment in the child at scope end
    return 0;
  }, 10s);
  EXPECT_TRUE(out.ok()) << out.describe();
  EXPECT_TRUE(Segment::open(name, SegmentKind::raw).ok()) << "a forked child unlinked its parent's segment";
  owner.reset();  // the owner's destructor unlinks
  EXPECT_EQ(Segment::open(name, SegmentKind::raw).error().code, Errc::not_found);
}

TEST(SegmentLifecycle, TheOwnerDoesNotUnlinkANameSomebodyReCreated) {
  std::string name = harness::unique_name("seg");
  harness::ScopedUnlink cleanup(name);
  auto first = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(first);
  ASSERT_EQ(::shm_unlink(name.c_str()), 0);  // as a cleanup daemon would
  auto second = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(second) << second.error().describe();
  second->disown();
  EXPECT_NE(first->generation(), second->generation());
  ASSERT_TRUE(first->unlink());  // must leave the second object alone
  auto again = Segment::open(name, SegmentKind::raw);
  ASSERT_TRUE(again) << "the first owner unlinked a segment it did not create";
  EXPECT_EQ(again->generation(), second->generation());
}

TEST(SegmentLifecycle, ActorsInOtherProcessesShareThePayload) {
  std::string name = harness::unique_name("seg");
  auto seg = Segment::create(name, SegmentKind::raw, sizeof(std::atomic<std::uint64_t>));
  ASSERT_TRUE(seg);
  auto* counter = reinterpret_cast<std::atomic<std::uint64_t>*>(seg->payload());
  harness::Actors actors;
  for (int i = 0; i < 3; ++i)
    actors.add("incrementer-" + std::to_string(i), [&name](ActorContext&) {
      auto mine = Segment::open(name, SegmentKind::raw);
      SHMC_ACTOR_CHECK(mine.ok());
      auto* c = reinterpret_cast<std::atomic<std::uint64_t>*>(mine->payload());
      for (int k = 0; k < 1000; ++k) c->fetch_add(1);
      return 0;
    });
  auto out = actors.run(20s);
  ASSERT_TRUE(harness::all_ok(out)) << harness::describe(out);
  EXPECT_EQ(counter->load(), 3000u);
}

}  // namespace
