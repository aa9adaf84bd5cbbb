// `shmconform gc`: removes what crashed runs left in /dev/shm and in System V
// shared memory, and nothing else.
//
// Only names starting with /shmconform- are considered. A segment is removed
// only when classify says STALE (nobody attached, ours, readable). A named
// semaphore carries no header; it is removed only when its name carries a run
// id ("/shmconform-r<pid>t<ticks>-...") and that run's process is dead.
//
// System V segments have no names: one is ours only if its key is in the
// project's key range AND it starts with a SysvStamp (magic + the creator's
// identity). It is removed only when nobody is attached (shm_nattch == 0) and
// its creator is dead (liveness unknown counts as alive). Everything else is
// reported and left alone.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace shmc::harness {

struct GcDecision {
  std::string entry;   // /dev/shm file name, or "sysv key 0x... id N"
  std::string verdict; // ALIVE, STALE, FOREIGN, UNKNOWN, RUN-DEAD, RUN-ALIVE
  bool removed = false;
  std::string reason;
};

std::vector<GcDecision> collect_garbage(bool dry_run);

// --- System V ------------------------------------------------------------------
// Keys 0x5348_0000 .. 0x5348_ffff ("SH"); the low half is the caller's choice.
inline constexpr std::uint32_t kSysvKeyBase = 0x53480000u;
inline constexpr std::uint64_t kSysvMagic = 0x73686d632d737973ull;  // "shmc-sys"
key_t sysv_key(std::uint16_t low);
bool is_project_sysv_key(key_t key);

// The first bytes of every System V segment this project creates.
struct SysvStamp {
  std::uint64_t magic;    // kSysvMagic
  std::uint64_t creator;  // pack(ProcessIdentity) of the creating process
};
static_assert(sizeof(SysvStamp) == 16);
// Writes the stamp for the calling process at the start of an attached segment.
void stamp_sysv_segment(void* attached);

// The decision for one segment (removed with IPC_RMID when STALE and not dry_run).
GcDecision decide_sysv_segment(key_t key, int shmid, bool dry_run);
// An unreadable list is one UNKNOWN decision naming it (list_path: tests point it elsewhere).
std::vector<GcDecision> collect_sysv_garbage(bool dry_run, const std::string& list_path = "/proc/sysvipc/shm");

}  // namespace shmc::harness
