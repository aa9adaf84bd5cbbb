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

SHMC_CHECK("sem.init.pshared_fork", "sem_init",
           "a sem_init(pshared=1) semaphore in MAP_SHARED memory wakes waiters in another process (100 ping-pongs)",
           "sem_init/3 sem_post/1 sem_wait/13", "XSH sem_init DESCRIPTION (pshared)") {
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

SHMC_CHECK("sem.timedwait.timeout", "sem_timedwait",
           "sem_timedwait on a zero semaphore fails with ETIMEDOUT, not before the CLOCK_REALTIME deadline",
           "sem_timedwait/2 sem_timedwait/7 sem_timedwait/10", "XSH sem_timedwait ERRORS [ETIMEDOUT]") {
  return times_out(CLOCK_REALTIME, sys::sem_timedwait);
}

SHMC_CHECK("sem.clockwait.monotonic_timeout", "sem_timedwait",
           "sem_clockwait(CLOCK_MONOTONIC) on a zero semaphore fails with ETIMEDOUT, not before the deadline",
           "", "XSH sem_clockwait (POSIX.1-2024)") {
  return times_out(CLOCK_MONOTONIC, sys::sem_clockwait_monotonic);
}

SHMC_CHECK("sem.timedwait.past_deadline_available", "sem_timedwait",
           "sem_timedwait takes an available semaphore even when the deadline has already passed",
           "sem_timedwait/11 sem_timedwait/1", "XSH sem_timedwait DESCRIPTION") {
  SharedSems sems(1, 0, 1);
  if (!sems.ok()) return fail("sem_init: " + errno_text(sems.error()));
  const struct timespec past = realtime_after(milliseconds(-1000));
  if (sys::sem_timedwait(sems[0], &past) != 0) return fail("sem_timedwait: " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.timedwait.past_deadline_empty", "sem_timedwait",
           "sem_timedwait on a zero semaphore with a past deadline fails with ETIMEDOUT at once",
           "sem_timedwait/3 sem_timedwait/7", "XSH sem_timedwait DESCRIPTION") {
  SharedSems sems(1, 0, 0);
  if (!sems.ok()) return fail("sem_init: " + errno_text(sems.error()));
  const struct timespec past = realtime_after(milliseconds(-1000));
  if (sys::sem_timedwait(sems[0], &past) == 0) return fail("the wait succeeded on a zero semaphore");
  if (errno != ETIMEDOUT) return fail("expected ETIMEDOUT, got " + errno_text(errno));
  return pass();
}

SHMC_CHECK("sem.timedwait.bad_nsec", "sem_timedwait",
           "sem_timedwait that would block with tv_nsec >= 1e9 fails with EINVAL",
           "sem_timedwait/6", "XSH sem_timedwait ERRORS [EINVAL]") {
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

// What became of one blocked wait while another process sent it SIGUSR1.
struct SignalledWait {
  std::string error;  // the actors' failure, empty if they ran
  int rc = 0;
  int err = 0;
  std::uint32_t signals = 0;
  std::string sent() const { return " after " + std::to_string(signals) + " SIGUSR1(s)"; }
};

// One process blocks in `wait` with a SIGUSR1 handler installed with
// `sa_flags`; another signals it for up to `signal_for` or until the wait
// returns, and posts the semaphore if it never does (so the waiter is
// released within the bound).
SignalledWait signalled_wait(const char* what, int (*wait)(sem_t*), int sa_flags, milliseconds signal_for) {
  SignalledWait out;
  SharedSems sems(1, 1, 0);
  if (!sems.ok()) {
    out.error = "sem_init(pshared=1): " + errno_text(sems.error());
    return out;
  }
  harness::SharedArray<EintrState> shared(1);
  EintrState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("waiter", [&](harness::ActorContext& ctx) {
    struct sigaction sa {};
    sa.sa_handler = note_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = sa_flags;
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
    const auto give_up = Clock::now() + signal_for;
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
  if (!harness::all_ok(outcomes)) out.error = harness::describe(outcomes);
  out.rc = st.rc.load();
  out.err = st.err.load();
  out.signals = st.signals.load();
  return out;
}

Outcome interrupted_wait(const char* what, int (*wait)(sem_t*)) {
  const SignalledWait w = signalled_wait(what, wait, 0, milliseconds(1000));
  if (!w.error.empty()) return fail(w.error);
  if (w.rc == 0) return fail(std::string(what) + " was not interrupted" + w.sent() + "; it returned only when posted");
  if (w.err != EINTR) return fail(std::string(what) + " failed with " + errno_text(w.err) + w.sent());
  return pass("interrupted" + w.sent());
}

int wait_plain(sem_t* sem) { return sys::sem_wait(sem); }
int wait_timed(sem_t* sem) {
  struct timespec until = realtime_after(milliseconds(2500));
  return sys::sem_timedwait(sem, &until);
}

SHMC_CHECK("sem.wait.eintr", kSection,
           "a signal whose handler lacks SA_RESTART interrupts a blocked sem_wait with EINTR",
           "sem_wait/7 sem_wait/13", "XSH sem_wait ERRORS [EINTR]") {
  return interrupted_wait("sem_wait", wait_plain);
}

SHMC_CHECK("sem.timedwait.eintr", "sem_timedwait",
           "a signal whose handler lacks SA_RESTART interrupts a blocked sem_timedwait with EINTR",
           "sem_timedwait/9", "XSH sem_timedwait ERRORS [EINTR]") {
  return interrupted_wait("sem_timedwait", wait_timed);
}

SHMC_CHECK("sem.wait.sa_restart", "signals",
           "with an SA_RESTART handler a blocked sem_wait is restarted (returns only when posted) while sem_timedwait "
           "fails with EINTR: a shutdown flag set by such a handler leaves a sem_wait loop hanging",
           "sem_wait/7 sem_timedwait/9", "XSH sigaction (SA_RESTART), XSH sem_wait") {
  const SignalledWait plain = signalled_wait("sem_wait", wait_plain, SA_RESTART, milliseconds(300));
  if (!plain.error.empty()) return fail(plain.error);
  const SignalledWait timed = signalled_wait("sem_timedwait", wait_timed, SA_RESTART, milliseconds(300));
  if (!timed.error.empty()) return fail(timed.error);
  if (plain.rc != 0 && plain.err != EINTR) return fail("sem_wait failed with " + errno_text(plain.err) + plain.sent());
  if (timed.rc != 0 && timed.err != EINTR) return fail("sem_timedwait failed with " + errno_text(timed.err) + timed.sent());
  const std::string facts = std::string("sem_wait ") + (plain.rc == 0 ? "restarted" : "EINTR") + plain.sent() +
                            ", sem_timedwait " + (timed.rc == 0 ? "restarted" : "EINTR") + timed.sent();
  // POSIX allows either for each; the hazard is that they differ.
  if ((plain.rc == 0) != (timed.rc == 0))
    return finding(facts + ": check the shutdown flag with sem_timedwait, or install the handler without SA_RESTART");
  return pass(facts);
}

}  // namespace
}  // namespace shmc::conformance
