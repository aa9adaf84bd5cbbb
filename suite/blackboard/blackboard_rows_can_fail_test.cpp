// The blackboard row can fail: run with the planted reader (its second
// sequence load moved before the copy) it must FAIL, the subscribers having
// caught torn copies. That reader is a race, so a run tears only when a
// publish overlaps a copy: one of five runs must (a single run tore in 69 of
// 70 tries on 2 loaded cores). The row as registered runs beside it (conformance_test.cpp).
#include <gtest/gtest.h>

#include "shmconform/harness/actors.hpp"
#include "suite/blackboard/checks_blackboard.hpp"

namespace shmc::blackboard::rows {
namespace {

TEST(BlackboardRowsCanFail, PublisherKilledFailsWithThePlantedReader) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  conformance::Outcome o;
  int runs = 0;
  while (runs < 5 && o.verdict != conformance::Verdict::fail) {
    o = killed_publisher_leaves_last_complete_value<ReadOrder::recheck_before_copy>();
    ++runs;
  }
  ASSERT_EQ(o.verdict, conformance::Verdict::fail)
      << "the planted reader passed " << runs << " runs: " << conformance::to_string(o.verdict) << ": " << o.reason;
  EXPECT_NE(o.reason.find("torn"), std::string::npos) << o.reason;
  std::printf("[   INFO   ] FAIL as planted (run %d): %s\n", runs, o.reason.c_str());
}

}  // namespace
}  // namespace shmc::blackboard::rows
