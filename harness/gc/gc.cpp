#include "shmconform/harness/gc.hpp"

#include <cerrno>
#include <cstring>
#include <semaphore.h>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::harness {

namespace {

// True (and d says why) unless the run that made the name is known to be dead: a run whose liveness is
// unknown (/proc unreadable, another PID namespace) may still be using it.
bool run_may_be_going(const ProcessIdentity& run, GcDecision& d) {
  const Liveness l = liveness(run);
  if (l == Liveness::dead) return false;
  d.verdict = l == Liveness::alive ? "RUN-ALIVE" : "UNKNOWN";
  d.reason = l == Liveness::alive ? "the run that made it (" + run.describe() + ") is still alive"
                                  : "cannot tell whether the run that made it (" + run.describe() + ") lives";
  return true;
}

GcDecision decide_semaphore(const std::string& entry, bool dry_run) {
  GcDecision d{entry, "UNKNOWN", false, ""};
  auto run = run_of_entry(entry);
  if (!run) {
    d.reason = "named semaphore without a run id: cannot tell whether anyone uses it";
    return d;
  }
  if (run_may_be_going(*run, d)) return d;
  d.verdict = "RUN-DEAD";
  d.reason = "the run that made it (" + run->describe() + ") is gone";
  if (!dry_run) {
    std::string name = "/" + entry.substr(4);
    d.removed = ::sem_unlink(name.c_str()) == 0 || errno == ENOENT;
    if (!d.removed) d.reason += std::string("; sem_unlink failed: ") + std::strerror(errno);
  }
  return d;
}

GcDecision decide_segment(const std::string& entry, bool dry_run) {
  GcDecision d{entry, "UNKNOWN", false, ""};
  // A test run that is still going owns its names, attached or not at this instant.
  if (auto run = run_of_entry(entry); run && run_may_be_going(*run, d)) return d;
  const std::string name = "/" + entry;
  auto cls = dry_run ? classify_segment(name) : reclaim_if_stale(name);
  if (!cls) {
    d.reason = cls.error().describe();
    return d;
  }
  d.verdict = to_string(cls->cls);
  d.reason = cls->reason;
  d.removed = !dry_run && cls->cls == SegmentClass::stale;
  return d;
}

}  // namespace

std::vector<GcDecision> collect_garbage(bool dry_run) {
  std::vector<GcDecision> out;
  for (const auto& entry : leftovers_with_prefix(std::string{kNamePrefix})) {
    out.push_back(entry.rfind("sem.", 0) == 0 ? decide_semaphore(entry, dry_run) : decide_segment(entry, dry_run));
  }
  for (auto& d : collect_sysv_garbage(dry_run)) out.push_back(std::move(d));
  return out;
}

}  // namespace shmc::harness
