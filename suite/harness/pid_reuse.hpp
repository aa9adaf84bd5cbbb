// Forcing a PID to be reused, for the tests that prove a dead owner is never
// confused with a live process that now wears its PID (map, scoreboard).
// Needs write access to /proc/sys/kernel/ns_last_pid (root in the PID
// namespace); callers skip when it fails.
#pragma once

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

namespace shmc::testing {

// The next process created in this PID namespace gets pid + 1 (unless another
// process takes it first: callers retry). Returns 0 or errno.
inline int set_last_pid(pid_t pid) {
  const int fd = ::open("/proc/sys/kernel/ns_last_pid", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%d", static_cast<int>(pid));
  const int rc = ::write(fd, buf, static_cast<std::size_t>(n)) == n ? 0 : errno;
  ::close(fd);
  return rc;
}

inline bool can_recycle_pids() { return ::access("/proc/sys/kernel/ns_last_pid", W_OK) == 0; }

}  // namespace shmc::testing
