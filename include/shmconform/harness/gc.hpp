// `shmconform gc`: removes what crashed runs left in /dev/shm, and nothing else.
//
// Only names starting with /shmconform- are considered. A segment is removed
// only when classify says STALE (nobody attached, ours, readable). A named
// semaphore carries no header; it is removed only when its name carries a run
// id ("/shmconform-r<pid>t<ticks>-...") and that run's process is dead.
// Everything else is reported and left alone.
#pragma once

#include <string>
#include <vector>

namespace shmc::harness {

struct GcDecision {
  std::string entry;   // /dev/shm file name
  std::string verdict; // ALIVE, STALE, FOREIGN, UNKNOWN, RUN-DEAD, RUN-ALIVE
  bool removed = false;
  std::string reason;
};

std::vector<GcDecision> collect_garbage(bool dry_run);

}  // namespace shmc::harness
