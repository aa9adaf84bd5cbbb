// The robust queue's own promises: a dead owner's lock is repaired and
// counted, scribbled counters are refused (and poison the segment when found
// during a repair), and a failing lock is an error, never a hang.
#include <gtest/gtest.h>

#include "fixtures/semqueue/robust_queue.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/semqueue/message_codec.hpp"

namespace {

using namespace shmc;
using namespace shmc::semqueue;
using namespace shmc::semqueue::test;
using namespace std::chrono_literals;

Message item(std::uint32_t seq) { return to_message(check::delivery::make_item(0, seq)); }

TEST(SemQueueRobust, ScribbledCountersAreRefusedNotFollowed) {
  const std::string name = harness::unique_name("semq-scribble");
  auto q = RobustQueue::create(name, 4);
  ASSERT_TRUE(q);
  auto seg = Segment::open(name, SegmentKind::sem_queue, holding_libc_objects({}));
  ASSERT_TRUE(seg);
  auto* h = reinterpret_cast<RobustRingHeader*>(seg->payload());
  h->tail.store(1000);  // a peer scribbles: 1000 messages in a ring of 4
  Message m;
  auto r = q->pop(m, Clock::now() + 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().describe();
  auto p = q->push(item(1), Clock::now() + 1s);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::corrupt);
}

TEST(SemQueueRobust, AFailingLockIsAnError) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "built without fault injection";
  auto q = RobustQueue::create(harness::unique_name("semq-lockfail"), 2);
  ASSERT_TRUE(q);
  harness::ScopedFault fault("semqueue/sys/mutex_lock", EIO);
  auto r = q->push(item(1), Clock::now() + 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::syscall_failed) << r.error().describe();
}

TEST(SemQueueRobust, ADeadOwnersLockIsRepairedAndCounted) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  const std::string name = harness::unique_name("semq-repair");
  auto q = RobustQueue::create(name, 4);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->push(item(1), Clock::now() + 1s));
  auto o = harness::run_in_child(
      "dies-holding-the-lock",
      [&](harness::ActorContext&) {
        auto mine = RobustQueue::open(name);
        SHMC_ACTOR_CHECK(mine.ok());
        return mine->push(item(2), Clock::now() + 1s) ? 0 : 1;
      },
      10s, harness::CrashAt{"semqueue/robust/push/locked", 1});
  ASSERT_EQ(o.end, harness::ActorOutcome::End::crashed_at_point) << o.describe();
  Message m;
  ASSERT_TRUE(q->pop(m, Clock::now() + 1s));  // EOWNERDEAD here, repaired
  EXPECT_EQ(m.words, item(1).words);
  auto s = q->snapshot();
  EXPECT_EQ(s.recoveries, 1u);
  EXPECT_TRUE(s.consistent()) << s.describe();
  EXPECT_EQ(s.items, 0u) << "the dead producer's push never committed";
}

TEST(SemQueueRobust, ADeadOwnerOverScribbledCountersPoisonsTheSegment) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points are compiled out in this build";
  const std::string name = harness::unique_name("semq-poison");
  auto q = RobustQueue::create(name, 4);
  ASSERT_TRUE(q);
  auto o = harness::run_in_child(
      "scribbles-and-dies",
      [&](harness::ActorContext&) {
        auto seg = Segment::open(name, SegmentKind::sem_queue, holding_libc_objects({}));
        SHMC_ACTOR_CHECK(seg.ok());
        reinterpret_cast<RobustRingHeader*>(seg->payload())->head.store(99);  // head past tail
        auto mine = RobustQueue::open(name);
        SHMC_ACTOR_CHECK(mine.ok());
        return mine->push(item(2), Clock::now() + 1s) ? 0 : 1;
      },
      10s, harness::CrashAt{"semqueue/robust/push/locked", 1});
  ASSERT_EQ(o.end, harness::ActorOutcome::End::crashed_at_point) << o.describe();
  Message m;
  auto r = q->pop(m, Clock::now() + 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().describe();
  auto again = RobustQueue::open(name);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::corrupt) << "the repairer should have poisoned the segment";
}

}  // namespace
