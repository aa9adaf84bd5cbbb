#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/ipc.h>
#include <sys/shm.h>

#include "shmconform/harness/gc.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/runtime/sys.hpp"

namespace shmc::harness {

key_t sysv_key(std::uint16_t low) { return static_cast<key_t>(kSysvKeyBase | low); }

bool is_project_sysv_key(key_t key) {
  return (static_cast<std::uint32_t>(key) & 0xffff0000u) == kSysvKeyBase;
}

void stamp_sysv_segment(void* attached) {
  SysvStamp s{kSysvMagic, pack(self_identity())};
  std::memcpy(attached, &s, sizeof s);
}

namespace {

std::string entry_of(key_t key, int id) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "sysv key 0x%08x id %d", static_cast<unsigned>(key), id);
  return buf;
}

// Reads the stamp by attaching read-only for a moment (a reader's attach is
// counted in shm_nattch, so nattch was taken before).
bool read_stamp(int shmid, SysvStamp& out, std::string& why) {
  void* p = sys::shmat(shmid, nullptr, SHM_RDONLY);
  if (p == reinterpret_cast<void*>(-1)) {
    why = std::string("cannot attach to read its stamp: ") + std::strerror(errno);
    return false;
  }
  std::memcpy(&out, p, sizeof out);
  (void)sys::shmdt(p);
  return true;
}

}  // namespace

GcDecision decide_sysv_segment(key_t key, int shmid, bool dry_run) {
  struct shmid_ds ds {};
  if (sys::shmctl(shmid, IPC_STAT, &ds) != 0)
    return {entry_of(key, shmid), "UNKNOWN", false, std::string("IPC_STAT: ") + std::strerror(errno)};
  GcDecision d{entry_of(key, shmid), "FOREIGN", false, "key outside the project's range 0x5348xxxx"};
  if (!is_project_sysv_key(key)) return d;
  if (ds.shm_segsz < sizeof(SysvStamp)) {
    d.reason = "too small to carry a shmconform stamp";
    return d;
  }
  const auto attached = ds.shm_nattch;
  SysvStamp stamp{};
  if (!read_stamp(shmid, stamp, d.reason)) {
    d.verdict = "UNKNOWN";
    return d;
  }
  if (stamp.magic != kSysvMagic) {
    d.reason = "project key but no shmconform stamp: somebody else's segment";
    return d;
  }
  const ProcessIdentity creator = unpack(stamp.creator);
  if (attached != 0) {
    d.verdict = "ALIVE";
    d.reason = std::to_string(attached) + " process(es) attached";
    return d;
  }
  if (liveness(creator) != Liveness::dead) {
    d.verdict = "ALIVE";
    d.reason = "unattached, but its creator (" + creator.describe() + ") may be alive";
    return d;
  }
  d.verdict = "STALE";
  d.reason = "unattached and its creator (" + creator.describe() + ") is gone";
  if (!dry_run) {
    d.removed = sys::shmctl(shmid, IPC_RMID, nullptr) == 0 || errno == EINVAL || errno == EIDRM;
    if (!d.removed) d.reason += std::string("; IPC_RMID failed: ") + std::strerror(errno);
  }
  return d;
}

std::vector<GcDecision> collect_sysv_garbage(bool dry_run, const std::string& list_path) {
  // /proc/sysvipc/shm lists every segment: "key shmid perms size cpid lpid nattch ...".
  std::vector<GcDecision> out;
  // Without the list nothing can be found: said as one UNKNOWN entry, never an empty (clean) answer.
  auto unreadable = [&](const std::string& why) {
    out.push_back({list_path, "UNKNOWN", false, why + "; System V segments were not looked at"});
    return out;
  };
  errno = 0;
  std::ifstream list(list_path);
  if (!list) return unreadable(std::string("cannot open: ") + std::strerror(errno != 0 ? errno : ENOENT));
  std::string line;
  if (!std::getline(list, line)) return unreadable("cannot read its header line");
  while (std::getline(list, line)) {
    std::istringstream fields(line);
    long long key = 0;
    int shmid = -1;
    if (!(fields >> key >> shmid)) continue;
    if (!is_project_sysv_key(static_cast<key_t>(key))) continue;
    out.push_back(decide_sysv_segment(static_cast<key_t>(key), shmid, dry_run));
  }
  if (list.bad()) return unreadable("a read failed part way");
  return out;
}

}  // namespace shmc::harness
