// rapidcheck generators for plans. Call them on the test thread only, and
// generate the whole plan before any actor is forked.
//
// Shrinking drops whole actors (any of them), operations (any of them) and
// crash events (a crash shrinks to "none" first), then shrinks what is left.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <rapidcheck.h>

#include "shmconform/plan/plan.hpp"

namespace shmc::plan {

struct PlanSpec {
  std::size_t min_actors = 1;   // fewer generated (or shrunk to fewer) are padded with idle actors
  std::size_t max_actors = 4;
  std::size_t max_ops = 8;      // per actor
  std::vector<std::string> roles{"actor"};
  // Operations an actor of the given role may perform (model codes and arguments).
  std::function<rc::Gen<PlannedOp>(const std::string& role)> op;
  std::vector<std::string> crash_points;       // CrashAt candidates; empty: none
  std::uint32_t max_hit = 3;
  std::chrono::microseconds max_kill_delay{0};  // KillAfter in [0, max]; 0: none
  bool crashes = true;                          // false: no crash events at all
};

rc::Gen<harness::CrashPlan> gen_crash(const PlanSpec& spec);
rc::Gen<ActorPlan> gen_actor(const PlanSpec& spec);
rc::Gen<Plan> gen_plan(const PlanSpec& spec);

// Enforces the spec's actor bounds on a (possibly shrunk) list: truncates to
// max_actors and pads with idle actors up to min_actors, roles in turn.
Plan normalise(std::vector<ActorPlan> actors, const PlanSpec& spec);

}  // namespace shmc::plan
