#include "shmconform/runtime/process_identity.hpp"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmconform/runtime/crash_point.hpp"

namespace shmc {

namespace {

struct StatFields {
  char state = '?';
  std::uint64_t start_ticks = 0;
};

// Reads /proc/<tid>/task/<tid>/stat (not /proc/<tid>/stat, which qemu-user
// fakes for the reading process itself; docs/ports.md). Returns 1 on success, 0 if no such thread, -1 if
// /proc could not tell.
int read_stat_file(const char* path, StatFields* out);

int read_stat(pid_t tid, StatFields* out) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/task/%d/stat", static_cast<int>(tid), static_cast<int>(tid));
  return read_stat_file(path, out);
}

int read_stat_file(const char* path, StatFields* out) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return (errno == ENOENT || errno == ESRCH) ? 0 : -1;
  char buf[1024];
  ssize_t n;
  do {
    n = ::read(fd, buf, sizeof buf - 1);
  } while (n < 0 && errno == EINTR);
  int saved = errno;
  ::close(fd);
  if (n < 0) return (saved == ESRCH) ? 0 : -1;  // ESRCH: the thread exited between open and read
  buf[n] = '\0';
  // The command name (field 2) may contain spaces and parentheses: fields
  // resume after the last ')'.
  const char* p = std::strrchr(buf, ')');
  if (p == nullptr) return -1;
  ++p;
  // Field 3 is the state; field 22 is the start time: 19 fields after the state.
  char state = '?';
  unsigned long long start = 0;
  int consumed = 0;
  if (std::sscanf(p, " %c%n", &state, &consumed) != 1) return -1;
  p += consumed;
  for (int field = 4; field < 22; ++field) {
    while (*p == ' ') ++p;
    while (*p != ' ' && *p != '\0') ++p;
  }
  if (std::sscanf(p, " %llu", &start) != 1) return -1;
  out->state = state;
  out->start_ticks = start;
  return 1;
}

std::atomic<std::uint64_t> g_fork_epoch{0};
void bump_fork_epoch() { g_fork_epoch.fetch_add(1, std::memory_order_relaxed); }

struct Cache {
  std::uint64_t epoch = ~std::uint64_t{0};
  ProcessIdentity id;
};

// What this process sees of its PID namespace. Only a fork can change it (unshare(CLONE_NEWPID) and
// setns move children, never the caller), so it is read again after each fork.
struct NamespaceView {
  std::uint64_t pid_ns = 0;
  bool proc_is_ours = true;
};

NamespaceView read_namespace_view() {
  NamespaceView v;
  struct ::stat st {};
  if (::stat("/proc/self/ns/pid", &st) == 0) v.pid_ns = static_cast<std::uint64_t>(st.st_ino);
  // /proc/self is a link named by our pid as the mounted /proc numbers it.
  char link[32] = {};
  const ssize_t n = ::readlink("/proc/self", link, sizeof link - 1);
  if (n > 0) v.proc_is_ours = std::strtol(link, nullptr, 10) == static_cast<long>(::getpid());
  // The test-only way to be a process whose /proc is the host's, without a new namespace.
  if (SHMC_FAULT_POINT("identity/namespace/proc_is_foreign", "the mounted /proc numbers another PID namespace"))
    v.proc_is_ours = false;
  return v;
}

void register_fork_epoch() {
  static const int registered = ::pthread_atfork(nullptr, nullptr, bump_fork_epoch);
  (void)registered;
}

NamespaceView namespace_view() {
  register_fork_epoch();
  thread_local std::uint64_t epoch = ~std::uint64_t{0};
  thread_local NamespaceView view;
  const std::uint64_t now = g_fork_epoch.load(std::memory_order_relaxed);
  if (epoch != now) {
    view = read_namespace_view();
    epoch = now;
  }
  return view;
}

}  // namespace

std::string ProcessIdentity::describe() const {
  return "tid " + std::to_string(tid) + " started at tick " + std::to_string(start_ticks);
}

std::uint64_t pack(ProcessIdentity id) {
  constexpr std::uint64_t start_mask = (std::uint64_t{1} << kStartBits) - 1;
  return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(id.tid)) << kStartBits) |
         (id.start_ticks & start_mask);
}

ProcessIdentity unpack(std::uint64_t word) {
  constexpr std::uint64_t start_mask = (std::uint64_t{1} << kStartBits) - 1;
  return ProcessIdentity{static_cast<std::int32_t>(word >> kStartBits), word & start_mask};
}

ProcessIdentity identity_of(pid_t tid) {
  StatFields f;
  if (read_stat(tid, &f) != 1) return {};
  return ProcessIdentity{static_cast<std::int32_t>(tid), f.start_ticks};
}

ProcessIdentity self_identity() {
  register_fork_epoch();
  thread_local Cache cache;
  std::uint64_t epoch = g_fork_epoch.load(std::memory_order_relaxed);
  if (cache.epoch != epoch) {
    // When /proc is another namespace's, /proc/<gettid()> is a stranger and /proc/thread-self is still
    // us. Otherwise the same file peers read (qemu-user fakes some of our own /proc/self files).
    StatFields f;
    if (!proc_numbers_our_namespace() && read_stat_file("/proc/thread-self/stat", &f) == 1)
      cache.id = ProcessIdentity{static_cast<std::int32_t>(::gettid()), f.start_ticks};
    else
      cache.id = identity_of(::gettid());
    cache.epoch = epoch;
  }
  return cache.id;
}

std::uint64_t pid_namespace_id() { return namespace_view().pid_ns; }
bool proc_numbers_our_namespace() { return namespace_view().proc_is_ours; }

Liveness liveness(ProcessIdentity id) {
  if (id.empty()) return Liveness::dead;
  StatFields f;
  // With another namespace's /proc, /proc/<tid> is a stranger: "no such thread" would be a guess.
  int rc = proc_numbers_our_namespace() ? read_stat(id.tid, &f) : -1;
  // Tests make /proc fail here (as EACCES under hidepid, EPERM, EMFILE would), so every repairer can be
  // shown to leave an unknown owner alone.
  if (SHMC_FAULT_POINT("identity/liveness/read_fails", "the /proc read of the owner fails: liveness is unknown"))
    rc = -1;
  if (rc == 0) return Liveness::dead;
  if (rc < 0) {
    // The planted bug of issue 14, class 1 (tests only): "could not tell" taken for "gone". Armed together
    // with read_fails, it shows that the unknown-liveness tests fail when anybody robs an unknown owner.
    if (SHMC_FAULT_POINT("identity/liveness/planted_unknown_is_dead", "planted bug: unknown liveness reported as dead"))
      return Liveness::dead;
    return Liveness::unknown;
  }
  constexpr std::uint64_t start_mask = (std::uint64_t{1} << kStartBits) - 1;
  if ((f.start_ticks & start_mask) != (id.start_ticks & start_mask)) return Liveness::dead;  // tid reused
  if (f.state == 'Z' || f.state == 'X') return Liveness::dead;  // killed, not yet reaped
  return Liveness::alive;
}

const char* to_string(Liveness l) {
  switch (l) {
    case Liveness::alive: return "alive";
    case Liveness::dead: return "dead";
    case Liveness::unknown: return "unknown";
  }
  return "?";
}

}  // namespace shmc
