// Small RAII helpers and bounded waits for the conformance checks.
//
// Every check removes what it created on every path: names are unlinked and
// descriptors, mappings and semaphores closed by destructors, so an early
// `return fail(...)` cannot leak into /dev/shm.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <semaphore.h>
#include <string>
#include <sys/types.h>
#include <time.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/runtime/sys.hpp"

namespace shmc::conformance::support {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// "ENOENT (No such file or directory)"
std::string errno_text(int e);

// In an actor body: throws (and so fails the actor with `why`) unless ok.
void expect(bool ok, const std::string& why);

// A fresh run-prefixed name (harness::unique_name) padded with 'x' to
// `component_length` bytes after the leading slash.
std::string name_of_length(std::size_t component_length);

// A name that is unlinked (with Unlink: shm_unlink or sem_unlink) on destruction;
// a name already gone is fine.
template <int (*Unlink)(const char*)>
class UnlinkOnExit {
 public:
  explicit UnlinkOnExit(std::string name) : name_(std::move(name)) {}
  ~UnlinkOnExit() { (void)Unlink(name_.c_str()); }
  UnlinkOnExit(const UnlinkOnExit&) = delete;
  UnlinkOnExit& operator=(const UnlinkOnExit&) = delete;
  const char* c_str() const { return name_.c_str(); }
  const std::string& str() const { return name_; }

 private:
  std::string name_;
};
using ShmName = UnlinkOnExit<sys::shm_unlink>;
using SemName = UnlinkOnExit<sys::sem_unlink>;

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_;
};

class Mapping {
 public:
  Mapping() = default;
  Mapping(int fd, std::size_t size, off_t offset = 0);  // MAP_SHARED, read/write; check ok()
  ~Mapping() { reset(); }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  bool ok() const { return data_ != nullptr; }
  int error() const { return errno_; }
  volatile unsigned char* bytes() const { return static_cast<volatile unsigned char*>(data_); }
  void* data() const { return data_; }
  void reset();

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
  int errno_ = 0;
};

// A named-semaphore handle, sem_close()d on destruction.
class SemHandle {
 public:
  explicit SemHandle(sem_t* sem = SEM_FAILED) : sem_(sem) {}
  ~SemHandle() { reset(); }
  SemHandle(const SemHandle&) = delete;
  SemHandle& operator=(const SemHandle&) = delete;
  bool ok() const { return sem_ != SEM_FAILED; }
  sem_t* get() const { return sem_; }
  void reset(sem_t* sem = SEM_FAILED);

 private:
  sem_t* sem_;
};

// Creates a shared-memory object of `size` bytes (O_CREAT|O_EXCL, 0600). Returns
// the descriptor, or -1 with errno set.
int create_object(const char* name, std::size_t size);
// Current value of a semaphore, or -1 if sem_getvalue failed.
int sem_value(sem_t* sem);

// Polls pred with backoff until it holds or `timeout` passed. A bounded wait
// on another process's progress, not a sleep that hopes it got somewhere.
bool wait_until(const std::function<bool()>& pred, milliseconds timeout);
// Waits until a shared flag reaches at least `value`.
bool wait_flag(const std::atomic<std::uint32_t>& flag, std::uint32_t value, milliseconds timeout);
// Waits until a process (identity) is dead (a zombie counts as dead).
bool wait_dead(ProcessIdentity who, milliseconds timeout);

// Waits until process `pid` sleeps in the kernel (state S or D in /proc/<pid>/stat):
// after it announced it is about to block, that is it blocking.
bool wait_sleeping(pid_t pid, milliseconds timeout);

// Absolute times for sem_timedwait (CLOCK_REALTIME) and sem_clockwait (CLOCK_MONOTONIC).
struct timespec realtime_after(milliseconds delta);
struct timespec monotonic_after(milliseconds delta);
// a - b in milliseconds (may be negative).
double ms_between(const struct timespec& a, const struct timespec& b);
struct timespec now(clockid_t clock);

std::size_t page_size();

// --- other users -------------------------------------------------------------
// As root every permission check passes vacuously: those checks run in a child
// that drops to an unprivileged user (nobody, else daemon).
struct OtherUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};
// The user to drop to; empty unless this process is root and such a user exists.
std::optional<OtherUser> other_user();
// Why other_user() is empty ("not running as root ..."), for UNSUPPORTED rows.
std::string other_user_unavailable_reason();
// In a child: drops every group and becomes `who` for good; throws if the kernel refuses.
void become(const OtherUser& who);

// --- signals -----------------------------------------------------------------
// Sanitizer runtimes catch SIGSEGV/SIGBUS to print a report; a child that is
// meant to die of one restores the default action first.
void let_signal_kill(int sig);
bool died_of(const harness::ActorOutcome& o, int sig);

// A regular file in the temporary directory, unlinked and closed on destruction.
class TempFile {
 public:
  explicit TempFile(std::size_t size = 0);  // check ok()
  ~TempFile();
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  bool ok() const { return fd_ >= 0 && errno_ == 0; }
  int error() const { return errno_; }
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  int fd_ = -1;
  int errno_ = 0;
};

}  // namespace shmc::conformance::support
