// The store-crash rows (checks_monitor_stores.cpp) can fail: with the planted
// unlock that wakes nobody, the robust-mutex row must not PASS.
#include <gtest/gtest.h>

#include <string_view>

#include "shmconform/harness/scoped_fault.hpp"
#include "suite/conformance/check_registry.hpp"

namespace {

using namespace shmc::conformance;

const Check* find(std::string_view id) {
  for (const Check& c : registry())
    if (c.id == id) return &c;
  return nullptr;
}

TEST(MonitorStoreRows, PlantedUnlockWithoutWakeIsNotAPass) {
  if (!shmc::harness::ScopedFault::available()) GTEST_SKIP() << "this build has no fault injection (FIU_ENABLE)";
  const Check* row = find("platform.robust_mutex.owner_killed_inside_unlock");
  ASSERT_NE(row, nullptr);
  shmc::harness::ScopedFault planted("monitor/stores/planted_unlock_without_wake", 0);
  const Outcome o = run_check(*row);
  if (o.verdict == Verdict::unsupported || o.verdict == Verdict::untested) GTEST_SKIP() << o.reason;
  EXPECT_EQ(o.verdict, Verdict::finding) << "the planted unlock wakes nobody: the peer wakes at its deadline; got "
                                         << to_string(o.verdict) << ": " << o.reason;
  EXPECT_NE(o.reason.find("woken only by its own deadline"), std::string::npos) << o.reason;
}

}  // namespace
