// A finding about a library we do not own, for `shmconform report` (section
// "findings: boost.interprocess"): boost::interprocess::message_queue's send,
// killed before its second store to the queue's shared memory (inside its
// mutex, found by the store-trap campaign with no annotation), leaves every
// peer blocked: Boost locks that non-robust mutex without a deadline, even in
// timed_send/timed_receive. FINDING when the campaign trial reproduces it.
#include "shmconform/campaign/campaign.hpp"
#include "suite/conformance/check_registry.hpp"

namespace {

using shmc::campaign::VerdictKind;

SHMC_CHECK("finding.boost.message_queue.sender_killed_in_send", "findings: boost.interprocess",
           "boost::interprocess::message_queue (a library's finding, not ours): a sender killed inside send, "
           "holding the queue's mutex, leaves the receiver blocked past its timed_receive deadline") {
  // The finding is a store crash: where no store trial can run (no trap flag on aarch64 and armhf,
  // thread actors under TSan), say so, never FAIL.
  shmc::campaign::TrialSpec probe;
  probe.plan.actors.push_back(shmc::plan::ActorPlan{"sender", {}, shmc::harness::StoreAt{0, 2}});
  if (auto why = shmc::campaign::unsupported(probe)) return shmc::conformance::unsupported("store trials: " + *why);
  const auto* variant = shmc::campaign::find_subject("boost.message_queue:default");
  if (variant == nullptr) return shmc::conformance::fail("the boost.message_queue subject is not linked in");
  const auto options = shmc::campaign::CampaignOptions{.hits = 0, .random_kills = 0};
  for (const auto& trial : shmc::campaign::plan_trials(*variant, options)) {
    if (trial.id != "store_sender_push_op0_before2") continue;
    if (auto why = shmc::campaign::unsupported(trial)) return shmc::conformance::unsupported(*why);
    const auto r = shmc::campaign::run_plan(*variant, trial.plan);
    const std::string said = std::string(shmc::campaign::to_string(r.verdict.kind)) + ": " + r.verdict.summary +
                             " (replay: " + shmc::campaign::replay_line(*variant, trial, options) + ")";
    if (r.verdict.kind != VerdictKind::survivor_stuck)
      return shmc::conformance::fail("expected survivor_stuck after the kill before store 2 of send, got " + said);
    return shmc::conformance::finding("reproduced: " + said);
  }
  return shmc::conformance::fail("the store campaign has no trial 'store_sender_push_op0_before2' (send made fewer stores?)");
}

}  // namespace
