#include "suite/conformance/check_support.hpp"

#include "shmconform/harness/poll_until.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::conformance::support {

std::string errno_text(int e) {
  const char* name = ::strerrorname_np(e);
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

}  // namespace shmc::conformance::support
