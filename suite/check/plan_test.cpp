// Plans: generation bounds, shrinking by dropping actors/ops/crashes, text
// round trip, and re-running during shrinking.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "shmconform/plan/generators.hpp"
#include "shmconform/plan/rerun.hpp"

namespace shmc::plan {
namespace {

PlanSpec spec() {
  PlanSpec s;
  s.min_actors = 2;
  s.max_actors = 4;
  s.max_ops = 6;
  s.roles = {"producer", "consumer"};
  s.op = [](const std::string& role) {
    return rc::gen::map(rc::gen::inRange<std::uint64_t>(0, 1000), [role](std::uint64_t v) {
      return PlannedOp{role == "producer" ? 1u : 2u, {v, 0}};
    });
  };
  s.crash_points = {"ring/push/claimed", "ring/pop/claimed"};
  s.max_kill_delay = std::chrono::microseconds(500);
  return s;
}

RC_GTEST_PROP(Plans, RespectTheSpec, ()) {
  const auto s = spec();
  const Plan p = *gen_plan(s);
  RC_ASSERT(p.actors.size() >= s.min_actors);
  RC_ASSERT(p.actors.size() <= s.max_actors);
  for (const auto& a : p.actors) {
    RC_ASSERT(a.ops.size() <= s.max_ops);
    for (const auto& op : a.ops) RC_ASSERT(op.code == (a.role == "producer" ? 1u : 2u));
    if (const auto* at = std::get_if<harness::CrashAt>(&a.crash)) RC_ASSERT(at->hit >= 1u && at->hit <= s.max_hit);
    if (const auto* k = std::get_if<harness::KillAfter>(&a.crash)) RC_ASSERT(k->delay.count() <= 500);
  }
  RC_CLASSIFY(p.crash_count() > 0, "with crashes");
}

RC_GTEST_PROP(Plans, TextRoundTrip, ()) {
  const Plan p = *gen_plan(spec());
  auto back = parse_plan(to_text(p));
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == p);
}

// Shrinks of a generated plan include dropping an actor, an operation and a crash.
TEST(Plans, ShrinksDropActorsOperationsAndCrashes) {
  bool dropped_actor = false, dropped_op = false, dropped_crash = false;
  const auto gen = gen_plan(spec());
  for (int seed = 0; seed < 200 && !(dropped_actor && dropped_op && dropped_crash); ++seed) {
    auto shrinkable = gen(rc::Random(static_cast<std::uint64_t>(seed)), 100);
    const Plan p = shrinkable.value();
    if (p.actors.size() <= 2 || p.crash_count() == 0) continue;
    auto shrinks = shrinkable.shrinks();
    for (int i = 0; i < 500; ++i) {
      auto next = shrinks.next();
      if (!next) break;
      const Plan q = next->value();
      dropped_actor = dropped_actor || q.actors.size() < p.actors.size();
      dropped_op = dropped_op || (q.actors.size() == p.actors.size() && q.op_count() < p.op_count());
      dropped_crash = dropped_crash || (q.actors.size() == p.actors.size() && q.crash_count() < p.crash_count());
    }
  }
  EXPECT_TRUE(dropped_actor);
  EXPECT_TRUE(dropped_op);
  EXPECT_TRUE(dropped_crash);
}

TEST(Plans, ReadablePrintingAndCrashPlans) {
  Plan p{{ActorPlan{"producer", {{1, {5, 0}}, {1, {6, 0}}}, harness::CrashAt{"ring/push/claimed", 2}},
          ActorPlan{"consumer", {{2, {0, 0}}}, harness::KillAfter{std::chrono::microseconds(250)}}},
         {}};
  const std::string text = describe(p);
  EXPECT_NE(text.find("actor 0 (producer), crash at ring/push/claimed hit 2: 1(5) 1(6)"), std::string::npos) << text;
  EXPECT_NE(text.find("actor 1 (consumer), SIGKILL after 250 us: 2(0)"), std::string::npos) << text;
  EXPECT_FALSE(parse_plan("shmconform-plan 1\nactor x crash=sometimes ops=\n").ok());
  EXPECT_FALSE(parse_plan("actor x crash=none ops=\n").ok());
  EXPECT_FALSE(parse_plan("shmconform-plan 2\nactor x crash=at:p:0 ops=\n").ok()) << "hit 0 never fires";
}

// A store crash names the operation whose window is trapped and the store: "store:<op>:<k>".
TEST(Plans, StoreCrashesNameTheirOperation) {
  Plan p{{ActorPlan{"producer", {{1, {5, 0}}, {1, {6, 0}}}, harness::StoreAt{1, 7}}}, {}};
  const std::string text = to_text(p);
  EXPECT_NE(text.find("crash=store:1:7 "), std::string::npos) << text;
  auto back = parse_plan(text);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, p);
  EXPECT_NE(describe(p).find("crash before store 7 of op 1"), std::string::npos) << describe(p);
  harness::CrashPlan old;
  ASSERT_TRUE(harness::parse_crash_plan("store:9", old)) << "the older one-window form";
  EXPECT_EQ(old, harness::CrashPlan(harness::StoreAt(0, 9)));
  EXPECT_FALSE(harness::parse_crash_plan("store:1:0", old)) << "store numbers start at 1";
  EXPECT_FALSE(harness::parse_crash_plan("store:x:3", old));
  EXPECT_FALSE(harness::parse_crash_plan("store:1:", old));
  EXPECT_FALSE(parse_plan("shmconform-plan 2\nactor x crash=store:2:1 ops=1:0:0,1:0:0\n").ok())
      << "op 2 of an actor with two operations";
}

// Version 2: profile, prior stages, waits-for and repeated operations round-trip; version 1 is still read.
TEST(Plans, StagesWaitsAndRepeatsRoundTrip) {
  Plan p;
  p.profile = "repair";
  p.actors.push_back(ActorPlan{"producer", {{1, {5, 0}}}, harness::CrashAt{"ring/push/claimed", 3}, true, -1});
  p.actors.push_back(ActorPlan{"consumer", std::vector<PlannedOp>(40, PlannedOp{2, {0, 0}}), {}, false, -1});
  p.actors.push_back(ActorPlan{"consumer", {{2, {0, 0}}}, {}, false, 1});
  const std::string text = to_text(p);
  EXPECT_NE(text.find("ops=2:0:0*40"), std::string::npos) << text;
  EXPECT_NE(text.find(" prior "), std::string::npos) << text;
  EXPECT_NE(text.find(" waits-for=1 "), std::string::npos) << text;
  auto back = parse_plan(text);
  ASSERT_TRUE(back.ok()) << back.error().describe();
  EXPECT_EQ(*back, p);
  auto v1 = parse_plan("shmconform-plan 1\nactor x crash=after:7us ops=1:2:3\n");
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->actors[0].crash, harness::CrashPlan{harness::KillAfter{std::chrono::microseconds(7)}});
  EXPECT_FALSE(parse_plan("shmconform-plan 2\nactor x crash=none waits-for=0 ops=\n").ok()) << "waits for itself";
  EXPECT_FALSE(parse_plan("shmconform-plan 2\nactor x crash=none ops=1:0:0*99999999999\n").ok());
}

// A runner that fails one time in three: before any failure a plan runs once;
// after one, a candidate passes only if it passes every attempt.
TEST(Plans, RerunnerRunsCandidatesSeveralTimesAfterAFailure) {
  int calls = 0;
  PlanRunner flaky = [&](const Plan&) { return RunResult{++calls % 3 != 0, "flaky"}; };
  Rerunner rerun(5);
  const Plan p{{ActorPlan{"a", {}, {}}}};
  EXPECT_TRUE(rerun.run(p, flaky).passed);  // call 1
  EXPECT_TRUE(rerun.run(p, flaky).passed);  // call 2
  auto failed = rerun.run(p, flaky);        // call 3 fails
  EXPECT_FALSE(failed.passed);
  EXPECT_TRUE(rerun.seen_failure());
  EXPECT_NE(failed.message.find("shmconform-plan 2"), std::string::npos) << failed.message;
  // Now a flaky candidate cannot pass: within 5 runs it fails again.
  calls = 0;
  EXPECT_FALSE(rerun.run(p, flaky).passed);
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(rerun.runs(), 3u + 3u);
}

}  // namespace
}  // namespace shmc::plan
