// Single-process behaviour of every semaphore queue: FIFO order, bounded
// waits on empty and full, refusal of the wrong kind, and who removes names.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <semaphore.h>

#include "fixtures/semqueue/named_semaphore.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/semqueue/message_codec.hpp"
#include "suite/semqueue/queue_variants.hpp"
#include "suite/semqueue/typed_variants.hpp"

namespace {

using namespace shmc;
using namespace shmc::semqueue;
using namespace shmc::semqueue::test;
using namespace std::chrono_literals;

Message item(std::uint32_t seq) { return to_message(check::delivery::make_item(0, seq)); }

template <class V>
class SemQueueBasic : public ::testing::Test {};
TYPED_TEST_SUITE(SemQueueBasic, AllVariants, VariantNames);

TYPED_TEST(SemQueueBasic, DeliversInOrderAndStaysConsistent) {
  using V = TypeParam;
  auto q = V::create(harness::unique_name("semq-basic"), 4);
  ASSERT_TRUE(q) << q.error().describe();
  const std::uint32_t cap = q->snapshot().capacity;
  for (std::uint32_t round = 0; round < 3; ++round) {
    for (std::uint32_t i = 0; i < cap; ++i) ASSERT_TRUE(q->push(item(round * 10 + i), Clock::now() + 1s));
    for (std::uint32_t i = 0; i < cap; ++i) {
      Message m;
      ASSERT_TRUE(q->pop(m, Clock::now() + 1s));
      EXPECT_EQ(m.words, item(round * 10 + i).words);
    }
  }
  auto s = q->snapshot();
  EXPECT_TRUE(s.consistent()) << s.describe();
  EXPECT_EQ(s.items, 0u);
}

TYPED_TEST(SemQueueBasic, WaitsAreBoundedOnEmptyAndFull) {
  using V = TypeParam;
  auto q = V::create(harness::unique_name("semq-bound"), 2);
  ASSERT_TRUE(q) << q.error().describe();
  Message m;
  auto r = q->pop(m, Clock::now() + 30ms);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timed_out) << r.error().describe();
  const std::uint32_t cap = q->snapshot().capacity;
  for (std::uint32_t i = 0; i < cap; ++i) ASSERT_TRUE(q->push(item(i), Clock::now() + 1s));
  auto full = q->push(item(99), Clock::now() + 30ms);
  ASSERT_FALSE(full);
  EXPECT_EQ(full.error().code, Errc::timed_out) << full.error().describe();
  // A timed-out operation gives back what it took: the counts still agree.
  auto s = q->snapshot();
  EXPECT_TRUE(s.consistent()) << s.describe();
}

TYPED_TEST(SemQueueBasic, OpenSeesTheCreatorsQueue) {
  using V = TypeParam;
  const std::string name = harness::unique_name("semq-open");
  auto creator = V::create(name, 4);
  ASSERT_TRUE(creator) << creator.error().describe();
  {
    auto opener = V::open(name);
    ASSERT_TRUE(opener) << opener.error().describe();
    ASSERT_TRUE(opener->push(item(7), Clock::now() + 1s));
  }  // the opener closes, never unlinks: the creator still has a working queue
  Message m;
  ASSERT_TRUE(creator->pop(m, Clock::now() + 1s));
  EXPECT_EQ(m.words, item(7).words);
}

TYPED_TEST(SemQueueBasic, RefusesMissingAndTakenNames) {
  using V = TypeParam;
  const std::string name = harness::unique_name("semq-names");
  auto missing = V::open(name);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::not_found);
  auto first = V::create(name, 2);
  ASSERT_TRUE(first) << first.error().describe();
  auto second = V::create(name, 2);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::already_exists);
}

TEST(SemQueueKinds, EachVariantRefusesTheOthersSegments) {
  const std::string name = harness::unique_name("semq-kind");
  auto robust = RobustQueue::create(name, 4);
  ASSERT_TRUE(robust) << robust.error().describe();
  EXPECT_EQ(UnnamedQueue::open(name).error().code, Errc::wrong_kind);
  EXPECT_EQ(NamedQueue::open(name).error().code, Errc::wrong_kind);
  EXPECT_EQ(NamedSlot::open(name).error().code, Errc::wrong_kind);
  EXPECT_TRUE(RobustQueue::open(name));
}

TEST(SemQueueNamed, OnlyTheCreatorUnlinksItsSemaphores) {
  const std::string name = harness::unique_name("semq-owner");
  const std::string empty_name = NamedSemaphore::derived_name(name, "empty").value();
  {
    auto q = NamedQueue::create(name, 2);
    ASSERT_TRUE(q) << q.error().describe();
    { auto opener = NamedQueue::open(name); ASSERT_TRUE(opener); }
    sem_t* s = ::sem_open(empty_name.c_str(), 0);
    ASSERT_NE(s, SEM_FAILED) << "an opener's close removed the creator's semaphore";
    ::sem_close(s);
  }
  EXPECT_EQ(::sem_open(empty_name.c_str(), 0), SEM_FAILED) << "the creator left its semaphore behind";
}

TEST(SemQueueNamed, ALeftoverSemaphoreIsRefusedNotReused) {
  const std::string name = harness::unique_name("semq-leftover");
  const std::string full_name = NamedSemaphore::derived_name(name, "full").value();
  // A crashed earlier run left "<name>-full" with a stale count of 3.
  sem_t* stale = ::sem_open(full_name.c_str(), O_CREAT | O_EXCL, 0600, 3);
  ASSERT_NE(stale, SEM_FAILED);
  auto q = NamedQueue::create(name, 2);
  EXPECT_FALSE(q);
  if (!q) {
    EXPECT_EQ(q.error().code, Errc::already_exists) << q.error().describe();
  }
  ::sem_close(stale);
  ::sem_unlink(full_name.c_str());
  // The failed create removed everything it had made (the leak guard checks the segment and "-empty").
}

TEST(SemQueueUnnamed, AFailingSemInitLeavesNothingBehind) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "built without fault injection";
  harness::ScopedFault fault("sys/sem_init", ENOSYS, 1);
  auto q = UnnamedQueue::create(harness::unique_name("semq-seminit"), 2);
  ASSERT_FALSE(q);
  EXPECT_EQ(q.error().sys_errno, ENOSYS) << q.error().describe();
}

TEST(SemQueueTextbook, AFailingWaitIsAnErrorNotAHang) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "built without fault injection";
  auto q = NamedQueue::create(harness::unique_name("semq-eio"), 2);
  ASSERT_TRUE(q);
  harness::ScopedFault fault("sys/sem_clockwait", EINVAL);
  auto r = q->push(item(1), Clock::now() + 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sys_errno, EINVAL);
}

TEST(SemQueueTextbook, InterruptedWaitsAreRetried) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "built without fault injection";
  auto q = UnnamedQueue::create(harness::unique_name("semq-eintr"), 2);
  ASSERT_TRUE(q);
  harness::ScopedFault fault("sys/sem_clockwait", EINTR);
  // Every wait is "interrupted": EINTR is retried, and the deadline still ends it, as a timeout.
  const auto start = Clock::now();
  auto r = q->push(item(1), Clock::now() + 50ms);
  EXPECT_GE(Clock::now() - start, 50ms) << "gave up before the deadline instead of retrying";
  EXPECT_LT(Clock::now() - start, 5s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::timed_out) << r.error().describe();
  EXPECT_GT(fault.failures(), 1u);
}

TEST(SemQueueTextbook, ScribbledCountersAreRefusedNotFollowed) {
  const std::string name = harness::unique_name("semq-scribble");
  auto q = UnnamedQueue::create(name, 4);
  ASSERT_TRUE(q);
  ASSERT_TRUE(q->push(item(1), Clock::now() + 1s));
  auto seg = Segment::open(name, SegmentKind::sem_queue, holding_libc_objects({}));
  ASSERT_TRUE(seg);
  auto* ring = reinterpret_cast<TextbookRingHeader*>(seg->payload() + sizeof(UnnamedSemBlock));
  ring->head = 77;  // head past tail
  Message m;
  auto r = q->pop(m, Clock::now() + 1s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().describe();
}

}  // namespace
