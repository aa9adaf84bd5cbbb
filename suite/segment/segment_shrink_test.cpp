// A peer with write access shrinks the object under an opener that already
// validated it (docs/segment.md, Limits), the same attack on both kinds of
// segment:
// - named (shm_open): the shrink succeeds and nothing can stop it. What the
//   segment does is refuse later opens (truncated); an opener that already
//   holds its mapping dies of SIGBUS on its next access past the new end.
//   Shown in a child, as the report's rows show hazards.
// - sealed (memfd): the shrink and a grow fail with EPERM, even through a
//   descriptor the peer opened itself from /proc, and the opener's view stays
//   whole.
// Each check fails on the other kind, and the sealed one on a planted create
// that seals nothing (its openers told to look away).
#include <gtest/gtest.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/segment.hpp"
#include "suite/segment/payload_pattern.hpp"

using namespace shmc;
using namespace std::chrono_literals;
using harness::ActorContext;
using harness::ActorOutcome;

namespace {

constexpr std::size_t kPayload = 64 * 1024;

using shmc::testing::fill_pattern;
using shmc::testing::pattern_byte;
using shmc::testing::pattern_intact;

struct AttackState {
  std::atomic<std::uint32_t> opened;
  std::atomic<std::uint32_t> attacked;
  std::atomic<std::int32_t> grow_errno;    // 0: the peer's grow succeeded
  std::atomic<std::int32_t> shrink_errno;  // 0: the peer's shrink succeeded
};

struct AttackOutcome {
  int grow_errno = -1;
  int shrink_errno = -1;
  ActorOutcome opener, peer;
  std::optional<Error> reopen;  // a fresh open afterwards: its refusal, or nothing if it opened
  bool creator_view_intact = false;
  std::string setup;            // what failed before the attack could run
};

// One kind of segment under attack.
struct Target {
  std::function<Result<Segment>()> create;                              // test process, before the fork
  std::function<Result<Segment>(const Segment& created)> open;          // the opener's own view
  std::function<int(const Segment& created, pid_t creator)> writable;   // the peer's own descriptor
};

AttackOutcome attack(const Target& target) {
  AttackOutcome out;
  auto created = target.create();
  if (!created) {
    out.setup = "create: " + created.error().describe();
    return out;
  }
  const Segment& seg = *created;
  const pid_t creator = ::getpid();
  harness::SharedArray<AttackState> shared(1);
  AttackState& st = shared[0];
  st.grow_errno.store(-1);
  st.shrink_errno.store(-1);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("opener", [&](ActorContext& ctx) {
    std::signal(SIGBUS, SIG_DFL);  // sanitizers catch SIGBUS; its death is what we look for
    auto mine = target.open(seg);
    SHMC_ACTOR_CHECK(mine.ok());
    SHMC_ACTOR_CHECK(pattern_intact(*mine));
    st.opened.store(1, std::memory_order_release);
    ctx.doing("waiting for the peer's attack");
    SHMC_ACTOR_CHECK(harness::poll_for([&] { return st.attacked.load(std::memory_order_acquire) == 1; }, 5s));
    ctx.doing("touching every page after the attack");
    SHMC_ACTOR_CHECK(pattern_intact(*mine));
    mine->payload()[mine->payload_size() - 1] = pattern_byte(mine->payload_size() - 1);
    return 0;
  });
  actors.add("peer", [&](ActorContext& ctx) {
    SHMC_ACTOR_CHECK(harness::poll_for([&] { return st.opened.load(std::memory_order_acquire) == 1; }, 5s));
    const int fd = target.writable(seg, creator);
    SHMC_ACTOR_CHECK(fd >= 0);
    ctx.doing("growing, then shrinking the object to one page");
    // Grow first: a shrink after it still leaves the opener's last pages past the end.
    st.grow_errno.store(::ftruncate(fd, static_cast<off_t>(2 * seg.header().total_size)) == 0 ? 0 : errno);
    st.shrink_errno.store(::ftruncate(fd, ::sysconf(_SC_PAGESIZE)) == 0 ? 0 : errno);
    ::close(fd);
    st.attacked.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(10s);
  out.opener = outcomes[0];
  out.peer = outcomes[1];
  out.grow_errno = st.grow_errno.load();
  out.shrink_errno = st.shrink_errno.load();
  if (auto again = target.open(seg); !again) out.reopen = again.error();
  // The test process's own mapping: only read where the object still reaches.
  struct ::stat now {};
  if (::fstat(seg.fd(), &now) == 0 && static_cast<std::uint64_t>(now.st_size) >= seg.header().total_size)
    out.creator_view_intact = pattern_intact(seg);
  return out;
}

std::string describe(const AttackOutcome& o) {
  return "grow errno " + std::to_string(o.grow_errno) + ", shrink errno " + std::to_string(o.shrink_errno) +
         "; opener: " + o.opener.describe() + "; peer: " + o.peer.describe() +
         "; reopen: " + (o.reopen ? o.reopen->describe() : std::string("opened")) + (o.setup.empty() ? "" : "; " + o.setup);
}

// "" when the segment survived: both resizes refused with EPERM, every view whole, reopening works.
std::string survived(const AttackOutcome& o) {
  if (!o.setup.empty() || !o.peer.ok()) return "the attack did not run: " + describe(o);
  if (o.grow_errno != EPERM || o.shrink_errno != EPERM) return "the peer could resize it: " + describe(o);
  if (!o.opener.ok()) return "the opener's view broke: " + describe(o);
  if (o.reopen || !o.creator_view_intact) return "the segment did not stay usable: " + describe(o);
  return "";
}

// "" when the hazard was reproduced and reported as far as a named segment can:
// the shrink went through, the opener died of SIGBUS, a fresh open says truncated.
std::string hazard_reported(const AttackOutcome& o) {
  if (!o.setup.empty() || !o.peer.ok()) return "the attack did not run: " + describe(o);
  if (o.shrink_errno != 0) return "the peer could not shrink it: " + describe(o);
  if (o.opener.end != ActorOutcome::End::signalled || o.opener.signal != SIGBUS)
    return "the opener did not die of SIGBUS: " + describe(o);
  if (!o.reopen || o.reopen->code != Errc::truncated) return "a fresh open did not report it truncated: " + describe(o);
  return "";
}

Target sealed_target() {
  return Target{
      [] { return Segment::create_sealed(SegmentKind::raw, kPayload, fill_pattern); },
      [](const Segment& created) { return Segment::open_sealed(created.fd(), SegmentKind::raw); },
      [](const Segment& created, pid_t creator) {
        // Its own open file description, as any process of the same user could make it:
        // the seals belong to the object, not to the creator's descriptor.
        const std::string path = "/proc/" + std::to_string(creator) + "/fd/" + std::to_string(created.fd());
        const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
        return fd >= 0 ? fd : ::fcntl(created.fd(), F_DUPFD_CLOEXEC, 0);
      }};
}

struct NamedTarget {
  std::string name = harness::unique_name("shrunk");
  harness::ScopedUnlink cleanup{name};
  Target target() const {
    return Target{[n = name] { return Segment::create(n, SegmentKind::raw, kPayload, fill_pattern); },
                  [n = name](const Segment&) { return Segment::open(n, SegmentKind::raw); },
                  [n = name](const Segment&, pid_t) { return ::shm_open(n.c_str(), O_RDWR | O_CLOEXEC, 0); }};
  }
};

TEST(SegmentShrink, ASealedSegmentRefusesAPeersResizeAndTheOpenersViewStaysValid) {
  EXPECT_EQ(survived(attack(sealed_target())), "");
}

TEST(SegmentShrink, PlantedCreateThatSealsNothingIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  // Both halves of the defence removed: the create seals nothing and its opener does not look.
  harness::ScopedFault no_seals("segment/sealed/planted_no_seals", 0);
  harness::ScopedFault unchecked("segment/sealed/planted_unchecked_seals", 0);
  const AttackOutcome o = attack(sealed_target());
  EXPECT_NE(survived(o).find("the peer could resize it"), std::string::npos) << describe(o);
  EXPECT_EQ(o.shrink_errno, 0) << describe(o);
  EXPECT_EQ(o.opener.signal, SIGBUS) << "without the seals the opener meets the named segment's hazard: " << describe(o);
}

TEST(SegmentShrink, ANamedSegmentCannotStopItAndReportsItOnTheNextOpen) {
  NamedTarget named;
  EXPECT_EQ(hazard_reported(attack(named.target())), "");
}

TEST(SegmentShrink, TheHazardCheckFailsOnASealedSegment) {
  const std::string why = hazard_reported(attack(sealed_target()));
  EXPECT_NE(why.find("the peer could not shrink it"), std::string::npos) << why;
}

TEST(SegmentShrink, TheSurvivalCheckFailsOnANamedSegment) {
  NamedTarget named;
  const std::string why = survived(attack(named.target()));
  EXPECT_NE(why.find("the peer could resize it"), std::string::npos) << why;
}

}  // namespace
