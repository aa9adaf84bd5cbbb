#include "suite/monitor/monitor_waits.hpp"

#include <cerrno>
#include <cstring>

#include "fixtures/semqueue/robust_mutex.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/runtime/sys.hpp"

namespace shmc::monitor::rows {

using namespace std::chrono_literals;
namespace semqueue = shmc::semqueue;

std::int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

std::optional<WaitEnd> wait_for_predicate(const Monitor& m, std::atomic<std::uint64_t>& waiting,
                                          const std::atomic<std::uint64_t>& predicate, std::chrono::milliseconds bound) {
  if (semqueue::robust_mutex_lock_until(m.raw_mutex(), Clock::now() + 2s) != semqueue::LockState::acquired)
    return std::nullopt;
  waiting.store(1);
  WaitEnd end;
  end.started_us = now_us();
  const auto deadline = Clock::now() + bound;
  int rc = 0;
  while (predicate.load() == 0 && rc == 0) rc = cond_wait_until(m.raw_cond(), m.raw_mutex(), deadline);
  end.woke_us = now_us();
  end.rc = rc;
  if (rc == EOWNERDEAD) ::pthread_mutex_consistent(m.raw_mutex());
  if (rc != ENOTRECOVERABLE) semqueue::robust_mutex_unlock(m.raw_mutex());
  return end;
}

bool lock_once_waiting(const Monitor& m, const std::atomic<std::uint64_t>& waiting) {
  if (!harness::poll_for([&] { return waiting.load() != 0; }, 5s)) return false;
  return semqueue::robust_mutex_lock_until(m.raw_mutex(), Clock::now() + 2s) == semqueue::LockState::acquired;
}

std::string rc_text(std::int64_t rc) {
  return rc == 0 ? "0" : rc < 0 ? "none" : std::string(::strerrordesc_np(static_cast<int>(rc)));
}

conformance::Outcome needs_robust_futexes() {
  if (!sys::robust_futex_list_supported())
    return conformance::unsupported("no robust-futex list here (qemu-user): dead owners are never detected");
  return conformance::pass();
}

}  // namespace shmc::monitor::rows
