// The map driven by generated plans with crash schedules (harness/plan), run
// by the campaign engine on the map subject's "plan" profile: shrinks to a
// minimal failing plan, re-running candidates because concurrency is not
// deterministic; the failure prints the plan's replay text for
// `shmconform replay map:robust PLAN-FILE`.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/map_model.hpp"
#include "shmconform/plan/generators.hpp"
#include "shmconform/plan/rerun.hpp"
#include "shmconform/runtime/crash_catalog.hpp"

using namespace shmc;

namespace {

using namespace std::chrono_literals;

plan::PlanSpec map_plan_spec() {
  plan::PlanSpec spec;
  spec.min_actors = 2;
  spec.max_actors = 3;
  spec.max_ops = 12;
  spec.roles = {"mapper"};
  spec.op = [](const std::string&) {
    return rc::gen::build<plan::PlannedOp>(
        rc::gen::set(&plan::PlannedOp::code, rc::gen::element<std::uint32_t>(check::map::kInsert, check::map::kUpdate,
                                                                              check::map::kFind, check::map::kErase)),
        rc::gen::set(&plan::PlannedOp::arg,
                     rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 6),
                                  [](std::uint64_t k) { return std::array<std::uint64_t, 2>{k, 0}; })));
  };
  for (const auto& p : crash::crash_points_with_prefix("map/")) spec.crash_points.emplace_back(p.name);
  spec.max_hit = 3;
  spec.max_kill_delay = 2000us;
  return spec;
}

// The subject's "plan" profile; every written value unique (actor, sequence), as the checker needs.
plan::Plan prepared(plan::Plan p) {
  p.profile = "plan";
  for (std::size_t a = 0; a < p.actors.size(); ++a)
    for (std::size_t n = 0; n < p.actors[a].ops.size(); ++n) p.actors[a].ops[n].arg[1] = (std::uint64_t{a + 1} << 32) | (n + 1);
  return p;
}

plan::RunResult run(const char* variant_id, const plan::Plan& p) {
  const auto* variant = campaign::find_subject(variant_id);
  if (variant == nullptr) return {false, std::string("no subject ") + variant_id};
  // A kill delay may outlast an actor's work: such an actor is judged like any survivor.
  const auto r = campaign::run_plan(*variant, p, /*require_fired=*/false);
  if (r.verdict.ok()) return {true, {}};
  return {false, std::string(campaign::to_string(r.verdict.kind)) + ": " + r.verdict.summary + "\n" + r.verdict.detail};
}

RC_GTEST_PROP(MapPlans, RandomPlansWithCrashesStayLinearizableAndNeverHang, ()) {
  if (!harness::crash_injection_available()) RC_DISCARD("release build: crash points are compiled out");
  static plan::Rerunner rerun(3);
  const plan::Plan p = prepared(*plan::gen_plan(map_plan_spec()));
  RC_CLASSIFY(p.crash_count() > 0, "with crashes");
  plan::require_passes(p, rerun, [](const plan::Plan& q) { return run("map:robust", q); });
}

// The scenario can fail: with the seed's plain exchange spinlock, a holder
// killed inside its critical section leaves the bucket locked; the peer's
// bounded wait reports it and the run fails.
TEST(MapPlans, ThePlainSpinlockMapFailsTheSamePlan) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "release build: crash points are compiled out";
  plan::Plan p;
  plan::ActorPlan victim{"mapper", {{check::map::kInsert, {1, 0}}}, harness::CrashAt{"map/write/key_written", 1}};
  plan::ActorPlan peer{"mapper", {{check::map::kFind, {1, 0}}, {check::map::kInsert, {1, 0}}}, {}};
  p.actors = {victim, peer};
  p = prepared(p);
  // The peer may run before the victim locks: try a few times for the interleaving that matters.
  plan::RunResult plain;
  for (int attempt = 0; attempt < 10 && plain.passed; ++attempt) plain = run("map:plain_spin", p);
  ASSERT_FALSE(plain.passed) << "the plain spinlock map survived a holder killed with the lock held";
  EXPECT_NE(plain.message.find("survivor_stuck"), std::string::npos) << plain.message;
  EXPECT_NE(plain.message.find("timed out"), std::string::npos) << plain.message;
  auto robust = run("map:robust", p);
  EXPECT_TRUE(robust.passed) << robust.message;
}

}  // namespace
