// write_timeline(): a trial's result as the HTML timeline of include/shmconform/harness/timeline.hpp.
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/harness/timeline.hpp"

namespace shmc::campaign {

Result<std::string> write_timeline(const SubjectVariant& variant, const TrialSpec& trial, const TrialResult& result,
                                   const CampaignOptions& options, const std::string& html_path) {
  if (!result.model) return make_error(Errc::invalid_argument, "the trial stopped before it had a model: no timeline");
  harness::TimelineInput in;
  in.title = variant.id() + " " + trial.label;
  in.history = &result.history;
  in.model = result.model.get();
  in.check = result.linearizability ? &*result.linearizability : nullptr;
  const auto& actors = trial.plan.actors;
  for (std::size_t i = 0; i < actors.size(); ++i) {
    harness::TimelineActor a;
    a.role = actors[i].role;
    if (i < result.outcomes.size()) a.outcome = result.outcomes[i];
    a.crash = harness::timeline_crash(actors[i].crash);
    for (int s : result.stuck_actors) a.stuck |= s == static_cast<int>(i);
    in.actors.push_back(std::move(a));
  }
  harness::TimelineActor test_process;  // the audit's lane (history actor index = plan size)
  test_process.name = "test process";
  test_process.role = "audit";
  in.actors.push_back(std::move(test_process));
  in.verdict_kind = to_string(result.verdict.kind);
  in.verdict_summary = result.verdict.summary;
  in.verdict_detail = result.verdict.detail;
  in.plan_text = plan::to_text(trial.plan);
  in.replay_line = replay_line(variant, trial, options);
  try {
    const auto doc = harness::timeline_document(in);
    if (auto w = harness::write_timeline(html_path, doc); !w) return w.error();
  } catch (const std::exception& e) {
    return make_error(Errc::invalid_argument, std::string("timeline: ") + e.what());
  }
  return html_path;
}

}  // namespace shmc::campaign
