#include "shmconform/plan/rerun.hpp"

namespace shmc::plan {

RunResult Rerunner::run(const Plan& plan, const PlanRunner& runner) {
  const unsigned n = attempts();
  for (unsigned i = 1; i <= n; ++i) {
    ++runs_;
    RunResult r = runner(plan);
    if (!r.passed) {
      seen_failure_ = true;
      r.message = failure_message(plan, r, i, n);
      return r;
    }
  }
  return {};
}

std::string failure_message(const Plan& plan, const RunResult& result, unsigned attempt, unsigned attempts) {
  return "failed on run " + std::to_string(attempt) + " of " + std::to_string(attempts) + "\n" + result.message +
         (result.message.empty() || result.message.back() == '\n' ? "" : "\n") + describe(plan) +
         "replay: save the text below to a file and run `shmconform replay <scenario> <file>`\n" + to_text(plan);
}

}  // namespace shmc::plan
