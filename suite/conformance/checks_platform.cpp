// Platform facts that matter when porting shared-memory code: each check
// asserts what this project relies on, or reports UNSUPPORTED with what to do
// instead, and carries the measured fact in its reason.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdexcept>
#include <unistd.h>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "platform";

SHMC_CHECK("platform.sem_t.layout", kSection,
           "SEM_VALUE_MAX is at least _POSIX_SEM_VALUE_MAX (32767); sizeof and alignof(sem_t) are reported",
           "", "XBD limits.h SEM_VALUE_MAX") {
  const long max = ::sysconf(_SC_SEM_VALUE_MAX);
  const std::string fact = "sizeof(sem_t) = " + std::to_string(sizeof(sem_t)) + ", alignof(sem_t) = " +
                           std::to_string(alignof(sem_t)) + ", SEM_VALUE_MAX = " + std::to_string(max);
  if (max < _POSIX_SEM_VALUE_MAX) return fail(fact);
  return pass(fact);
}

SHMC_CHECK("platform.atomic.lock_free_8", kSection,
           "8-byte atomics are always lock-free (shared words need no per-process lock table)") {
  constexpr bool always = std::atomic<std::uint64_t>::is_always_lock_free;
  constexpr bool builtin = __atomic_always_lock_free(sizeof(std::uint64_t), nullptr);
  if (!always || !builtin) return fail("8-byte atomics are not lock-free: shared layouts of this project cannot work here");
  return pass("alignof(std::atomic<uint64_t>) = " + std::to_string(alignof(std::atomic<std::uint64_t>)));
}

struct alignas(16) TwoWords {
  std::uint64_t a;
  std::uint64_t b;
};

SHMC_CHECK("platform.atomic.lock_free_16", kSection,
           "16-byte atomics are always lock-free (otherwise a double-word CAS does not exclude other processes)") {
  if (std::atomic<TwoWords>::is_always_lock_free)
    return pass("std::atomic of 16 bytes is lock-free with this compiler and flags");
  return finding("std::atomic of 16 bytes is not always lock-free here: libatomic would use a per-process lock "
                     "table, useless across processes; pack shared state into 8-byte words");
}

SHMC_CHECK("platform.mmap.offset_granularity", kSection,
           "mmap offsets must be page-aligned: an unaligned offset fails with EINVAL, one page works (page size reported)",
           "mmap/11", "XSH mmap ERRORS [EINVAL]") {
  const std::size_t page = page_size();
  ShmName name{harness::unique_name("granule")};
  Fd fd{create_object(name.c_str(), 2 * page)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  {
    Mapping unaligned(fd.get(), page, static_cast<off_t>(page / 2));
    if (unaligned.ok()) return fail("a mapping at offset " + std::to_string(page / 2) + " was accepted");
    if (unaligned.error() != EINVAL) return fail("unaligned offset: expected EINVAL, got " + errno_text(unaligned.error()));
  }
  Mapping aligned(fd.get(), page, static_cast<off_t>(page));
  if (!aligned.ok()) return fail("a mapping at offset one page failed: " + errno_text(aligned.error()));
  return pass("page size " + std::to_string(page) + " bytes; place sub-page structures by offset inside one mapping");
}

SHMC_CHECK("platform.ofd_locks", kSection,
           "open-file-description locks work on shm objects and two descriptors of one process conflict (Segment relies on it)",
           "", "Linux fcntl(2) F_OFD_SETLK") {
  ShmName name{harness::unique_name("ofd")};
  Fd first{create_object(name.c_str(), 64)};
  if (!first.ok()) return fail("creating the object: " + errno_text(errno));
  Fd second{sys::shm_open(name.c_str(), O_RDWR, 0)};
  if (!second.ok()) return fail("second shm_open: " + errno_text(errno));
  if (sys::ofd_lock(first.get(), F_WRLCK, 0, 1) != 0) {
    if (errno == EINVAL) return unsupported("F_OFD_SETLK is not supported (Linux < 3.15?): " + errno_text(errno));
    return fail("F_OFD_SETLK: " + errno_text(errno));
  }
  if (sys::ofd_lock(second.get(), F_RDLCK, 0, 1) == 0) return fail("a second open file description got a conflicting lock");
  if (errno != EAGAIN && errno != EACCES) return fail("conflicting lock: expected EAGAIN, got " + errno_text(errno));
  if (sys::ofd_lock_held(second.get(), F_RDLCK, 0, 1) != 1) return fail("F_OFD_GETLK does not report the conflicting lock");
  return pass();
}

SHMC_CHECK("platform.robust_mutex.owner_died", kSection,
           "a process-shared robust mutex whose owner was killed gives the next locker EOWNERDEAD, then works again",
           "", "XSH pthread_mutexattr_setrobust") {
  if (!sys::robust_futex_list_supported()) {
    return unsupported("no robust-futex list (get_robust_list: ENOSYS, e.g. qemu-user): a killed owner's robust "
                       "mutex stays locked for good");
  }
  harness::SharedArray<pthread_mutex_t> shared(1);
  pthread_mutex_t* m = &shared[0];
  pthread_mutexattr_t attr;
  if (::pthread_mutexattr_init(&attr) != 0) return fail("pthread_mutexattr_init");
  struct AttrGuard {
    pthread_mutexattr_t* a;
    ~AttrGuard() { ::pthread_mutexattr_destroy(a); }
  } attr_guard{&attr};
  if (int e = ::pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED); e != 0)
    return unsupported("PTHREAD_PROCESS_SHARED: " + errno_text(e));
  if (int e = ::pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST); e != 0)
    return unsupported("PTHREAD_MUTEX_ROBUST: " + errno_text(e));
  if (int e = ::pthread_mutex_init(m, &attr); e != 0) return unsupported("pthread_mutex_init(robust, pshared): " + errno_text(e));
  struct MutexGuard {
    pthread_mutex_t* m;
    ~MutexGuard() { ::pthread_mutex_destroy(m); }
  } mutex_guard{m};

  auto owner = harness::run_in_child("owner", [&](harness::ActorContext& ctx) {
    if (int e = ::pthread_mutex_lock(m); e != 0) throw std::runtime_error("lock: " + errno_text(e));
    ctx.doing("dying while holding the mutex");
    ::raise(SIGKILL);
    return 1;
  }, milliseconds(2000));
  if (owner.end != harness::ActorOutcome::End::signalled || owner.signal != SIGKILL) return fail("owner: " + owner.describe());

  // The owner is dead and reaped: no need to wait. (trylock also keeps TSan's
  // mutex model right; its timedlock interceptor does not know EOWNERDEAD.)
  const int first = ::pthread_mutex_trylock(m);
  if (first == EBUSY) return fail("the dead owner's robust mutex stayed locked");
  if (first != EOWNERDEAD) return fail("expected EOWNERDEAD, got " + (first == 0 ? std::string("success") : errno_text(first)));
  if (int e = ::pthread_mutex_consistent(m); e != 0) return fail("pthread_mutex_consistent: " + errno_text(e));
  if (int e = ::pthread_mutex_unlock(m); e != 0) return fail("unlock after recovery: " + errno_text(e));
  if (int e = ::pthread_mutex_trylock(m); e != 0) return fail("the recovered mutex cannot be locked again: " + errno_text(e));
  ::pthread_mutex_unlock(m);
  return pass("the recovery path the semaphore mutex lacks (see mp.sem.killed_holder_stays_held)");
}

}  // namespace
}  // namespace shmc::conformance
