// Known-answer histories: each is linearisable or not by hand-checked reasoning.
#include <gtest/gtest.h>

#include "harness/check/brute_force.hpp"
#include "shmconform/check/linearizability.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check {
namespace {

using namespace shmc::check::testing;

// Both checkers must give the expected answer; the fast one's report must be
// there exactly when it fails.
void expect(const History& h, const Model& m, bool linearizable) {
  auto r = check_linearizable(h, m);
  EXPECT_EQ(r.ok(), linearizable) << r.report;
  EXPECT_EQ(r.report.empty(), linearizable);
  if (h.size() <= 12) {
    EXPECT_EQ(brute_force_linearizable(h, m), linearizable);
  }
}

const queue::Model kQueue({.capacity = 2});

TEST(KnownAnswers, QueueSequentialFifo) {
  expect({push(0, 1, 1, 2), push(0, 2, 3, 4), pop(1, 1, 5, 6), pop(1, 2, 7, 8)}, kQueue, true);
}

TEST(KnownAnswers, QueueSequentialOutOfOrderIsNot) {
  expect({push(0, 1, 1, 2), push(0, 2, 3, 4), pop(1, 2, 5, 6)}, kQueue, false);
}

TEST(KnownAnswers, QueueConcurrentPushesEitherOrder) {
  expect({push(0, 1, 1, 4), push(1, 2, 2, 5), pop(2, 2, 6, 7), pop(2, 1, 8, 9)}, kQueue, true);
}

TEST(KnownAnswers, QueuePopOfNeverPushedValueIsNot) {
  expect({push(0, 1, 1, 2), pop(1, 7, 3, 4)}, kQueue, false);
}

TEST(KnownAnswers, QueueEmptyWhileItemSurelyInsideIsNot) {
  expect({push(0, 1, 1, 2), pop_empty(1, 3, 4)}, kQueue, false);
}

TEST(KnownAnswers, QueueEmptyConcurrentWithPushIs) {
  expect({push(0, 1, 1, 4), pop_empty(1, 2, 3), pop(1, 1, 5, 6)}, kQueue, true);
}

TEST(KnownAnswers, QueueFullOnlyAtCapacity) {
  expect({push(0, 1, 1, 2), push(0, 2, 3, 4), push(0, 3, 5, 6, queue::kFull)}, kQueue, true);
  expect({push(0, 1, 1, 2), push(0, 3, 5, 6, queue::kFull)}, kQueue, false);
  // Lenient full: a spurious full is a no-op.
  expect({push(0, 1, 1, 2), push(0, 3, 5, 6, queue::kFull)}, queue::Model({.capacity = 2, .strict_full = false}), true);
}

TEST(KnownAnswers, QueueDuplicateDeliveryIsNot) {
  expect({push(0, 1, 1, 2), pop(1, 1, 3, 4), pop(2, 1, 5, 6)}, kQueue, false);
}

// A crashed push may have taken effect...
TEST(KnownAnswers, CrashedPushMayTakeEffect) {
  expect({crashed(push(0, 5, 1, 0)), pop(1, 5, 3, 4)}, kQueue, true);
}
// ...or not.
TEST(KnownAnswers, CrashedPushMayNotTakeEffect) {
  expect({crashed(push(0, 5, 1, 0)), pop_empty(1, 3, 4)}, kQueue, true);
}
// But only after its invoke.
TEST(KnownAnswers, CrashedPushCannotTakeEffectBeforeItsInvoke) {
  expect({pop(1, 5, 1, 2), crashed(push(0, 5, 3, 0))}, kQueue, false);
}
// And at most once.
TEST(KnownAnswers, CrashedPushDeliveredTwiceIsNot) {
  expect({crashed(push(0, 5, 1, 0)), pop(1, 5, 3, 4), pop(1, 5, 5, 6)}, kQueue, false);
}
// A crashed pop may have removed the front item, which nobody sees again.
TEST(KnownAnswers, CrashedPopMayHaveTakenTheItem) {
  expect({push(0, 1, 1, 2), crashed(pop(1, 0, 3, 0)), pop_empty(2, 5, 6)}, kQueue, true);
  expect({push(0, 1, 1, 2), push(0, 2, 3, 4), crashed(pop(1, 0, 5, 0)), pop(2, 2, 7, 8)}, kQueue, true);
  // It cannot have taken the second item.
  expect({push(0, 1, 1, 2), push(0, 2, 3, 4), crashed(pop(1, 0, 5, 0)), pop(2, 2, 7, 8), pop(2, 1, 9, 10)}, kQueue,
         false);
}

const map::Model kMap;

TEST(KnownAnswers, MapPerKeyHistories) {
  expect({insert(0, 1, 10, 1, 2), insert(1, 2, 20, 3, 4), find(2, 1, 5, 6, 10), find(2, 2, 7, 8, 20)}, kMap, true);
  expect({insert(0, 1, 10, 1, 2), find(1, 1, 3, 4, 11)}, kMap, false);
  expect({insert(0, 1, 10, 1, 2), insert(1, 1, 11, 3, 4, map::kExists), erase(2, 1, 5, 6),
          find(2, 1, 7, 8, 0, map::kNotFound)},
         kMap, true);
  expect({erase(0, 1, 1, 2), insert(0, 1, 5, 3, 4)}, kMap, false);
}

TEST(KnownAnswers, MapFailureIsReportedInItsPartition) {
  History h{insert(0, 1, 10, 1, 2), insert(1, 2, 20, 3, 4), find(2, 1, 5, 6, 10), find(2, 2, 7, 8, 21)};
  auto r = check_linearizable(h, kMap);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.partitions, 2u);
  ASSERT_TRUE(r.failure && r.failure->partition_key);
  EXPECT_EQ(*r.failure->partition_key, 2u);
  EXPECT_EQ(r.failure->stuck, 3u);
  EXPECT_NE(r.report.find("partition of key 2"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("find(2)"), std::string::npos) << r.report;
}

TEST(KnownAnswers, MapExactCapacityCouplesKeys) {
  const map::Model exact({.capacity = 1, .full = map::FullPolicy::exact});
  expect({insert(0, 1, 10, 1, 2), insert(1, 2, 20, 3, 4, map::kFull)}, exact, true);
  expect({insert(0, 1, 10, 1, 2), insert(1, 2, 20, 3, 4)}, exact, false);
  expect({insert(0, 2, 20, 3, 4, map::kFull)}, exact, false);
  auto r = check_linearizable({insert(0, 1, 10, 1, 2), insert(1, 2, 20, 3, 4, map::kFull)}, exact);
  EXPECT_EQ(r.partitions, 1u);
}

TEST(KnownAnswers, CounterFetchAdd) {
  const counter::Model c;
  expect({fetch_add(0, 1, 0, 1, 4), fetch_add(1, 1, 1, 2, 5), read(2, 2, 6, 7)}, c, true);
  expect({fetch_add(0, 1, 0, 1, 4), fetch_add(1, 1, 0, 2, 5)}, c, false);  // lost update
  expect({crashed(fetch_add(0, 5, 0, 1, 0)), read(1, 5, 2, 3), read(1, 0, 4, 5)}, c, false);
  expect({crashed(fetch_add(0, 5, 0, 1, 0)), read(1, 0, 2, 3), read(1, 5, 4, 5)}, c, true);
}

TEST(KnownAnswers, Semaphore) {
  using namespace semaphore;
  const semaphore::Model s({.initial = 1, .max = 2});
  expect({sem(0, kTryWait, kOk, 1, 2), sem(1, kTryWait, kWouldBlock, 3, 4), sem(0, kPost, kOk, 5, 6),
          sem(1, kWait, kOk, 7, 8)},
         s, true);
  expect({sem(0, kTryWait, kOk, 1, 2), sem(1, kTryWait, kOk, 3, 4)}, s, false);
  expect({sem(0, kPost, kOk, 1, 2), sem(0, kPost, kOverflow, 3, 4)}, s, true);
  expect({sem(0, kPost, kOverflow, 1, 2)}, s, false);
  expect({sem(0, kWait, kTimedOut, 1, 2)}, s, false);
  // A waiter killed while blocked may or may not have taken the unit.
  expect({crashed(sem(0, kWait, kOk, 1, 0)), sem(1, kTryWait, kWouldBlock, 2, 3)}, s, true);
  expect({crashed(sem(0, kWait, kOk, 1, 0)), sem(1, kTryWait, kOk, 2, 3)}, s, true);
}

TEST(KnownAnswers, ReportShowsPerActorTableAndWindow) {
  History h;
  for (std::uint64_t i = 0; i < 20; ++i) h.push_back(push(0, i + 1, 4 * i + 1, 4 * i + 2));
  const queue::Model unbounded;
  for (std::uint64_t i = 0; i < 20; ++i) {
    const std::uint64_t v = i == 17 ? 19 : i == 18 ? 18 : i + 1;  // 18 and 19 come out swapped
    h.push_back(pop(1, v, 100 + 4 * i, 101 + 4 * i));
  }
  // The pre-check would name the FIFO-order pattern at once (queue_patterns_test):
  // this test is about the search's own report.
  auto r = check_linearizable(h, unbounded, {.patterns = false});
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(h[r.failure->stuck].value[0], 19u);
  EXPECT_EQ(r.failure->linearised.size(), 37u);  // all pushes and the first 17 pops
  EXPECT_LE(r.failure->window.size(), 3u) << r.report;  // no concurrency: the stuck op and its neighbours
  EXPECT_NE(r.report.find("actor 1:"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("> [     168,      169]  pop()"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("model state there: [18, 19, 20]"), std::string::npos) << r.report;
}

TEST(KnownAnswers, MalformedHistoryIsRejected) {
  EXPECT_THROW((void)check_linearizable({push(0, 1, 5, 4)}, kQueue), std::invalid_argument);
}

TEST(KnownAnswers, BudgetExhaustedIsUnknownNotAVerdict) {
  History h;
  for (int a = 0; a < 12; ++a) h.push_back(push(a, static_cast<std::uint64_t>(a + 1), 1, 100));
  h.push_back(pop(12, 99, 101, 102));
  auto r = check_linearizable(h, queue::Model{}, {.max_configurations = 50, .patterns = false});
  EXPECT_EQ(r.verdict, Verdict::unknown);
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.report.find("budget"), std::string::npos) << r.report;
}

}  // namespace
}  // namespace shmc::check
