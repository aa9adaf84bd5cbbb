// Replaying one plan outside rapidcheck.
//
// A fixture registers each scenario its properties run (name -> runner), in a
// library the `shmconform` command links; the command line
//
//   shmconform replay <scenario> <plan-file | -> [--times N]
//
// parses the plan (the text a failing property prints), runs it N times
// (default 5; concurrency is not deterministic) and prints each verdict.
// Exit status: 0 every run passed, 1 some run failed, 2 usage or parse error.
// `shmconform replay --list` lists the registered scenarios.
#pragma once

#include <string>
#include <vector>

#include "shmconform/plan/rerun.hpp"

namespace shmc::plan {

// Safe to call from static initialisers. Re-registering a name replaces it.
void register_scenario(const std::string& name, const std::string& description, PlanRunner runner);
std::vector<std::string> scenario_names();

// argv[0] is the subcommand's own name ("replay"); output goes to stdout/stderr.
int replay_plan_main(int argc, char** argv);

}  // namespace shmc::plan
