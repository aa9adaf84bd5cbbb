// A live peer that makes no progress (issue 14, class 4): an actor that stops
// itself (SIGSTOP) the first time it reaches a crash point, holding whatever the
// structure holds there, and stays stopped until somebody sends SIGCONT. A
// deadline test then calls the structure with a short timeout and measures on
// steady_clock (CLOCK_MONOTONIC, the same clock in every process) how long the
// call took to give up.
#pragma once

#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <fstream>
#include <string>
#include <unistd.h>

#include "shmconform/harness/poll_until.hpp"

#if defined(SHMC_FAULT_INJECTION)
#include <fiu-control.h>
#endif

namespace shmc::deadline_testing {

using Clock = std::chrono::steady_clock;

// In shared memory (harness::SharedArray): what the holder and the caller report.
struct Probe {
  std::atomic<std::int32_t> holder_pid{0};    // set by the holder just before it stops
  std::atomic<std::int64_t> call_began_ns{0};  // steady_clock, set by the caller
  std::atomic<std::int64_t> call_ended_ns{0};  // 0 while the call has not returned
  std::atomic<std::int32_t> call_result{0};    // 1 + Errc of a failed call, or kSucceeded
};
inline constexpr std::int32_t kSucceeded = -1;

inline std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}
inline std::chrono::milliseconds call_took(const Probe& p) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::nanoseconds(p.call_ended_ns.load() - p.call_began_ns.load()));
}

// How long a call with `timeout` may take to give up: the deadline plus slack for a
// loaded 2-core machine under ASan (a correctness bound, not a speed claim).
inline std::chrono::milliseconds give_up_bound(std::chrono::milliseconds timeout) {
  return timeout + std::chrono::milliseconds(250);
}

#if defined(SHMC_FAULT_INJECTION)
inline std::atomic<std::int32_t>* g_holder_pid = nullptr;

// A libfiu callback that never fires the point: it records who stops and stops.
inline int stop_here(const char*, int*, void**, unsigned int*) {
  g_holder_pid->store(static_cast<std::int32_t>(::getpid()));
  ::raise(SIGSTOP);
  return 0;
}

// In the holder's body, before the operation: stop at `point`, once.
inline bool stop_at(const char* point, Probe& probe) {
  g_holder_pid = &probe.holder_pid;
  return fiu_enable_external(point, 1, nullptr, FIU_ONETIME, stop_here) == 0;
}
#endif

// The state letter of /proc/<pid>/stat ('T' once stopped), '?' if unreadable.
inline char process_state(std::int32_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return '?';
  auto paren = line.rfind(')');
  return paren == std::string::npos || paren + 2 >= line.size() ? '?' : line[paren + 2];
}

// In the caller's body: waits (bounded) until the holder has stopped at its point.
inline bool wait_until_stopped(const Probe& probe, std::chrono::milliseconds timeout) {
  return harness::poll_for(
      [&] {
        const std::int32_t pid = probe.holder_pid.load();
        return pid != 0 && process_state(pid) == 'T';
      },
      timeout);
}

// The caller resumes the holder once its own call has returned.
inline void resume_holder(const Probe& probe) {
  if (const std::int32_t pid = probe.holder_pid.load(); pid != 0) ::kill(pid, SIGCONT);
}

}  // namespace shmc::deadline_testing
