// The double-buffer rows can fail: each run on the other design. A PASS row of
// the seqlocked design FAILs on seed 001's design, a FINDING row about the
// seed's design FAILs on the seqlocked one (the hazard is not there), and each
// says why. The rows as registered (the right design) run beside these, one
// gtest each (conformance_test.cpp).
#include <gtest/gtest.h>

#include "shmconform/harness/actors.hpp"
#include "suite/double_buffer/checks_double_buffer.hpp"

namespace shmc::double_buffer::rows {
namespace {

using conformance::Outcome;
using conformance::Verdict;

void expect_fail(const Outcome& o) {
  EXPECT_EQ(o.verdict, Verdict::fail) << conformance::to_string(o.verdict) << ": " << o.reason;
  EXPECT_FALSE(o.reason.empty());
  std::printf("[   INFO   ] FAIL as planted: %s\n", o.reason.c_str());
}

TEST(DoubleBufferRowsCanFail, TwoWritesInsideOneReadFailsOnTheSeedDesign) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  expect_fail(two_writes_inside_one_read<SeedDoubleBuffer>());
}

TEST(DoubleBufferRowsCanFail, WriterKilledMidCopyFailsOnTheSeedDesign) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  expect_fail(writer_killed_mid_copy<SeedDoubleBuffer>());
}

TEST(DoubleBufferRowsCanFail, TornReadFindingFailsOnTheSeqlockedDesign) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  expect_fail(torn_read_finding<DoubleBuffer>());
}

TEST(DoubleBufferRowsCanFail, NeverCompletesFindingFailsOnTheSeqlockedDesign) {
  expect_fail(read_never_completes_finding<DoubleBuffer>());
}

}  // namespace
}  // namespace shmc::double_buffer::rows
