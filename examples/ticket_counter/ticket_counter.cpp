#include "ticket_counter.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

#include "shmconform/runtime/crash_point.hpp"

struct TicketCounter::Shared {
  std::uint64_t magic;
  pthread_mutex_t mutex;
  std::atomic<std::uint32_t> spin;  // the planted build's lock
  std::uint64_t next;               // the next ticket to hand out
  std::uint64_t issued;             // tickets handed out: equals next outside the critical section
};
static constexpr std::uint64_t kMagic = 0x7469636b65743031;  // "ticket01"

namespace {
void* map_object(int fd, std::size_t size) {
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  return p == MAP_FAILED ? nullptr : p;
}
}  // namespace

std::optional<TicketCounter> TicketCounter::create(const std::string& name, std::string& error) {
  const int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  if (fd < 0 || ::ftruncate(fd, sizeof(Shared)) != 0) {
    error = "create " + name + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd), ::shm_unlink(name.c_str());
    return std::nullopt;
  }
  auto* s = static_cast<Shared*>(map_object(fd, sizeof(Shared)));
  if (s == nullptr) {
    error = "mmap " + name + ": " + std::strerror(errno);
    ::shm_unlink(name.c_str());
    return std::nullopt;
  }
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&s->mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  s->magic = kMagic;
  return TicketCounter(s, name, true);
}

std::optional<TicketCounter> TicketCounter::open(const std::string& name, std::string& error) {
  const int fd = ::shm_open(name.c_str(), O_RDWR, 0);
  if (fd < 0) {
    error = "open " + name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0 || st.st_size != static_cast<off_t>(sizeof(Shared))) {
    ::close(fd);
    error = "open " + name + ": not a ticket counter (wrong size)";
    return std::nullopt;
  }
  auto* s = static_cast<Shared*>(map_object(fd, sizeof(Shared)));
  if (s == nullptr || s->magic != kMagic) {
    if (s != nullptr) ::munmap(s, sizeof(Shared));
    error = "open " + name + ": not a ticket counter";
    return std::nullopt;
  }
  return TicketCounter(s, name, false);
}

TicketCounter::TicketCounter(TicketCounter&& o) noexcept : shared_(o.shared_), name_(std::move(o.name_)), creator_(o.creator_) {
  o.shared_ = nullptr;
  o.creator_ = false;
}

TicketCounter::~TicketCounter() {
  if (shared_ != nullptr) ::munmap(shared_, sizeof(Shared));
  if (creator_) ::shm_unlink(name_.c_str());
}

bool TicketCounter::lock(int timeout_ms) {
#if defined(TICKET_COUNTER_PLANTED_SPINLOCK)
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (shared_->spin.exchange(1, std::memory_order_acquire) != 0)
    if (std::chrono::steady_clock::now() > deadline) return false;
    else std::this_thread::yield();
  return true;
#else
  timespec at{};
  clock_gettime(CLOCK_REALTIME, &at);
  at.tv_sec += timeout_ms / 1000;
  at.tv_nsec += static_cast<long>(timeout_ms % 1000) * 1000000L;
  if (at.tv_nsec >= 1000000000L) at.tv_sec += 1, at.tv_nsec -= 1000000000L;
  const int rc = pthread_mutex_timedlock(&shared_->mutex, &at);
  if (rc == EOWNERDEAD) {
    SHMC_CRASH_POINT("ticket/repair/owner_died", "holds a dead owner's mutex, not yet repaired: the next taker repairs again");
    shared_->issued = shared_->next;  // the dead holder's ticket was either taken (next moved) or not
    pthread_mutex_consistent(&shared_->mutex);
    return true;
  }
  return rc == 0;
#endif
}

void TicketCounter::unlock() {
#if defined(TICKET_COUNTER_PLANTED_SPINLOCK)
  shared_->spin.store(0, std::memory_order_release);
#else
  pthread_mutex_unlock(&shared_->mutex);
#endif
}

std::optional<std::uint64_t> TicketCounter::take(int timeout_ms) {
  if (!lock(timeout_ms)) return std::nullopt;
  SHMC_CRASH_POINT("ticket/take/locked", "holds the lock, nothing changed");
  const std::uint64_t ticket = shared_->next;
  shared_->next = ticket + 1;
  SHMC_CRASH_POINT("ticket/take/advanced", "holds the lock, next moved, issued not yet: the repair makes them agree");
  shared_->issued = ticket + 1;
  unlock();
  return ticket;
}

std::optional<std::uint64_t> TicketCounter::peek(int timeout_ms) {
  if (!lock(timeout_ms)) return std::nullopt;
  const std::uint64_t next = shared_->next;
  unlock();
  return next;
}
