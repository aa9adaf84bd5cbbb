// Semaphores and signals: sem_post is async-signal-safe, and waking order
// under real-time scheduling.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <sched.h>
#include <semaphore.h>
#include <stdexcept>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "signals";
constexpr milliseconds kStep{2000};

struct HandlerPost {
  sem_t sem;
  std::atomic<std::int32_t> poster_pid;
  std::atomic<std::int32_t> waiter_pid;
  std::atomic<std::uint32_t> handler_ready;
  std::atomic<std::uint32_t> waiter_ready;
  std::atomic<std::uint32_t> woken;
  std::atomic<std::int32_t> handler_rc;
};

HandlerPost* g_handler_post = nullptr;  // set in the poster child before its handler is installed

extern "C" void post_from_handler(int) {
  // sem_post is on POSIX's list of async-signal-safe functions; nothing else is called here.
  g_handler_post->handler_rc.store(::sem_post(&g_handler_post->sem));
}

SHMC_CHECK("sem.post.from_signal_handler", kSection,
           "sem_post called from a signal handler in one process wakes a sem_timedwait blocked in another",
           "sem_post/6 sem_post/5", "XSH sem_post (async-signal-safe), XSH 2.4.3") {
  harness::SharedArray<HandlerPost> shared(1);
  HandlerPost& st = shared[0];
  if (sys::sem_init(&st.sem, 1, 0) != 0) return unsupported("sem_init(pshared=1): " + errno_text(errno));
  struct Destroy {
    sem_t* s;
    ~Destroy() { (void)sys::sem_destroy(s); }
  } destroy{&st.sem};
  st.handler_rc.store(-2);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("handler-poster", [&](harness::ActorContext& ctx) {
    g_handler_post = &st;
    struct sigaction sa {};
    sa.sa_handler = post_from_handler;
    sigemptyset(&sa.sa_mask);
    expect(::sigaction(SIGUSR2, &sa, nullptr) == 0, "sigaction: " + errno_text(errno));
    st.poster_pid.store(::getpid());
    st.handler_ready.store(1, std::memory_order_release);
    ctx.doing("waiting for the waiter to be woken");
    expect(wait_flag(st.woken, 1, kStep), "the waiter was never woken");
    return 0;
  });
  actors.add("waiter", [&](harness::ActorContext& ctx) {
    st.waiter_pid.store(::getpid());
    st.waiter_ready.store(1, std::memory_order_release);
    ctx.doing("blocked in sem_timedwait");
    struct timespec until = realtime_after(kStep);
    const int rc = sys::sem_timedwait(&st.sem, &until);
    const int e = errno;
    st.woken.store(1, std::memory_order_release);
    expect(rc == 0, "sem_timedwait: " + errno_text(e));
    return 0;
  });
  actors.add("signaller", [&](harness::ActorContext&) {
    expect(wait_flag(st.handler_ready, 1, kStep) && wait_flag(st.waiter_ready, 1, kStep), "the others never started");
    expect(wait_sleeping(st.waiter_pid.load(), kStep), "the waiter never blocked");
    expect(sys::kill(st.poster_pid.load(), SIGUSR2) == 0, "kill: " + errno_text(errno));
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  if (st.handler_rc.load() != 0) return fail("sem_post in the handler returned " + std::to_string(st.handler_rc.load()));
  return pass();
}

struct PriorityWake {
  sem_t sem;
  std::atomic<std::int32_t> pids[2];
  std::atomic<std::uint32_t> ready[2];
  std::atomic<std::int32_t> first;  // index of the waiter that got the first post, -1 none
  std::atomic<std::int32_t> setsched_errno;
};

SHMC_CHECK("sem.post.wakes_highest_priority", kSection,
           "under SCHED_FIFO, sem_post wakes the highest-priority waiter first (a priority-20 waiter before a "
           "priority-10 one that blocked earlier)",
           "sem_post/8", "XSH sem_post (Process Scheduling)") {
  struct sched_param probe {};
  probe.sched_priority = 10;
  // Probe in a child: the report's own scheduling is never changed.
  auto can = harness::run_in_child("probe", [&](harness::ActorContext&) {
    return ::sched_setscheduler(0, SCHED_FIFO, &probe) == 0 ? 0 : errno;
  }, kStep);
  if (can.end != harness::ActorOutcome::End::exited) return fail("probe: " + can.describe());
  if (can.exit_code != 0) return unsupported("SCHED_FIFO is not permitted here (needs CAP_SYS_NICE or RLIMIT_RTPRIO): " + errno_text(can.exit_code));

  harness::SharedArray<PriorityWake> shared(1);
  PriorityWake& st = shared[0];
  if (sys::sem_init(&st.sem, 1, 0) != 0) return unsupported("sem_init(pshared=1): " + errno_text(errno));
  struct Destroy {
    sem_t* s;
    ~Destroy() { (void)sys::sem_destroy(s); }
  } destroy{&st.sem};
  st.first.store(-1);
  const int priorities[2] = {10, 20};  // index 0 blocks first, index 1 has the higher priority
  harness::Actors actors(harness::ActorMode::processes);
  for (int i = 0; i < 2; ++i) {
    actors.add("waiter-prio-" + std::to_string(priorities[i]), [&, i](harness::ActorContext& ctx) {
      struct sched_param p {};
      p.sched_priority = priorities[i];
      if (::sched_setscheduler(0, SCHED_FIFO, &p) != 0) {
        st.setsched_errno.store(errno);
        return 1;
      }
      if (i == 1)
        expect(wait_flag(st.ready[0], 1, kStep) && wait_sleeping(st.pids[0].load(), kStep), "waiter 0 never blocked");
      st.pids[i].store(::getpid());
      st.ready[i].store(1, std::memory_order_release);
      ctx.doing("blocked in sem_timedwait");
      struct timespec until = realtime_after(kStep);
      expect(sys::sem_timedwait(&st.sem, &until) == 0, "sem_timedwait: " + errno_text(errno));
      std::int32_t none = -1;
      st.first.compare_exchange_strong(none, i);
      // The other waiter gets the second post.
      return 0;
    });
  }
  actors.add("poster", [&](harness::ActorContext&) {
    for (int i = 0; i < 2; ++i) {
      expect(wait_flag(st.ready[i], 1, kStep), "a waiter never started");
      expect(wait_sleeping(st.pids[i].load(), kStep), "a waiter never blocked");
    }
    expect(sys::sem_post(&st.sem) == 0, "sem_post: " + errno_text(errno));
    expect(wait_until([&] { return st.first.load() != -1; }, kStep), "nobody woke");
    expect(sys::sem_post(&st.sem) == 0, "sem_post: " + errno_text(errno));
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  if (st.setsched_errno.load() != 0) return unsupported("sched_setscheduler(SCHED_FIFO): " + errno_text(st.setsched_errno.load()));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  if (st.first.load() != 1) return fail("the priority-10 waiter was woken before the priority-20 one");
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
