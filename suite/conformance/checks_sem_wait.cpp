// Waiting on semaphores: process-shared unnamed semaphores, timeouts, EINTR.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <semaphore.h>
#include <stdexcept>
#include <unistd.h>

#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "sem_wait";

// Unnamed semaphores in anonymous shared memory (inherited by forked actors),
// sem_destroy()ed when the check ends.
class SharedSems {
 public:
  SharedSems(std::size_t count, int pshared, unsigned value) : sems_(count) {
    for (std::size_t i = 0; i < count; ++i) {
      if (sys::sem_init(&sems_[i], pshared, value) != 0) {
        error_ = errno;
        return;
      }
      ++initialised_;
    }
  }
  ~SharedSems() {
    for (std::size_t i = 0; i < initialised_; ++i) (void)sys::sem_destroy(&sems_[i]);
  }
  SharedSems(const SharedSems&) = delete;
  SharedSems& operator=(const SharedSems&) = delete;
  bool ok() const { return error_ == 0; }
  int error() const { return error_; }
  sem_t* operator[](std::size_t i) const { return &sems_[i]; }

 private:
  harness::SharedArray<sem_t> sems_;
  std::size_t initialised_ = 0;
  int error_ = 0;
};

SHMC_CHECK("sem.init.pshared_fork", kSection,
           "a sem_init(pshared=1) semaphore in MAP_SHARED memory wakes waiters in another process (100 ping-pongs)") {
  SharedSems sems(2, 1, 0);
  if (!sems.ok()) return unsupported("sem_init(pshared=1): " + errno_text(sems.error()));
  constexpr int kRounds = 100;
  harness::Actors actors(harness::ActorMode::processes);
  auto bounce = [&](sem_t* in, sem_t* out, bool serves) {
    return [&, in, out, serves](harness::ActorContext& ctx) {
      for (int i = 0; i < kRounds; ++i) {
        if (serves && sys::sem_post(out) != 0) throw std::runtime_error("sem_post: " + errno_text(errno));
        ctx.doing("waiting for round " + std::to_string(i));
        struct timespec until = realtime_after(milliseconds(2000));
        if (sys::sem_timedwait(in, &until) != 0)
          throw std::runtime_error("round " + std::to_string(i) + ": sem_timedwait: " + errno_text(errno));
        if (!serves && sys::sem_post(out) != 0) throw std::runtime_error("sem_post: " + errno_text(errno));
      }
      return 0;
    };
  };
  actors.add("ping", bounce(sems[1], sems[0], true));
  actors.add("pong", bounce(sems[0], sems[1], false));
  auto outcomes = actors.run(milliseconds(5000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  return pass();
}

// A 50 ms wait on a zero semaphore against `clock`: ETIMEDOUT, and not early.
Outcome times_out(clockid_t clock, int (*wait)(sem_t*, const struct timespec*)) {
  SharedSems sems(1, 0, 0);
  if (!sems.ok()) return fail("sem_init: " + errno_text(sems.error()));
  const struct timespec until = clock == CLOCK_MONOTONIC ? monotonic_after(milliseconds(50)) : realtime_after(milliseconds(50));
  const int rc = wait(sems[0], &until);
  const int e = errno;
  const struct timespec returned = now(clock);
  if (rc == 0) return fail("the wait succeeded on a zero semaphore");
  if (clock == CLOCK_MONOTONIC && (e == ENOSYS || e == EINVAL))
    return unsupported("sem_clockwait(CLOCK_MONOTONIC): " + errno_text(e));
  if (e != ETIMEDOUT) return fail("expected ETIMEDOUT, got " + errno_text(e));
  if (double early = ms_between(until, returned); early > 0)
    return fail("returned " + std::to_string(early) + " ms before the deadline");
  return pass();
}

SHMC_CHECK("sem.timedwait.timeout", kSection,
           "sem_timedwait on a zero semaphore fails with ETIMEDOUT, not before the CLOCK_REALTIME deadline") {
  return times_out(CLOCK_REALTIME, sys::sem_timedwait);
}

SHMC_CHECK("sem.clockwait.monotonic_timeout", kSection,
           "sem_clockwait(CLOCK_MONOTONIC) on a zero semaphore fails with ETIMEDOUT, not before the deadline") {
  return times_out(CLOCK_MONOTONIC, sys::sem_clockwait_monotonic);
}

SHMC_CHECK("sem.timedwait.past_deadline_available", kSection,
           "sem_timedwait takes an available semaphore even when the deadline has already passed") {
  SharedSems sems(1, 0, 1);
  if (!sems.ok()) return fail("sem_init: " + errno_text(sems.error()));
  const struct timespec past = realtime_after(milliseconds(-1000));
  if (sys::sem_timedwait(sems[0], &past) != 0) return fail("sem_timedwait: " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.timedwait.past_deadline_empty", kSection,
           "sem_timedwait on a zero semaphore with a past deadline fails with ETIMEDOUT at once") {
  SharedSems sems(1, 0, 0);
  if (!sems.ok()) return fail("sem_init: " + errno_text(sems.error()));
  const struct timespec past = realtime_after(milliseconds(-1000));
  if (sys::sem_timedwait(sems[0], &past) == 0) return fail("the wait succeeded on a zero semaphore");
  if (errno != ETIMEDOUT) return fail("expected ETIMEDOUT, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.timedwait.bad_nsec", kSection,
           "sem_timedwait that would block with tv_nsec >= 1e9 fails with EINVAL") {
  SharedSems sems(1, 0, 0);
  if (!sems.ok()) return fail("sem_init: " + errno_text(sems.error()));
  struct timespec bad = realtime_after(milliseconds(200));  // bounded even if the field were accepted
  bad.tv_nsec = 1000000000L;
  if (sys::sem_timedwait(sems[0], &bad) == 0) return fail("the wait succeeded on a zero semaphore");
  if (errno != EINVAL) return fail("expected EINVAL, got " + errno_text(errno));
  return pass();
}

// --- EINTR -------------------------------------------------------------------

extern "C" void note_signal(int) {}

struct EintrState {
  std::atomic<std::int32_t> waiter_pid;
  std::atomic<std::uint32_t> waiting;  // 1: handler installed, about to wait
  std::atomic<std::uint32_t> done;     // 1: the wait returned
  std::atomic<std::int32_t> rc;
  std::atomic<std::int32_t> err;
  std::atomic<std::uint32_t> signals;
};

// One process blocks in `wait` with a SIGUSR1 handler installed without
// SA_RESTART; another signals it until the wait returns, and posts the
// semaphore if it never does (so the waiter is released within the bound).
Outcome interrupted_wait(const char* what, int (*wait)(sem_t*)) {
  SharedSems sems(1, 1, 0);
  if (!sems.ok()) return unsupported("sem_init(pshared=1): " + errno_text(sems.error()));
  harness::SharedArray<EintrState> shared(1);
  EintrState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("waiter", [&](harness::ActorContext& ctx) {
    struct sigaction sa {};
    sa.sa_handler = note_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART
    if (::sigaction(SIGUSR1, &sa, nullptr) != 0) throw std::runtime_error("sigaction: " + errno_text(errno));
    st.waiter_pid.store(::getpid());
    st.waiting.store(1, std::memory_order_release);
    ctx.doing(what);
    errno = 0;
    int rc = wait(sems[0]);
    st.err.store(errno);
    st.rc.store(rc);
    st.done.store(1, std::memory_order_release);
    return 0;
  });
  actors.add("signaller", [&](harness::ActorContext& ctx) {
    ctx.doing("waiting for the waiter to block");
    if (!wait_flag(st.waiting, 1, milliseconds(2000))) throw std::runtime_error("the waiter never started");
    ctx.doing("signalling the waiter");
    const auto give_up = Clock::now() + milliseconds(1000);
    // A signal that lands before the waiter is inside the wait only runs the
    // handler; keep signalling (paced by a bounded wait for the answer).
    while (st.done.load(std::memory_order_acquire) == 0 && Clock::now() < give_up) {
      if (sys::kill(st.waiter_pid.load(), SIGUSR1) != 0) throw std::runtime_error("kill: " + errno_text(errno));
      st.signals.fetch_add(1);
      (void)wait_flag(st.done, 1, milliseconds(5));
    }
    if (st.done.load(std::memory_order_acquire) == 0) (void)sys::sem_post(sems[0]);  // release it: it was not interrupted
    if (!wait_flag(st.done, 1, milliseconds(2000))) throw std::runtime_error("the waiter did not return after a post");
    return 0;
  });
  auto outcomes = actors.run(milliseconds(4000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  const std::string sent = " after " + std::to_string(st.signals.load()) + " SIGUSR1(s)";
  if (st.rc.load() == 0) return fail(std::string(what) + " was not interrupted" + sent + "; it returned only when posted");
  if (st.err.load() != EINTR) return fail(std::string(what) + " failed with " + errno_text(st.err.load()) + sent);
  return pass("interrupted" + sent);
}

int wait_plain(sem_t* sem) { return sys::sem_wait(sem); }
int wait_timed(sem_t* sem) {
  struct timespec until = realtime_after(milliseconds(2500));
  return sys::sem_timedwait(sem, &until);
}

SHMC_CHECK("sem.wait.eintr", kSection,
           "a signal whose handler lacks SA_RESTART interrupts a blocked sem_wait with EINTR") {
  return interrupted_wait("sem_wait", wait_plain);
}

SHMC_CHECK("sem.timedwait.eintr", kSection,
           "a signal whose handler lacks SA_RESTART interrupts a blocked sem_timedwait with EINTR") {
  return interrupted_wait("sem_timedwait", wait_timed);
}

}  // namespace
}  // namespace shmc::conformance
