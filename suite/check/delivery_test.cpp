// Known answers for the delivery checker: one test per rule, each failing case
// must be reported with its kind.
#include <gtest/gtest.h>

#include "shmconform/check/delivery.hpp"
#include "suite/check/delivery_items.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check::delivery {
namespace {

using testing_items::pop;
using testing_items::push;

const Item a0 = make_item(0, 0), a1 = make_item(0, 1), a2 = make_item(0, 2), b0 = make_item(1, 0);

void expect_problem(const Report& r, const std::string& kind) {
  EXPECT_FALSE(r.ok()) << r.text();
  bool found = false;
  for (const auto& p : r.problems) found = found || p.rfind(kind, 0) == 0;
  EXPECT_TRUE(found) << "no '" << kind << "' in " << r.text();
}

TEST(Delivery, CleanRun) {
  History h{push(0, a0, 1, 2), push(0, a1, 3, 4), push(1, b0, 1, 5), pop(2, a0, 6, 7), pop(3, b0, 6, 8),
            pop(2, a1, 9, 10), push(0, a2, 11, 12, queue::kFull)};
  auto r = check_delivery(h);
  EXPECT_TRUE(r.ok()) << r.text();
  EXPECT_EQ(r.pushes_acked, 3u);
  EXPECT_EQ(r.pushes_full, 1u);
  EXPECT_EQ(r.delivered, 3u);
}

TEST(Delivery, RemainingItemsAreNotLost) {
  History h{push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a0, 5, 6)};
  EXPECT_TRUE(check_delivery(h, {.remaining = {a1}}).ok());
  expect_problem(check_delivery(h), "loss");
}

TEST(Delivery, LossIsExcusedOnlyByAPendingPop) {
  History h{push(0, a0, 1, 2), push(0, a1, 3, 4), testing::crashed(pop(1, a0, 5, 0))};
  auto r = check_delivery(h);
  expect_problem(r, "loss");  // two missing, one pending pop
  h.push_back(pop(2, a1, 7, 8));
  EXPECT_TRUE(check_delivery(h).ok()) << check_delivery(h).text();
}

TEST(Delivery, Duplicate) {
  expect_problem(check_delivery({push(0, a0, 1, 2), pop(1, a0, 3, 4), pop(2, a0, 5, 6)}), "duplicate");
  expect_problem(check_delivery({push(0, a0, 1, 2), pop(1, a0, 3, 4)}, {.remaining = {a0}}), "duplicate");
}

TEST(Delivery, CrashedPushDeliveredAtMostOnce) {
  const Operation crashed_push = testing::crashed(push(0, a0, 1, 0));
  EXPECT_TRUE(check_delivery({crashed_push}).ok());
  EXPECT_TRUE(check_delivery({crashed_push, pop(1, a0, 3, 4)}).ok());
  expect_problem(check_delivery({crashed_push, pop(1, a0, 3, 4), pop(1, a0, 5, 6)}), "duplicate");
}

TEST(Delivery, Corruption) {
  Item bad = a0;
  bad.checksum ^= 1;
  expect_problem(check_delivery({push(0, a0, 1, 2), pop(1, bad, 3, 4)}), "corruption");
  expect_problem(check_delivery({push(0, a0, 1, 2), pop(1, a0, 3, 4), pop(1, b0, 5, 6)}), "corruption");
  Operation zero = testing::op(1, queue::kPop, 0, 0, queue::kOk, 0, 5, 6);
  expect_problem(check_delivery({push(0, a0, 1, 2), pop(1, a0, 3, 4), zero}), "corruption");
}

TEST(Delivery, FullPushNeverDelivered) {
  expect_problem(check_delivery({push(0, a0, 1, 2, queue::kFull), pop(1, a0, 3, 4)}), "phantom");
}

TEST(Delivery, PerProducerFifo) {
  // a1 came out (returned at 6) before anyone started popping a0 (at 7).
  expect_problem(check_delivery({push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a1, 5, 6), pop(2, a0, 7, 8)}), "FIFO");
  // Overlapping pops of a0 and a1 may return in either order.
  EXPECT_TRUE(check_delivery({push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a1, 5, 8), pop(2, a0, 6, 9)}).ok());
  // a0 left in the queue behind a popped a1.
  expect_problem(check_delivery({push(0, a0, 1, 2), push(0, a1, 3, 4), pop(1, a1, 5, 6)}, {.remaining = {a0}}),
                 "FIFO");
}

TEST(Delivery, ReportIsCapped) {
  History h;
  for (std::uint32_t s = 0; s < 50; ++s) h.push_back(push(0, make_item(0, s), 2 * s + 1, 2 * s + 2));
  auto r = check_delivery(h, {.max_problems = 5});
  EXPECT_EQ(r.problem_count, 50u);
  EXPECT_EQ(r.problems.size(), 5u);
  EXPECT_NE(r.text().find("45 more"), std::string::npos) << r.text();
}

}  // namespace
}  // namespace shmc::check::delivery
