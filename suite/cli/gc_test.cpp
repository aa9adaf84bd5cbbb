// gc removes what dead runs left and nothing else.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/gc.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/cli/gc_find.hpp"

using namespace shmc;

namespace {

using gc_testing::find;

// A name as a crashed run would have left it: a run id whose process is dead.
std::string dead_run_name(const std::string& label) {
  // Our own pid with another start tick is, by identity, a process that is gone.
  return "/shmconform-r" + std::to_string(::getpid()) + "t1-" + std::to_string(::gettid()) + "-" + label;
}

TEST(Gc, KeepsTheSegmentsOfALiveRunEvenWhenUnattached) {
  std::string name = harness::unique_name("gc");
  harness::ScopedUnlink cleanup(name);
  auto s = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(s);
  s->disown();
  s = Error{Errc::not_found, 0, {}};  // unattached: STALE by locks, but our run is alive
  auto ds = harness::collect_garbage(false);
  auto* d = find(ds, name);
  ASSERT_NE(d, nullptr);
  EXPECT_FALSE(d->removed);
  EXPECT_EQ(d->verdict, "RUN-ALIVE");
}

TEST(Gc, RemovesAStaleSegmentOfADeadRunAndKeepsAForeignOne) {
  std::string stale = dead_run_name("stale");
  std::string foreign = dead_run_name("foreign");
  harness::ScopedUnlink c1(stale), c2(foreign);
  {
    auto s = Segment::create(stale, SegmentKind::raw, 64);
    ASSERT_TRUE(s);
    s->disown();
  }
  int fd = ::shm_open(foreign.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "not a segment, not ours to delete", 33), 33);
  ::close(fd);

  auto dry = harness::collect_garbage(true);
  ASSERT_NE(find(dry, stale), nullptr);
  EXPECT_EQ(find(dry, stale)->verdict, "STALE");
  EXPECT_FALSE(find(dry, stale)->removed) << "dry run removed something";

  auto ds = harness::collect_garbage(false);
  ASSERT_NE(find(ds, stale), nullptr);
  EXPECT_TRUE(find(ds, stale)->removed);
  ASSERT_NE(find(ds, foreign), nullptr);
  EXPECT_EQ(find(ds, foreign)->verdict, "FOREIGN");
  EXPECT_FALSE(find(ds, foreign)->removed);
  EXPECT_EQ(Segment::open(stale, SegmentKind::raw).error().code, Errc::not_found);
  EXPECT_EQ(Segment::open(foreign, SegmentKind::raw).error().code, Errc::foreign);
}

TEST(Gc, KeepsAnAttachedSegmentOfADeadRun) {
  std::string name = dead_run_name("attached");
  harness::ScopedUnlink cleanup(name);
  auto s = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(s);
  s->disown();
  auto ds = harness::collect_garbage(false);
  ASSERT_NE(find(ds, name), nullptr);
  EXPECT_EQ(find(ds, name)->verdict, "ALIVE");
  EXPECT_FALSE(find(ds, name)->removed);
}

TEST(Gc, RemovesTheSemaphoresOfADeadRunOnly) {
  std::string dead = dead_run_name("sem");
  std::string live = harness::unique_name("sem");
  harness::ScopedUnlink c1(dead, harness::ScopedUnlink::Kind::semaphore), c2(live, harness::ScopedUnlink::Kind::semaphore);
  for (const auto& n : {dead, live}) {
    sem_t* sem = ::sem_open(n.c_str(), O_CREAT | O_EXCL, 0600, 1);
    ASSERT_NE(sem, SEM_FAILED);
    ::sem_close(sem);
  }
  auto ds = harness::collect_garbage(false);
  ASSERT_NE(find(ds, dead), nullptr);
  EXPECT_TRUE(find(ds, dead)->removed);
  ASSERT_NE(find(ds, live), nullptr);
  EXPECT_FALSE(find(ds, live)->removed);
  sem_t* still = ::sem_open(live.c_str(), 0);
  EXPECT_NE(still, SEM_FAILED);
  if (still != SEM_FAILED) ::sem_close(still);
}

}  // namespace

TEST(Gc, AnUnreadableSysvListIsOneUnknownEntryNotACleanAnswer) {
  const std::string missing = "/proc/self/no-such-sysvipc-list";
  const auto decisions = harness::collect_sysv_garbage(true, missing);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].entry, missing);
  EXPECT_EQ(decisions[0].verdict, "UNKNOWN");
  EXPECT_FALSE(decisions[0].removed);
  EXPECT_NE(decisions[0].reason.find("not looked at"), std::string::npos) << decisions[0].reason;
  // A directory opens but cannot be read: the same answer.
  const auto dir = harness::collect_sysv_garbage(true, "/proc/self");
  ASSERT_EQ(dir.size(), 1u);
  EXPECT_EQ(dir[0].verdict, "UNKNOWN") << dir[0].reason;
}

TEST(Gc, TheRealSysvListIsReadable) {
  for (const auto& d : harness::collect_sysv_garbage(true))
    EXPECT_NE(d.entry, "/proc/sysvipc/shm") << d.reason;
}
