// The map driven by generated plans with crash schedules (harness/plan):
// shrinks to a minimal failing plan, re-running candidates because
// concurrency is not deterministic; the failure prints the plan's replay text
// for `shmconform replay map.crash`.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "shmconform/check/map_model.hpp"
#include "suite/map/map_scenario.hpp"

using namespace shmc;
using namespace shmc::map::testing;
using shmc::map::Map;
using shmc::map::PlainSpinMap;

namespace {

RC_GTEST_PROP(MapPlans, RandomPlansWithCrashesStayLinearizableAndNeverHang, ()) {
  if (!harness::crash_injection_available()) RC_DISCARD("release build: crash points are compiled out");
  static plan::Rerunner rerun(3);
  const plan::Plan p = *plan::gen_plan(map_plan_spec());
  RC_CLASSIFY(p.crash_count() > 0, "with crashes");
  plan::require_passes(p, rerun, [](const plan::Plan& q) { return run_map_plan<Map>(q); });
}

// The scenario can fail: with the seed's plain exchange spinlock, a holder
// killed inside its critical section leaves the bucket locked; the peer's
// bounded wait reports it and the run fails.
TEST(MapPlans, ThePlainSpinlockMapFailsTheSamePlan) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "release build: crash points are compiled out";
  plan::Plan p;
  plan::ActorPlan victim{"mapper", {{check::map::kInsert, {1, 0}}}, {}};
  victim.crash = harness::CrashAt{"map/write/key_written", 1};
  plan::ActorPlan peer{"mapper", {{check::map::kFind, {1, 0}}, {check::map::kInsert, {1, 0}}}, {}};
  p.actors = {victim, peer};
  // The peer may run before the victim locks: try a few times for the interleaving that matters.
  plan::RunResult plain;
  for (int attempt = 0; attempt < 10 && plain.passed; ++attempt) plain = run_map_plan<PlainSpinMap>(p);
  ASSERT_FALSE(plain.passed) << "the plain spinlock map survived a holder killed with the lock held";
  EXPECT_NE(plain.message.find("timed out"), std::string::npos) << plain.message;
  auto robust = run_map_plan<Map>(p);
  EXPECT_TRUE(robust.passed) << robust.message;
}

}  // namespace
