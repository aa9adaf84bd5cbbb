// Findings about the semaphore queues, for `shmconform report` (and one gtest
// each in semqueue_findings_test). Each check runs one small crash trial
// (a few hundred milliseconds), cleans up through the trial's owners, and
// reads:
//   textbook variants: PASS = the expected damage was reproduced (the finding stands);
//   robust variant:    PASS = nothing lost after the kill; FAIL = it lost something.
#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/semqueue/queue_variants.hpp"
#include "suite/semqueue/trial.hpp"

namespace {

using namespace shmc::semqueue::test;
using shmc::conformance::Outcome;

constexpr const char* kSection = "findings: semaphore queues";

template <class V>
TrialResult quick_trial(const char* point, std::uint32_t hit) {
  TrialPlan plan;
  plan.point = point;
  plan.hit = hit;
  plan.items_per_producer = 6;
  plan.op_bound = V::kCrashSafe ? std::chrono::milliseconds(3000) : std::chrono::milliseconds(150);
  return run_trial<V>(plan);
}

// A textbook finding: reproduced (PASS) when the kill fired and did the damage named.
template <class V>
Outcome expect_finding(const char* point, bool must_be_stuck) {
  if (!shmc::harness::crash_injection_available()) return shmc::conformance::untested("crash points compiled out");
  const TrialResult r = quick_trial<V>(point, 1);
  if (!r.fired) return shmc::conformance::fail("the kill at " + r.what + " did not happen:\n" + r.describe());
  if (r.broken) return shmc::conformance::fail("an actor failed unexpectedly:\n" + r.describe());
  if (!r.finding_reproduced() || (must_be_stuck && !r.stuck))
    return shmc::conformance::fail("expected finding did not reproduce:\n" + r.describe());
  return shmc::conformance::pass("finding reproduced as expected: " + r.finding());
}

// A robust-variant row: PASS when nothing was lost.
Outcome expect_survival(const char* point, std::uint32_t hit) {
  if (!shmc::sys::robust_futex_list_supported())
    return shmc::conformance::unsupported("no robust-futex list here (get_robust_list: ENOSYS, e.g. qemu-user): "
                                          "a dead owner's robust mutex is never handed on");
  if (!shmc::harness::crash_injection_available()) return shmc::conformance::untested("crash points compiled out");
  const TrialResult r = quick_trial<RobustVariant>(point, hit);
  if (!r.fired) return shmc::conformance::fail("the kill at " + r.what + " did not happen:\n" + r.describe());
  if (!r.clean()) return shmc::conformance::fail(r.finding() + "\n" + r.describe());
  return shmc::conformance::pass("nothing lost after a kill at " + r.what + " (" + std::to_string(r.delivery.delivered) +
                                 " delivered, " + std::to_string(r.after_drain.recoveries) + " EOWNERDEAD repairs)");
}

}  // namespace

SHMC_CHECK("finding.semqueue.named.kill_holding_mutex", kSection,
           "named-semaphore queue: a producer killed holding the mutex blocks every peer") {
  return expect_finding<NamedVariant>("semqueue/textbook/push/got_mutex", true);
}

SHMC_CHECK("finding.semqueue.named.kill_between_sem_ops", kSection,
           "named-semaphore queue: a producer killed between wait(empty) and wait(mutex) loses a slot for good") {
  return expect_finding<NamedVariant>("semqueue/textbook/push/got_empty", false);
}

SHMC_CHECK("finding.semqueue.unnamed.kill_holding_mutex", kSection,
           "unnamed (pshared) semaphore queue: a consumer killed holding the mutex blocks every peer") {
  return expect_finding<UnnamedVariant>("semqueue/textbook/pop/got_mutex", true);
}

SHMC_CHECK("finding.semqueue.unnamed.kill_between_sem_ops", kSection,
           "unnamed (pshared) semaphore queue: a consumer killed between post(mutex) and post(empty) loses a slot for good") {
  return expect_finding<UnnamedVariant>("semqueue/textbook/pop/mutex_released", false);
}

SHMC_CHECK("finding.semqueue.named_slot.kill_writer", kSection,
           "single-slot writer/reader (seed 002): a writer killed between its two semaphore operations leaves no permit (every later wait blocks)") {
  return expect_finding<NamedSlotVariant>("semqueue/slot/write/written", false);
}

SHMC_CHECK("finding.semqueue.named_slot.kill_reader", kSection,
           "single-slot writer/reader (seed 002): a reader killed between its two semaphore operations blocks the writer forever") {
  return expect_finding<NamedSlotVariant>("semqueue/slot/read/got_full", true);
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
