// Findings about the semaphore queues, for `shmconform report` (and one gtest
// each in semqueue_findings_test). Each row runs one trial of the queue's crash
// campaign (semqueue_subject.cpp) through the campaign engine and reads its verdict:
//   textbook variants: FINDING = the expected damage was reproduced (the hazard stands);
//                      FAIL = the kill did not do the harm the row names;
//   robust variant:    PASS = nothing lost after the kill; FAIL = any other verdict.
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"

namespace {

using shmc::conformance::Outcome;
using shmc::campaign::VerdictKind;

constexpr const char* kSection = "findings: semaphore queues";

struct Ran {
  shmc::campaign::TrialResult result;
  std::string label, replay;
};

// The campaign's trial at `point` hit `hit` of the variant, run once.
std::optional<Ran> run_trial(const char* variant_id, const char* point, std::uint32_t hit) {
  const auto* variant = shmc::campaign::find_subject(variant_id);
  if (variant == nullptr) return std::nullopt;
  const auto options = shmc::campaign::CampaignOptions{.hits = hit, .random_kills = 0};
  for (const auto& t : shmc::campaign::plan_trials(*variant, options))
    if (t.point == point && t.hit == hit)
      return Ran{shmc::campaign::run_plan(*variant, t.plan), t.label, shmc::campaign::replay_line(*variant, t, options)};
  return std::nullopt;
}

std::string said(const Ran& r) {
  return std::string(shmc::campaign::to_string(r.result.verdict.kind)) + ": " + r.result.verdict.summary +
         " (replay: " + r.replay + ")";
}

// A textbook finding: reproduced when the trial ends in the verdict the row names.
Outcome expect_finding(const char* variant_id, const char* point, VerdictKind harm) {
  if (!shmc::harness::crash_injection_available()) return shmc::conformance::untested("crash points compiled out");
  const auto r = run_trial(variant_id, point, 1);
  if (!r) return shmc::conformance::fail(std::string("no trial at ") + point + " for " + variant_id);
  if (r->result.verdict.kind != harm)
    return shmc::conformance::fail("expected " + std::string(shmc::campaign::to_string(harm)) + " after a kill at " +
                                   r->label + ", got " + said(*r) + "\n" + r->result.verdict.detail);
  return shmc::conformance::finding("reproduced after a kill at " + r->label + ": " + said(*r));
}

// A robust-variant row: PASS when nothing was lost.
Outcome expect_survival(const char* point, std::uint32_t hit) {
  if (!shmc::sys::robust_futex_list_supported())
    return shmc::conformance::unsupported("no robust-futex list here (get_robust_list: ENOSYS, e.g. qemu-user): "
                                          "a dead owner's robust mutex is never handed on");
  if (!shmc::harness::crash_injection_available()) return shmc::conformance::untested("crash points compiled out");
  const auto r = run_trial("semqueue:robust", point, hit);
  if (!r) return shmc::conformance::fail(std::string("no trial at ") + point);
  if (!r->result.verdict.ok()) return shmc::conformance::fail(said(*r) + "\n" + r->result.verdict.detail);
  return shmc::conformance::pass("nothing lost after a kill at " + r->label);
}

}  // namespace

SHMC_CHECK("finding.semqueue.named.kill_holding_mutex", kSection,
           "named-semaphore queue: a producer killed holding the mutex blocks every peer") {
  return expect_finding("semqueue:named", "semqueue/textbook/push/got_mutex", VerdictKind::survivor_stuck);
}

SHMC_CHECK("finding.semqueue.named.kill_between_sem_ops", kSection,
           "named-semaphore queue: a producer killed between wait(empty) and wait(mutex) loses a slot for good") {
  return expect_finding("semqueue:named", "semqueue/textbook/push/got_empty", VerdictKind::lost);
}

SHMC_CHECK("finding.semqueue.unnamed.kill_holding_mutex", kSection,
           "unnamed (pshared) semaphore queue: a consumer killed holding the mutex blocks every peer") {
  return expect_finding("semqueue:unnamed", "semqueue/textbook/pop/got_mutex", VerdictKind::survivor_stuck);
}

SHMC_CHECK("finding.semqueue.unnamed.kill_between_sem_ops", kSection,
           "unnamed (pshared) semaphore queue: a consumer killed between post(mutex) and post(empty) loses a slot for good") {
  return expect_finding("semqueue:unnamed", "semqueue/textbook/pop/mutex_released", VerdictKind::lost);
}

SHMC_CHECK("finding.semqueue.named_slot.kill_writer", kSection,
           "single-slot writer/reader (seed 002): a writer killed between its two semaphore operations leaves no permit (every later wait blocks)") {
  return expect_finding("semqueue:named_slot", "semqueue/slot/write/written", VerdictKind::lost);
}

SHMC_CHECK("finding.semqueue.named_slot.kill_reader", kSection,
           "single-slot writer/reader (seed 002): a reader killed between its two semaphore operations blocks the writer forever") {
  return expect_finding("semqueue:named_slot", "semqueue/slot/read/got_full", VerdictKind::survivor_stuck);
}

SHMC_CHECK("finding.semqueue.robust.kill_holding_mutex", kSection,
           "robust queue: a producer killed holding the mutex loses nothing (EOWNERDEAD repair)") {
  return expect_survival("semqueue/robust/push/locked", 2);
}

SHMC_CHECK("finding.semqueue.robust.kill_after_publish", kSection,
           "robust queue: a producer killed after publishing, before waking consumers, loses nothing") {
  return expect_survival("semqueue/robust/push/published", 2);
}

SHMC_CHECK("finding.semqueue.robust.kill_consumer_mid_pop", kSection,
           "robust queue: a consumer killed after copying a message out, before taking it, loses nothing") {
  return expect_survival("semqueue/robust/pop/copied", 1);
}

SHMC_CHECK("finding.semqueue.robust.kill_during_recovery", kSection,
           "robust queue: a process killed while repairing a dead owner's lock loses nothing") {
  return expect_survival("semqueue/robust/recover/owner_died", 1);
}
