// Known answers for the queue pre-check: each bad pattern refutes at once and
// names its operations; the same shape excused by a pending operation does
// not. The brute-force checker confirms every answer.
#include <gtest/gtest.h>

#include "harness/check/brute_force.hpp"
#include "shmconform/check/linearizability.hpp"
#include "harness/check/queue_patterns.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check {
namespace {

using namespace shmc::check::testing;

const queue::Options kStrict{.capacity = 2};

// The pattern found (empty if none), after checking that both checkers agree
// with `linearizable` and that a refutation reads as one.
std::string pattern(const History& h, bool linearizable, queue::Options options = kStrict) {
  const queue::Model m(options);
  EXPECT_EQ(brute_force_linearizable(h, m), linearizable);
  const auto r = check_linearizable(h, m);
  EXPECT_EQ(r.ok(), linearizable) << r.report;
  EXPECT_EQ(check_linearizable(h, m, {.patterns = false}).ok(), linearizable);
  const auto found = queue::find_bad_pattern(h, options);
  if (!found) return "";
  EXPECT_FALSE(linearizable) << "a pattern refuted a linearisable history: " << found->pattern;
  EXPECT_NE(r.report.find(found->pattern), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("pre-check"), std::string::npos) << r.report;
  return found->pattern;
}

TEST(QueuePatterns, FreshValue) {
  EXPECT_EQ(pattern({push(0, 1, 1, 2), pop(1, 7, 3, 4)}, false), "fresh value");
  // Pushed only after the pop returned.
  EXPECT_EQ(pattern({pop(1, 5, 1, 2), push(0, 5, 3, 4)}, false), "fresh value");
  // A push that reported full enqueued nothing.
  EXPECT_EQ(pattern({push(0, 5, 1, 2, queue::kFull), pop(1, 5, 3, 4)}, false, {.capacity = 2, .strict_full = false}),
            "fresh value");
  // A crashed push invoked while the pop runs may have enqueued it.
  EXPECT_EQ(pattern({crashed(push(0, 5, 2, 0)), pop(1, 5, 1, 3)}, true), "");
}

TEST(QueuePatterns, ValuePoppedTwice) {
  EXPECT_EQ(pattern({push(0, 1, 1, 2), pop(1, 1, 3, 4), pop(2, 1, 3, 5)}, false), "value popped twice");
  EXPECT_EQ(pattern({crashed(push(0, 5, 1, 0)), pop(1, 5, 3, 4), pop(1, 5, 5, 6)}, false), "value popped twice");
  // Pushed twice, popped twice: not this pattern (and fine).
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 1, 3, 4), pop(1, 1, 5, 6), pop(1, 1, 7, 8)}, true), "");
}

TEST(QueuePatterns, FifoOrder) {
  // a then b pushed; b popped, a's pop starts after b's returned.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4), pop(1, 2, 5, 6), pop(1, 1, 7, 8)}, false), "FIFO order");
  // a never popped, b popped, no pending pop could have taken a.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4), pop(1, 2, 5, 6)}, false), "FIFO order");
  // ...but a pending pop invoked before b's pop returned may have taken a.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4), crashed(pop(2, 0, 5, 0)), pop(1, 2, 5, 6)}, true), "");
  // Overlapping pops may go in either order.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4), pop(1, 2, 5, 8), pop(2, 1, 6, 7)}, true), "");
  // A crashed push of a may not have happened at all: nothing is forced.
  EXPECT_EQ(pattern({crashed(push(0, 1, 1, 0)), push(2, 2, 3, 4), pop(1, 2, 5, 6)}, true), "");
}

TEST(QueuePatterns, EmptyWhileOccupied) {
  EXPECT_EQ(pattern({push(0, 1, 1, 2), pop_empty(1, 3, 4), pop(1, 1, 5, 6)}, false), "empty while occupied");
  EXPECT_EQ(pattern({push(0, 1, 1, 2), pop_empty(1, 3, 4)}, false), "empty while occupied");
  // The item's pop overlaps the empty pop: it may have gone first.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), pop_empty(1, 3, 6), pop(2, 1, 4, 5)}, true), "");
  // A pending pop may have taken it.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), crashed(pop(2, 0, 3, 0)), pop_empty(1, 4, 5)}, true), "");
  // Lenient empty: a spurious empty is a no-op.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), pop_empty(1, 3, 4)}, true, {.capacity = 2, .strict_empty = false}), "");
}

TEST(QueuePatterns, FullWithRoom) {
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4, queue::kFull)}, false), "full with room");
  // Two items in, one surely out before the full push starts.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4), pop(1, 1, 5, 6), push(0, 3, 7, 8, queue::kFull)}, false),
            "full with room");
  // A concurrent push may have filled the queue first.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(1, 2, 3, 6), push(0, 3, 4, 5, queue::kFull), pop(2, 1, 7, 8)}, true), "");
  // A crashed push may have filled it.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), crashed(push(1, 2, 3, 0)), push(0, 3, 4, 5, queue::kFull)}, true), "");
  // Lenient full and unbounded queues are exempt.
  EXPECT_EQ(pattern({push(0, 1, 1, 2), push(0, 2, 3, 4, queue::kFull)}, true, {.capacity = 2, .strict_full = false}), "");
}

TEST(QueuePatterns, ReportNamesTheOperations) {
  History h{push(0, 11, 1, 2), push(0, 22, 3, 4), pop(1, 22, 5, 6), pop(1, 11, 7, 8)};
  const auto r = check_linearizable(h, queue::Model(kStrict));
  ASSERT_FALSE(r.ok());
  ASSERT_TRUE(r.failure);
  EXPECT_EQ(r.failure->stuck, 2u);  // the pop of 22
  EXPECT_EQ(r.failure->window.size(), 4u);
  EXPECT_NE(r.report.find("FIFO order: item 11 is enqueued (actor 0 [1, 2]) before item 22"), std::string::npos)
      << r.report;
  EXPECT_NE(r.report.find("> [       5,        6]  pop()"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("actor 1:"), std::string::npos) << r.report;
}

}  // namespace
}  // namespace shmc::check
