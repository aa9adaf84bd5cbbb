#include "shmconform/runtime/sys.hpp"

#include <cerrno>
#include <cstdint>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "shmconform/runtime/crash_point.hpp"

namespace shmc::sys {

namespace {
// errno chosen by the test that armed the point (failinfo), EIO by default.
int injected_errno() {
#if defined(SHMC_FAULT_INJECTION)
  auto chosen = static_cast<int>(reinterpret_cast<std::intptr_t>(fiu_failinfo()));
  return chosen != 0 ? chosen : EIO;
#else
  return EIO;
#endif
}

template <class T>
T fail_with(T value) {
  errno = injected_errno();
  return value;
}
}  // namespace

int shm_open(const char* name, int oflag, mode_t mode) {
  if (SHMC_FAULT_POINT("sys/shm_open", "shm_open fails (EMFILE, EACCES, ENOSPC ...)")) return fail_with(-1);
  return ::shm_open(name, oflag, mode);
}

int shm_unlink(const char* name) {
  if (SHMC_FAULT_POINT("sys/shm_unlink", "shm_unlink fails")) return fail_with(-1);
  return ::shm_unlink(name);
}

int ftruncate(int fd, off_t length) {
  if (SHMC_FAULT_POINT("sys/ftruncate", "sizing the object fails (ENOSPC on a full tmpfs)")) return fail_with(-1);
  return ::ftruncate(fd, length);
}

int fstat(int fd, struct ::stat* st) {
  if (SHMC_FAULT_POINT("sys/fstat", "fstat fails")) return fail_with(-1);
  return ::fstat(fd, st);
}

void* mmap(void* addr, size_t length, int prot, int flags, int fd, off_t offset) {
  if (SHMC_FAULT_POINT("sys/mmap", "mapping fails (ENOMEM, address space exhausted)")) return fail_with(MAP_FAILED);
  return ::mmap(addr, length, prot, flags, fd, offset);
}

int munmap(void* addr, size_t length) {
  if (SHMC_FAULT_POINT("sys/munmap", "munmap fails")) return fail_with(-1);
  return ::munmap(addr, length);
}

int close(int fd) {
  if (SHMC_FAULT_POINT("sys/close", "close fails (the descriptor is released anyway on Linux)")) {
    ::close(fd);  // Linux releases the descriptor even when close reports an error
    return fail_with(-1);
  }
  return ::close(fd);
}

namespace {
struct ::flock byte_range(short type, off_t start, off_t len) {
  struct ::flock lk {};
  lk.l_type = type;
  lk.l_whence = SEEK_SET;
  lk.l_start = start;
  lk.l_len = len;
  return lk;
}
}  // namespace

int ofd_lock(int fd, short type, off_t start, off_t len) {
  if (SHMC_FAULT_POINT("sys/ofd_lock", "taking or releasing an OFD byte-range lock fails")) return fail_with(-1);
  struct ::flock lk = byte_range(type, start, len);
  int rc;
  do {
    rc = ::fcntl(fd, F_OFD_SETLK, &lk);
  } while (rc == -1 && errno == EINTR);
  if (rc == -1 && errno == EACCES) errno = EAGAIN;  // POSIX lets either mean "held"
  return rc;
}

int ofd_lock_held(int fd, short type, off_t start, off_t len) {
  if (SHMC_FAULT_POINT("sys/ofd_getlk", "asking who holds an OFD lock fails")) return fail_with(-1);
  struct ::flock lk = byte_range(type, start, len);
  if (::fcntl(fd, F_OFD_GETLK, &lk) == -1) return -1;
  return lk.l_type == F_UNLCK ? 0 : 1;
}

ssize_t pread(int fd, void* buf, size_t count, off_t offset) {
  if (SHMC_FAULT_POINT("sys/pread", "reading the object through its descriptor fails")) return fail_with(ssize_t{-1});
  ssize_t rc;
  do {
    rc = ::pread(fd, buf, count, offset);
  } while (rc == -1 && errno == EINTR);
  return rc;
}

int open(const char* path, int flags, mode_t mode) {
  if (SHMC_FAULT_POINT("sys/open", "opening a regular file fails (EACCES, EMFILE ...)")) return fail_with(-1);
  return ::open(path, flags, mode);
}

int unlink(const char* path) {
  if (SHMC_FAULT_POINT("sys/unlink", "unlinking a file fails (EBUSY where a mapped file cannot go)")) return fail_with(-1);
  return ::unlink(path);
}

int msync(void* addr, size_t length, int flags) {
  if (SHMC_FAULT_POINT("sys/msync", "writing a file mapping back fails (EIO)")) return fail_with(-1);
  return ::msync(addr, length, flags);
}

int futimens(int fd, const struct ::timespec times[2]) {
  if (SHMC_FAULT_POINT("sys/futimens", "setting a file's times fails")) return fail_with(-1);
  return ::futimens(fd, times);
}

int shmget(key_t key, size_t size, int flags) {
  if (SHMC_FAULT_POINT("sys/shmget", "shmget fails (ENOSPC: SHMMNI reached, EACCES, EEXIST ...)")) return fail_with(-1);
  return ::shmget(key, size, flags);
}

void* shmat(int shmid, const void* addr, int flags) {
  if (SHMC_FAULT_POINT("sys/shmat", "attaching a System V segment fails (EACCES, EINVAL, ENOMEM)"))
    return fail_with(reinterpret_cast<void*>(-1));
  return ::shmat(shmid, addr, flags);
}

int shmdt(const void* addr) {
  if (SHMC_FAULT_POINT("sys/shmdt", "detaching a System V segment fails")) return fail_with(-1);
  return ::shmdt(addr);
}

int shmctl(int shmid, int cmd, struct ::shmid_ds* buf) {
  if (SHMC_FAULT_POINT("sys/shmctl", "shmctl fails (IPC_STAT or IPC_RMID: EPERM, EINVAL, EIDRM)")) return fail_with(-1);
  return ::shmctl(shmid, cmd, buf);
}

int flock(int fd, int operation) {
  if (SHMC_FAULT_POINT("sys/flock", "flock fails")) return fail_with(-1);
  int rc;
  do {
    rc = ::flock(fd, operation);
  } while (rc == -1 && errno == EINTR);
  return rc;
}

int memfd_create(const char* name, unsigned flags) {
  if (SHMC_FAULT_POINT("sys/memfd_create", "memfd_create fails (EMFILE, ENOMEM)")) return fail_with(-1);
#if defined(SHMC_HAVE_MEMFD_CREATE)
  return ::memfd_create(name, flags);
#else
  (void)name;
  (void)flags;
  errno = ENOSYS;
  return -1;
#endif
}

int add_seals(int fd, int seals) {
  if (SHMC_FAULT_POINT("sys/add_seals", "sealing the object fails (EPERM: not sealable, or F_SEAL_SEAL set)"))
    return fail_with(-1);
#if defined(F_ADD_SEALS)
  return ::fcntl(fd, F_ADD_SEALS, seals);
#else
  (void)fd;
  (void)seals;
  errno = EINVAL;
  return -1;
#endif
}

int get_seals(int fd) {
  if (SHMC_FAULT_POINT("sys/get_seals", "asking for the object's seals fails")) return fail_with(-1);
#if defined(F_GET_SEALS)
  return ::fcntl(fd, F_GET_SEALS);
#else
  (void)fd;
  errno = EINVAL;
  return -1;
#endif
}

sem_t* sem_open(const char* name, int oflag, mode_t mode, unsigned value) {
  if (SHMC_FAULT_POINT("sys/sem_open", "sem_open fails")) return fail_with(SEM_FAILED);
  return ::sem_open(name, oflag, mode, value);
}

sem_t* sem_open_existing(const char* name) {
  if (SHMC_FAULT_POINT("sys/sem_open", "sem_open fails")) return fail_with(SEM_FAILED);
  return ::sem_open(name, 0);
}

int sem_init(sem_t* sem, int pshared, unsigned value) {
  if (SHMC_FAULT_POINT("sys/sem_init", "sem_init fails (ENOSYS where pshared is unsupported)")) return fail_with(-1);
  return ::sem_init(sem, pshared, value);
}

int sem_destroy(sem_t* sem) {
  if (SHMC_FAULT_POINT("sys/sem_destroy", "sem_destroy fails")) return fail_with(-1);
  return ::sem_destroy(sem);
}

int sem_wait(sem_t* sem) {
  if (SHMC_FAULT_POINT("sys/sem_wait", "sem_wait fails or is interrupted")) return fail_with(-1);
  return ::sem_wait(sem);
}

int sem_trywait(sem_t* sem) {
  if (SHMC_FAULT_POINT("sys/sem_trywait", "sem_trywait fails")) return fail_with(-1);
  return ::sem_trywait(sem);
}

int sem_timedwait(sem_t* sem, const struct ::timespec* abs_realtime) {
  if (SHMC_FAULT_POINT("sys/sem_timedwait", "sem_timedwait fails or is interrupted")) return fail_with(-1);
  return ::sem_timedwait(sem, abs_realtime);
}

int sem_clockwait_monotonic(sem_t* sem, const struct ::timespec* abs_monotonic) {
  if (SHMC_FAULT_POINT("sys/sem_clockwait", "sem_clockwait fails or is interrupted")) return fail_with(-1);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 30))
  return ::sem_clockwait(sem, CLOCK_MONOTONIC, abs_monotonic);
#else
  // No sem_clockwait: translate the monotonic deadline to a realtime one now.
  struct ::timespec mono {}, real {};
  ::clock_gettime(CLOCK_MONOTONIC, &mono);
  ::clock_gettime(CLOCK_REALTIME, &real);
  long long left_ns = (abs_monotonic->tv_sec - mono.tv_sec) * 1000000000LL + (abs_monotonic->tv_nsec - mono.tv_nsec);
  if (left_ns < 0) left_ns = 0;
  long long abs_ns = real.tv_sec * 1000000000LL + real.tv_nsec + left_ns;
  struct ::timespec abs_real {};
  abs_real.tv_sec = static_cast<time_t>(abs_ns / 1000000000LL);
  abs_real.tv_nsec = static_cast<long>(abs_ns % 1000000000LL);
  return ::sem_timedwait(sem, &abs_real);
#endif
}

int sem_post(sem_t* sem) {
  if (SHMC_FAULT_POINT("sys/sem_post", "sem_post fails (EOVERFLOW)")) return fail_with(-1);
  return ::sem_post(sem);
}

int sem_getvalue(sem_t* sem, int* value) { return ::sem_getvalue(sem, value); }

int sem_close(sem_t* sem) {
  if (SHMC_FAULT_POINT("sys/sem_close", "sem_close fails")) return fail_with(-1);
  return ::sem_close(sem);
}

int sem_unlink(const char* name) {
  if (SHMC_FAULT_POINT("sys/sem_unlink", "sem_unlink fails")) return fail_with(-1);
  return ::sem_unlink(name);
}

bool robust_futex_list_supported() {
  void* head = nullptr;
  std::size_t len = 0;
  return ::syscall(SYS_get_robust_list, 0, &head, &len) == 0 || errno != ENOSYS;
}

pid_t fork() {
  if (SHMC_FAULT_POINT("sys/fork", "fork fails (EAGAIN: process limit)")) return fail_with(static_cast<pid_t>(-1));
  return ::fork();
}

int kill(pid_t pid, int sig) {
  if (SHMC_FAULT_POINT("sys/kill", "kill fails")) return fail_with(-1);
  return ::kill(pid, sig);
}

pid_t waitpid(pid_t pid, int* status, int options) {
  if (SHMC_FAULT_POINT("sys/waitpid", "waitpid fails")) return fail_with(static_cast<pid_t>(-1));
  pid_t rc;
  do {
    rc = ::waitpid(pid, status, options);
  } while (rc == -1 && errno == EINTR);
  return rc;
}

}  // namespace shmc::sys
