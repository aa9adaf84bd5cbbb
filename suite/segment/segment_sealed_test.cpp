// The sealed segment's ordinary life: created over a memfd, sealed, handed to
// other processes by descriptor (inherited across fork, or over a Unix socket
// to a process that never had it), nothing in /dev/shm at any point.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/fd_passing.hpp"
#include "shmconform/runtime/segment.hpp"
#include "suite/segment/raw_memfd.hpp"

using namespace shmc;
using namespace std::chrono_literals;
using harness::ActorContext;

namespace {

TEST(SealedSegment, CreateThenOpenFromTheDescriptorSeesTheSameMemory) {
  SegmentOptions opts;
  opts.label = "sealed-test";
  auto created = Segment::create_sealed(SegmentKind::ring, 4096, {}, opts);
  ASSERT_TRUE(created) << created.error().describe();
  EXPECT_TRUE(created->sealed());
  EXPECT_FALSE(created->is_owner()) << "nothing to unlink";
  EXPECT_EQ(created->name(), "memfd:shmconform-sealed-test");
  EXPECT_EQ(::fcntl(created->fd(), F_GET_SEALS), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
  const SegmentHeader& h = created->header();
  EXPECT_EQ(h.magic, kSegmentMagic);
  EXPECT_EQ(h.state.load(), kStateReady);
  EXPECT_EQ(h.kind, static_cast<std::uint32_t>(SegmentKind::ring));
  EXPECT_EQ((ProcessIdentity{h.creator_tid, h.creator_start_ticks}), self_identity());
  EXPECT_STREQ(h.label, "sealed-test");

  auto opened = Segment::open_sealed(created->fd(), SegmentKind::ring);
  ASSERT_TRUE(opened) << opened.error().describe();
  EXPECT_TRUE(opened->sealed());
  EXPECT_NE(opened->fd(), created->fd()) << "open_sealed keeps its own duplicate";
  EXPECT_EQ(opened->name(), created->name()) << "the opener names it from /proc/self/fd";
  EXPECT_EQ(opened->generation(), created->generation());
  EXPECT_EQ(opened->payload_size(), created->payload_size());
  std::memcpy(created->payload(), "sealed", 7);
  EXPECT_STREQ(reinterpret_cast<const char*>(opened->payload()), "sealed");
}

TEST(SealedSegment, TheInitialiserFillsThePayloadAndAFailingOneLeavesNothingOpen) {
  auto seg = Segment::create_sealed(SegmentKind::raw, 64, [&](std::byte* p, std::size_t) -> Result<void> {
    std::memcpy(p, "init", 5);
    return {};
  });
  ASSERT_TRUE(seg) << seg.error().describe();
  auto opened = Segment::open_sealed(seg->fd(), SegmentKind::raw);
  ASSERT_TRUE(opened);
  EXPECT_STREQ(reinterpret_cast<const char*>(opened->payload()), "init");
  const std::set<int> before = test::open_descriptors();
  auto failed = Segment::create_sealed(SegmentKind::raw, 64, [](std::byte*, std::size_t) -> Result<void> {
    return make_error(Errc::invalid_argument, "initialiser refused");
  });
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::invalid_argument);
  EXPECT_EQ(test::open_descriptors(), before) << "the failed create left its memfd open";
}

TEST(SealedSegment, ItHasNoNameAnywhere) {
  const std::string label = "nameless-" + harness::run_id();
  SegmentOptions opts;
  opts.label = label;
  auto seg = Segment::create_sealed(SegmentKind::raw, 4096, {}, opts);
  ASSERT_TRUE(seg) << seg.error().describe();
  DIR* d = ::opendir("/dev/shm");
  ASSERT_NE(d, nullptr);
  std::vector<std::string> seen;
  while (const struct dirent* e = ::readdir(d))
    if (std::string(e->d_name).find(label) != std::string::npos) seen.emplace_back(e->d_name);
  ::closedir(d);
  EXPECT_TRUE(seen.empty()) << "a sealed segment appeared in /dev/shm as " << seen.front();
  auto unlinked = seg->unlink();
  ASSERT_FALSE(unlinked);
  EXPECT_EQ(unlinked.error().code, Errc::invalid_argument) << unlinked.error().describe();
}

TEST(SealedSegment, AForkedChildOpensTheInheritedDescriptor) {
  auto seg = Segment::create_sealed(SegmentKind::raw, 64);
  ASSERT_TRUE(seg) << seg.error().describe();
  const std::uint64_t generation = seg->generation();
  auto out = harness::run_in_child("inheritor", [&](ActorContext&) {
    auto mine = Segment::open_sealed(seg->fd(), SegmentKind::raw);
    SHMC_ACTOR_CHECK(mine.ok());
    SHMC_ACTOR_CHECK(mine->generation() == generation);
    std::memcpy(mine->payload(), "child", 6);
    return 0;
  }, 10s);
  ASSERT_TRUE(out.ok()) << out.describe();
  EXPECT_STREQ(reinterpret_cast<const char*>(seg->payload()), "child");
}

struct Handover {
  std::atomic<std::uint64_t> generation;
  std::atomic<std::uint32_t> created;
  std::atomic<std::uint32_t> answered;
  std::atomic<std::uint32_t> receiver_done;
};

// "" when a process that never had the segment got it over the socket and
// both saw each other's writes. `planted_wrong_object`: the receiver opens a
// segment of its own instead, which this check must notice.
std::string handed_to_a_stranger(bool planted_wrong_object) {
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) return "socketpair failed";
  harness::SharedArray<Handover> shared(1);
  Handover& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  // Both forked before the segment exists: the receiver can only get it through the socket.
  actors.add("creator", [&](ActorContext& ctx) {
    auto seg = Segment::create_sealed(SegmentKind::raw, 4096, [](std::byte* p, std::size_t) -> Result<void> {
      std::memcpy(p, "from the creator", 17);
      return {};
    });
    SHMC_ACTOR_CHECK(seg.ok());
    st.generation.store(seg->generation());
    st.created.store(1, std::memory_order_release);
    SHMC_ACTOR_CHECK(send_descriptor(ends[0], seg->fd()).ok());
    ctx.doing("waiting for the receiver's answer");
    SHMC_ACTOR_CHECK(harness::poll_for([&] { return st.receiver_done.load(std::memory_order_acquire) == 1; }, 5s));
    SHMC_ACTOR_CHECK(st.answered.load(std::memory_order_acquire) == 1);
    SHMC_ACTOR_CHECK(std::strcmp(reinterpret_cast<const char*>(seg->payload() + 64), "from the receiver") == 0);
    return 0;
  });
  actors.add("receiver", [&](ActorContext& ctx) {
    // However the receiver ends, the creator stops waiting for it.
    struct Done {
      std::atomic<std::uint32_t>& flag;
      ~Done() { flag.store(1, std::memory_order_release); }
    } done{st.receiver_done};
    ctx.doing("receiving the descriptor");
    auto fd = receive_descriptor(ends[1], 5000ms);
    SHMC_ACTOR_CHECK(fd.ok());
    auto seg = planted_wrong_object ? Segment::create_sealed(SegmentKind::raw, 4096)
                                    : Segment::open_sealed(*fd, SegmentKind::raw);
    ::close(*fd);
    SHMC_ACTOR_CHECK(seg.ok());
    SHMC_ACTOR_CHECK(seg->sealed());
    SHMC_ACTOR_CHECK(st.created.load(std::memory_order_acquire) == 1);
    SHMC_ACTOR_CHECK(seg->generation() == st.generation.load());
    SHMC_ACTOR_CHECK(std::strcmp(reinterpret_cast<const char*>(seg->payload()), "from the creator") == 0);
    std::memcpy(seg->payload() + 64, "from the receiver", 18);
    st.answered.store(1, std::memory_order_release);
    return 0;
  });
  auto out = actors.run(10s);
  ::close(ends[0]);
  ::close(ends[1]);
  return harness::all_ok(out) ? "" : harness::describe(out);
}

TEST(SealedSegment, AProcessThatNeverHadItGetsItOverAUnixSocket) { EXPECT_EQ(handed_to_a_stranger(false), ""); }

TEST(SealedSegment, PlantedReceiverWithAnotherSegmentIsCaught) {
  const std::string why = handed_to_a_stranger(true);
  EXPECT_NE(why.find("seg->generation() == st.generation.load()"), std::string::npos) << why;
}

}  // namespace
