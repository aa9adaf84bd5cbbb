// The multi-process cases a single-process suite cannot see: unlink while a
// peer has the object mapped, a name re-created under a process that still
// uses the old object, the /dev/shm file deleted from outside, and a process
// killed while it holds a named semaphore.
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <stdexcept>
#include <unistd.h>

#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "multi-process";
constexpr milliseconds kStep{2000};  // bound of each hand-over between actors
constexpr milliseconds kRun{5000};   // bound of a whole check

// Hand-over flags between actors, in anonymous shared memory. An actor that
// gives up (throws) raises the abandon flag, so its partners stop waiting for
// it at once instead of running out their bound.
class Flags {
 public:
  explicit Flags(std::size_t n) : flags_(n + 1) {}
  void set(std::size_t i) const { flags_[i + 1].store(1, std::memory_order_release); }
  void await(std::size_t i, const char* what) const {
    const bool arrived = wait_until([&] { return flags_[i + 1].load(std::memory_order_acquire) != 0 || abandoned(); }, kStep);
    if (abandoned() && flags_[i + 1].load(std::memory_order_acquire) == 0)
      throw std::runtime_error(std::string("a partner gave up before ") + what);
    if (!arrived) throw std::runtime_error(std::string("timed out waiting for ") + what);
  }
  harness::ActorBody guard(harness::ActorBody body) const {
    return [this, body = std::move(body)](harness::ActorContext& ctx) {
      try {
        return body(ctx);
      } catch (...) {
        flags_[0].store(1, std::memory_order_release);
        throw;
      }
    };
  }

 private:
  bool abandoned() const { return flags_[0].load(std::memory_order_acquire) != 0; }
  harness::SharedArray<std::atomic<std::uint32_t>> flags_;
};

// Opens (creating and sizing it with O_CREAT) one page of the named object; throws on failure.
int open_page(const std::string& name, int oflag) {
  int fd = sys::shm_open(name.c_str(), oflag, 0600);
  expect(fd >= 0, "shm_open " + name + ": " + errno_text(errno));
  if ((oflag & O_CREAT) != 0 && sys::ftruncate(fd, static_cast<off_t>(page_size())) != 0) {
    const int e = errno;
    (void)sys::close(fd);
    expect(false, "ftruncate: " + errno_text(e));
  }
  return fd;
}

// One page of the named object, mapped for the life of the actor.
struct Attached {
  Fd fd;
  Mapping map;
  Attached(const std::string& name, int oflag) : fd(open_page(name, oflag)), map(fd.get(), page_size()) {
    expect(map.ok(), "mmap: " + errno_text(map.error()));
  }
  volatile unsigned char* bytes() const { return map.bytes(); }
};

SHMC_CHECK("mp.unlink.mapped_peer_shares", kSection,
           "a process that mapped the object before another unlinked it keeps sharing the same memory with it",
           "shm_unlink/3", "XSH shm_unlink DESCRIPTION") {
  ShmName name{harness::unique_name("peer-shares")};
  enum { created, mapped, unlinked, a_wrote, b_wrote, b_checked };
  Flags f(6);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("A-creator", f.guard([&](harness::ActorContext&) {
    Attached a(name.str(), O_RDWR | O_CREAT | O_EXCL);
    a.bytes()[0] = 0x11;
    f.set(created);
    f.await(mapped, "B to map");
    expect(sys::shm_unlink(name.c_str()) == 0, "shm_unlink: " + errno_text(errno));
    f.set(unlinked);
    f.await(b_wrote, "B's write");
    expect(a.bytes()[1] == 0x22, "A does not see B's write made after the unlink");
    a.bytes()[2] = 0x33;
    f.set(a_wrote);
    f.await(b_checked, "B's check");
    return 0;
  }));
  actors.add("B-peer", f.guard([&](harness::ActorContext&) {
    f.await(created, "A to create");
    Attached b(name.str(), O_RDWR);
    expect(b.bytes()[0] == 0x11, "B does not see A's write made before the unlink");
    f.set(mapped);
    f.await(unlinked, "A's unlink");
    b.bytes()[1] = 0x22;
    f.set(b_wrote);
    f.await(a_wrote, "A's write");
    expect(b.bytes()[2] == 0x33, "B does not see A's write made after the unlink");
    f.set(b_checked);
    return 0;
  }));
  auto outcomes = actors.run(kRun);
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  return pass();
}

SHMC_CHECK("mp.name.recreated_is_different", kSection,
           "after A maps and unlinks, C can re-create the name: A and C then use different objects under one name",
           "shm_unlink/5", "XSH shm_unlink DESCRIPTION") {
  ShmName name{harness::unique_name("split-brain")};
  enum { a_locked, a_unlinked, c_locked, a_checked };
  Flags f(4);
  harness::Actors actors(harness::ActorMode::processes);
  // Each takes the "lock" in word 16 of what it believes is the one shared object.
  auto take_lock = [](const Attached& at) {
    auto* word = reinterpret_cast<std::uint32_t*>(const_cast<unsigned char*>(at.bytes()) + 64);
    std::uint32_t expected = 0;
    return std::atomic_ref<std::uint32_t>(*word).compare_exchange_strong(expected, 1);
  };
  actors.add("A", f.guard([&](harness::ActorContext&) {
    Attached a(name.str(), O_RDWR | O_CREAT | O_EXCL);
    expect(take_lock(a), "A could not take the lock in a fresh object");
    f.set(a_locked);
    expect(sys::shm_unlink(name.c_str()) == 0, "shm_unlink: " + errno_text(errno));  // "cleanup" while still using it
    f.set(a_unlinked);
    f.await(c_locked, "C");
    expect(a.bytes()[0] == 0, "A sees C's writes: they share one object after all");
    a.bytes()[1] = 0xAA;
    f.set(a_checked);
    return 0;
  }));
  actors.add("C", f.guard([&](harness::ActorContext&) {
    f.await(a_unlinked, "A's unlink");
    Attached c(name.str(), O_RDWR | O_CREAT | O_EXCL);  // succeeds: the name is free again
    c.bytes()[0] = 0xCC;
    expect(take_lock(c), "C could not take the lock: it sees A's object");
    f.set(c_locked);
    f.await(a_checked, "A's check");
    expect(c.bytes()[1] == 0, "C sees A's writes: they share one object after all");
    return 0;
  }));
  auto outcomes = actors.run(kRun);
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  return finding("A and C both hold the 'lock' of " + name.str() +
              ": a name is not an identity; compare (st_dev, st_ino) or a generation, and only the last user may unlink");
}

SHMC_CHECK("mp.devshm.deleted_externally", kSection,
           "deleting the /dev/shm file from outside removes the name only: mapped processes keep sharing, newcomers get ENOENT",
           "", "Linux tmpfs /dev/shm") {
  ShmName name{harness::unique_name("tmpreaper")};
  const std::string path = std::string(harness::kDevShm) + name.str();
  if (::access(harness::kDevShm, W_OK) != 0)
    return unsupported(std::string(harness::kDevShm) + " is not a writable directory here: " + errno_text(errno));
  enum { a_mapped, b_mapped, deleted, a_wrote, b_checked };
  Flags f(5);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("A", f.guard([&](harness::ActorContext&) {
    Attached a(name.str(), O_RDWR | O_CREAT | O_EXCL);
    f.set(a_mapped);
    f.await(deleted, "the deletion");
    a.bytes()[5] = 0x55;
    f.set(a_wrote);
    f.await(b_checked, "B's check");
    return 0;
  }));
  actors.add("B", f.guard([&](harness::ActorContext&) {
    f.await(a_mapped, "A");
    Attached b(name.str(), O_RDWR);
    f.set(b_mapped);
    f.await(a_wrote, "A's write");
    expect(b.bytes()[5] == 0x55, "B no longer sees A's writes after the file was deleted");
    Fd newcomer{sys::shm_open(name.c_str(), O_RDWR, 0)};
    expect(!newcomer.ok() && errno == ENOENT, "a newcomer still finds the deleted name");
    f.set(b_checked);
    return 0;
  }));
  actors.add("cleanup-daemon", f.guard([&](harness::ActorContext&) {
    f.await(b_mapped, "both users to map");
    expect(::unlink(path.c_str()) == 0, "unlink(" + path + "): " + errno_text(errno));
    f.set(deleted);
    return 0;
  }));
  auto outcomes = actors.run(kRun);
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  return finding("a tmp cleaner that deletes " + std::string(harness::kDevShm) +
              " files splits users from newcomers without any error; keep segment files out of age-based cleanup");
}

struct HolderState {
  std::atomic<std::uint64_t> holder;  // packed ProcessIdentity of the holder
  std::atomic<std::int32_t> holder_pid;
  std::atomic<std::uint32_t> held;
  std::atomic<std::uint32_t> never;   // nobody sets it: the holder waits on it until killed
  std::atomic<std::int32_t> waiter_rc;
  std::atomic<std::int32_t> waiter_errno;
};

SHMC_CHECK("mp.sem.killed_holder_stays_held", kSection,
           "a process killed while holding a named-semaphore mutex leaves it held: the next locker times out",
           "", "XSH sem_wait (no owner), seed 001") {
  SemName name{harness::unique_name("sem-mutex")};
  SemHandle mutex{sys::sem_open(name.c_str(), O_CREAT | O_EXCL, 0600, 1)};
  if (!mutex.ok()) return fail("sem_open(O_CREAT|O_EXCL): " + errno_text(errno));
  harness::SharedArray<HolderState> shared(1);
  HolderState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("holder", [&](harness::ActorContext& ctx) {
    SemHandle sem{sys::sem_open_existing(name.c_str())};
    expect(sem.ok(), "sem_open: " + errno_text(errno));
    struct timespec until = realtime_after(kStep);
    expect(sys::sem_timedwait(sem.get(), &until) == 0, "taking the mutex: " + errno_text(errno));
    st.holder.store(pack(self_identity()));
    st.holder_pid.store(::getpid());
    st.held.store(1, std::memory_order_release);
    ctx.doing("holding the mutex until killed");
    (void)wait_flag(st.never, 1, kRun);
    return 1;  // not killed: the killer failed, and its outcome says why
  });
  actors.add("killer-then-waiter", [&](harness::ActorContext& ctx) {
    if (!wait_flag(st.held, 1, kStep)) throw std::runtime_error("the holder never took the mutex");
    expect(sys::kill(st.holder_pid.load(), SIGKILL) == 0, "kill: " + errno_text(errno));
    expect(wait_dead(unpack(st.holder.load()), kStep), "the holder is still alive after SIGKILL");
    SemHandle sem{sys::sem_open_existing(name.c_str())};
    expect(sem.ok(), "sem_open: " + errno_text(errno));
    ctx.doing("trying to take the dead holder's mutex");
    struct timespec until = realtime_after(milliseconds(200));
    st.waiter_rc.store(sys::sem_timedwait(sem.get(), &until));
    st.waiter_errno.store(errno);
    return 0;
  });
  auto outcomes = actors.run(kRun);
  if (!outcomes[1].ok()) return fail(harness::describe(outcomes));
  if (outcomes[0].end != harness::ActorOutcome::End::signalled || outcomes[0].signal != SIGKILL)
    return fail("the holder did not die of SIGKILL: " + outcomes[0].describe());
  if (st.waiter_rc.load() == 0) return fail("the next locker got the mutex: the platform released a dead holder's semaphore");
  if (st.waiter_errno.load() != ETIMEDOUT) return fail("the next locker failed with " + errno_text(st.waiter_errno.load()));
  if (int v = sem_value(mutex.get()); v != 0) return fail("semaphore value is " + std::to_string(v) + ", expected 0");
  return finding("the semaphore stays at 0 after its holder died, every later locker blocks; "
              "a named-semaphore mutex is not crash-safe (use an owner-identity lock or a robust mutex)");
}

}  // namespace
}  // namespace shmc::conformance
