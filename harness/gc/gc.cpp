#include "shmconform/harness/gc.hpp"

#include <cerrno>
#include <cstring>
#include <semaphore.h>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::harness {

namespace {

GcDecision decide_semaphore(const std::string& entry, bool dry_run) {
  GcDecision d{entry, "UNKNOWN", false, ""};
  auto run = run_of_entry(entry);
  if (!run) {
    d.reason = "named semaphore without a run id: cannot tell whether anyone uses it";
    return d;
  }
  if (liveness(*run) != Liveness::dead) {
    d.verdict = "RUN-ALIVE";
    d.reason = "the run that made it (" + run->describe() + ") is still alive";
    return d;
  }
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
  if (auto run = run_of_entry(entry); run && liveness(*run) != Liveness::dead) {
    // A test run that is still going owns its names, attached or not at this instant.
    d.verdict = "RUN-ALIVE";
    d.reason = "the test run that made it (" + run->describe() + ") is still alive";
    return d;
  }
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
  return out;
}

}  // namespace shmc::harness
