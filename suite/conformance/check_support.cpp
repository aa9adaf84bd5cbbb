#include "suite/conformance/check_support.hpp"

#include "shmconform/harness/poll_until.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::conformance::support {

namespace {
// strerrorname_np is glibc 2.32+ only (SHMC_HAVE_STRERRORNAME_NP from configure);
// elsewhere the errnos the checks meet are named from this table.
const char* errno_name(int e) {
#if defined(SHMC_HAVE_STRERRORNAME_NP)
  return ::strerrorname_np(e);
#else
  switch (e) {
#define SHMC_ERRNO_NAME(x) \
  case x: return #x;
    SHMC_ERRNO_NAME(EPERM) SHMC_ERRNO_NAME(ENOENT) SHMC_ERRNO_NAME(ESRCH) SHMC_ERRNO_NAME(EINTR)
    SHMC_ERRNO_NAME(EIO) SHMC_ERRNO_NAME(ENXIO) SHMC_ERRNO_NAME(E2BIG) SHMC_ERRNO_NAME(ENOEXEC)
    SHMC_ERRNO_NAME(EBADF) SHMC_ERRNO_NAME(ECHILD) SHMC_ERRNO_NAME(EAGAIN) SHMC_ERRNO_NAME(ENOMEM)
    SHMC_ERRNO_NAME(EACCES) SHMC_ERRNO_NAME(EFAULT) SHMC_ERRNO_NAME(EBUSY) SHMC_ERRNO_NAME(EEXIST)
    SHMC_ERRNO_NAME(ENODEV) SHMC_ERRNO_NAME(ENOTDIR) SHMC_ERRNO_NAME(EISDIR) SHMC_ERRNO_NAME(EINVAL)
    SHMC_ERRNO_NAME(ENFILE) SHMC_ERRNO_NAME(EMFILE) SHMC_ERRNO_NAME(ETXTBSY) SHMC_ERRNO_NAME(EFBIG)
    SHMC_ERRNO_NAME(ENOSPC) SHMC_ERRNO_NAME(ESPIPE) SHMC_ERRNO_NAME(EROFS) SHMC_ERRNO_NAME(EPIPE)
    SHMC_ERRNO_NAME(ERANGE) SHMC_ERRNO_NAME(ENAMETOOLONG) SHMC_ERRNO_NAME(ENOSYS) SHMC_ERRNO_NAME(EOVERFLOW)
    SHMC_ERRNO_NAME(ENOTSUP) SHMC_ERRNO_NAME(ETIMEDOUT) SHMC_ERRNO_NAME(EIDRM) SHMC_ERRNO_NAME(EOWNERDEAD)
#undef SHMC_ERRNO_NAME
  }
  return nullptr;
#endif
}
}  // namespace

std::string errno_text(int e) {
  const char* name = errno_name(e);
  return std::string(name != nullptr ? name : "errno " + std::to_string(e)) + " (" + std::strerror(e) + ")";
}

void expect(bool ok, const std::string& why) {
  if (!ok) throw std::runtime_error(why);
}

std::string name_of_length(std::size_t component_length) {
  std::string name = harness::unique_name("len");
  if (name.size() < component_length + 1) name.append(component_length + 1 - name.size(), 'x');
  return name;
}

void Fd::reset(int fd) {
  if (fd_ >= 0) (void)sys::close(fd_);
  fd_ = fd;
}

Mapping::Mapping(int fd, std::size_t size, off_t offset) : size_(size) {
  void* p = sys::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, offset);
  if (p == MAP_FAILED) {
    errno_ = errno;
    return;
  }
  data_ = p;
}

void Mapping::reset() {
  if (data_ != nullptr) (void)sys::munmap(data_, size_);
  data_ = nullptr;
}

void SemHandle::reset(sem_t* sem) {
  if (sem_ != SEM_FAILED) (void)sys::sem_close(sem_);
  sem_ = sem;
}

int create_object(const char* name, std::size_t size) {
  int fd = sys::shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return -1;
  if (sys::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    int e = errno;
    (void)sys::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

int sem_value(sem_t* sem) {
  int v = -1;
  return sys::sem_getvalue(sem, &v) == 0 ? v : -1;
}

bool wait_until(const std::function<bool()>& pred, milliseconds timeout) { return harness::poll_for(pred, timeout); }

bool wait_flag(const std::atomic<std::uint32_t>& flag, std::uint32_t value, milliseconds timeout) {
  return wait_until([&] { return flag.load(std::memory_order_acquire) >= value; }, timeout);
}

bool wait_dead(ProcessIdentity who, milliseconds timeout) {
  return wait_until([&] { return liveness(who) == Liveness::dead; }, timeout);
}

namespace {
char process_state(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  std::FILE* f = std::fopen(path, "re");
  if (f == nullptr) return '?';
  char buf[512] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  // "pid (comm) S ...": comm may hold spaces and parentheses, so look after the last ')'.
  const char* close = std::strrchr(buf, ')');
  if (n == 0 || close == nullptr || close[1] != ' ') return '?';
  return close[2];
}
}  // namespace

bool wait_sleeping(pid_t pid, milliseconds timeout) {
  return wait_until([&] {
    const char s = process_state(pid);
    return s == 'S' || s == 'D';
  }, timeout);
}

struct timespec now(clockid_t clock) {
  struct timespec ts {};
  ::clock_gettime(clock, &ts);
  return ts;
}

namespace {
struct timespec plus(struct timespec t, milliseconds delta) {
  long long ns = t.tv_nsec + static_cast<long long>(delta.count()) * 1000000LL;
  t.tv_sec += static_cast<time_t>(ns / 1000000000LL);
  t.tv_nsec = static_cast<long>(ns % 1000000000LL);
  if (t.tv_nsec < 0) t.tv_nsec += 1000000000L, --t.tv_sec;
  return t;
}
}  // namespace

struct timespec realtime_after(milliseconds delta) { return plus(now(CLOCK_REALTIME), delta); }
struct timespec monotonic_after(milliseconds delta) { return plus(now(CLOCK_MONOTONIC), delta); }

double ms_between(const struct timespec& a, const struct timespec& b) {
  return static_cast<double>(a.tv_sec - b.tv_sec) * 1e3 + static_cast<double>(a.tv_nsec - b.tv_nsec) / 1e6;
}

std::size_t page_size() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

std::optional<OtherUser> other_user() {
  if (::geteuid() != 0) return std::nullopt;
  for (const char* name : {"nobody", "daemon"}) {
    const struct passwd* pw = ::getpwnam(name);
    if (pw != nullptr && pw->pw_uid != 0) return OtherUser{pw->pw_uid, pw->pw_gid, name};
  }
  return std::nullopt;
}

std::string other_user_unavailable_reason() {
  if (::geteuid() != 0)
    return "not running as root (euid " + std::to_string(::geteuid()) +
           "): no second user to check permissions against; run the report as root to cover them";
  return "running as root but neither 'nobody' nor 'daemon' exists to drop to";
}

void become(const OtherUser& who) {
  expect(::setgroups(0, nullptr) == 0, "setgroups: " + errno_text(errno));
  expect(::setgid(who.gid) == 0, "setgid(" + std::to_string(who.gid) + "): " + errno_text(errno));
  expect(::setuid(who.uid) == 0, "setuid(" + std::to_string(who.uid) + "): " + errno_text(errno));
  expect(::geteuid() == who.uid && ::getuid() == who.uid, "still privileged after setuid");
  // A change of credentials clears the parent-death signal the harness set: set it again.
  (void)::prctl(PR_SET_PDEATHSIG, SIGKILL);
}

void let_signal_kill(int sig) { std::signal(sig, SIG_DFL); }

bool died_of(const harness::ActorOutcome& o, int sig) {
  return o.end == harness::ActorOutcome::End::signalled && o.signal == sig;
}

TempFile::TempFile(std::size_t size) {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/shmconform-file-XXXXXX";
  fd_ = ::mkstemp(pattern.data());
  if (fd_ < 0) {
    errno_ = errno;
    return;
  }
  path_ = pattern;
  if (size > 0 && sys::ftruncate(fd_, static_cast<off_t>(size)) != 0) errno_ = errno;
}

TempFile::~TempFile() {
  if (fd_ < 0) return;
  (void)sys::unlink(path_.c_str());
  (void)sys::close(fd_);
}

}  // namespace shmc::conformance::support
