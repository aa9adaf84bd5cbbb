#include "bench/common/robust_lock.hpp"

#include <cerrno>
#include <string>

#include "fixtures/semqueue/robust_mutex.hpp"

namespace shmc::bench {

Result<bool> lock_robust(pthread_mutex_t* m, std::chrono::steady_clock::time_point deadline, const char* what) {
  switch (semqueue::robust_mutex_lock_until(m, deadline)) {
    case semqueue::LockState::acquired: return false;
    case semqueue::LockState::owner_died:
      if (auto r = semqueue::robust_mutex_make_consistent(m); !r) {
        semqueue::robust_mutex_unlock(m);
        return r.error();
      }
      return true;
    case semqueue::LockState::timed_out: return make_error(Errc::timed_out, std::string(what) + ": lock not acquired in time");
    case semqueue::LockState::unrecoverable: return make_error(Errc::owner_dead, std::string(what) + ": mutex not recoverable");
    case semqueue::LockState::failed: break;
  }
  return sys_error("pthread_mutex_clocklock", what, errno);
}

void unlock_robust(pthread_mutex_t* m) { semqueue::robust_mutex_unlock(m); }

}  // namespace shmc::bench
