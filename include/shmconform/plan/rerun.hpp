// Re-running plans, because a concurrent run is not deterministic.
//
// rapidcheck shrinks by re-running smaller plans and keeps one only if it still
// fails. A race that shows up once in three runs would make shrinking stop
// early, at a plan that merely got lucky. So once a property has failed,
// every later candidate (the shrinks) is run several times and counts as
// passing only if every run passes.
//
//   RC_GTEST_PROP(Ring, Linearizable, ()) {
//     static plan::Rerunner rerun(5);
//     const auto p = *plan::gen_plan(spec);
//     plan::require_passes(p, rerun, [](const plan::Plan& p) { return run_ring(p); });
//   }
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include <rapidcheck.h>

#include "shmconform/plan/plan.hpp"

namespace shmc::plan {

struct RunResult {
  bool passed = true;
  std::string message;  // why it failed: checker report, actor outcomes
};
using PlanRunner = std::function<RunResult(const Plan&)>;

class Rerunner {
 public:
  explicit Rerunner(unsigned attempts_after_failure = 5) : attempts_(attempts_after_failure == 0 ? 1 : attempts_after_failure) {}
  // One run until a failure was seen, then up to `attempts` runs (stops at the first failure).
  RunResult run(const Plan& plan, const PlanRunner& runner);
  bool seen_failure() const { return seen_failure_; }
  std::size_t runs() const { return runs_; }
  unsigned attempts() const { return seen_failure_ ? attempts_ : 1; }

 private:
  unsigned attempts_;
  bool seen_failure_ = false;
  std::size_t runs_ = 0;
};

// The failure message: the runner's message, the readable plan and its replay text.
std::string failure_message(const Plan& plan, const RunResult& result, unsigned attempt, unsigned attempts);

// For rapidcheck properties: runs the plan through the rerunner and RC_FAILs with
// failure_message() if any run fails.
inline void require_passes(const Plan& plan, Rerunner& rerunner, const PlanRunner& runner) {
  const RunResult r = rerunner.run(plan, runner);
  if (!r.passed) RC_FAIL(r.message);
}

}  // namespace shmc::plan
