// The "map.crash" scenario: a rapidcheck plan (harness/plan) run against the
// shared map. Actors insert, update, find and erase colliding keys; each may
// be SIGKILLed at a map crash point or after a delay. Afterwards recover()
// must finish within its bound and the recorded history, the killed
// operations pending (may or may not have happened), must be linearisable
// key by key.
//
// Registered for `shmconform replay map.crash PLAN-FILE`, and used by the
// property in map_plan_test.cpp. run_map_plan<PlainSpinMap> is the planted
// bug: a lock holder's death leaves its bucket locked for good.
#pragma once

#include "fixtures/map/map.hpp"
#include "shmconform/plan/generators.hpp"
#include "shmconform/plan/rerun.hpp"

namespace shmc::map::testing {

plan::PlanSpec map_plan_spec();

template <class M>
plan::RunResult run_map_plan(const plan::Plan& p);

extern template plan::RunResult run_map_plan<Map>(const plan::Plan& p);
extern template plan::RunResult run_map_plan<PlainSpinMap>(const plan::Plan& p);

}  // namespace shmc::map::testing
