// The cross-process pair measurement behind abi.atomic16.cross_process can
// fail: on a planted pair of two separately atomic words it finds torn reads.
#include <gtest/gtest.h>

#include "suite/abi/pair_consistency.hpp"

namespace {

using namespace shmc::ports;

TEST(AbiCanFail, PairMeasurementFindsAPlantedNonAtomicPair) {
  // Two processes on two (shared) cores: the gap between the two words is
  // hit many times in this window.
  const auto r = measure_pair_consistency(PairOps::planted_two_words, std::chrono::milliseconds(200));
  ASSERT_TRUE(r.error.empty()) << r.describe();
  EXPECT_GT(r.operations, 0u);
  EXPECT_FALSE(r.consistent()) << "the planted pair looked atomic: " << r.describe();
  std::printf("[   INFO   ] planted pair: %s\n", r.describe().c_str());
}

TEST(AbiCanFail, PairMeasurementPassesAnAtomicPairOnThisPlatformOrSaysWhy) {
  const auto r = measure_pair_consistency(PairOps::atomic16, std::chrono::milliseconds(100));
  ASSERT_TRUE(r.error.empty()) << r.describe();
  EXPECT_GT(r.operations, 0u);
  std::printf("[   INFO   ] std::atomic<16 bytes>: %s\n", r.describe().c_str());
}

}  // namespace
