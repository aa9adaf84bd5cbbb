// Platform findings about a process-shared condition variable when processes
// die around it, measured on this glibc with bounded waits (one row each in
// `shmconform report`, and one gtest each in monitor_findings_test). A row
// PASSes when it could measure; its detail says what glibc did. The remedy
// the monitor uses for all of them: timed waits that re-check the predicate
// (docs/monitor.md), or a futex on a sequence word.
#include <atomic>
#include <cerrno>
#include <cstring>

#include "fixtures/monitor/monitor.hpp"
#include "fixtures/semqueue/robust_mutex.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/monitor/monitor_waits.hpp"

namespace {

using namespace std::chrono_literals;
using shmc::conformance::Outcome;
using shmc::monitor::Clock;
using shmc::monitor::Monitor;
namespace harness = shmc::harness;
namespace semqueue = shmc::semqueue;

constexpr const char* kSection = "findings: condition variable with dead processes";

// Bookkeeping in anonymous shared memory: waiting flags, results, the predicate.
struct Board {
  std::atomic<std::uint64_t> waiting[4];
  std::atomic<std::int64_t> rc[4];
  std::atomic<std::int64_t> woke_us[4];
  std::atomic<std::uint64_t> predicate;
  std::atomic<std::int64_t> signalled_at_us;
};

using shmc::monitor::rows::now_us;
using shmc::monitor::rows::rc_text;

// A waiter (slot i): marks itself waiting under the mutex, then waits once (bounded) for the predicate.
int wait_once(const Monitor& m, Board& b, int i, std::chrono::milliseconds bound) {
  const auto end = shmc::monitor::rows::wait_for_predicate(m, b.waiting[i], b.predicate, bound);
  if (!end) return 1;
  b.rc[i].store(end->rc);
  b.woke_us[i].store(end->woke_us);
  return 0;
}

// Waits until waiter i is inside pthread_cond_wait.
bool until_waiting(const Monitor& m, Board& b, int i) {
  if (!shmc::monitor::rows::lock_once_waiting(m, b.waiting[i])) return false;
  semqueue::robust_mutex_unlock(m.raw_mutex());
  return true;
}

// Kills `n` waiters while they sit in pthread_cond_wait (waiter slots 0..n-1).
Outcome kill_waiters(const std::string& name, Board& b, int n, std::string* what) {
  harness::Actors actors(harness::ActorMode::processes);
  for (int i = 0; i < n; ++i)
    actors.add("doomed-waiter-" + std::to_string(i), [&, i](harness::ActorContext&) {
      auto m = Monitor::open(name);
      if (!m.ok()) return 2;
      return wait_once(*m, b, i, 10s);
    }, harness::KillAfter{std::chrono::microseconds(150000)});
  auto out = actors.run(5s);
  for (int i = 0; i < n; ++i) {
    if (!out[static_cast<std::size_t>(i)].killed_by_plan() || b.waiting[i].load() == 0)
      return shmc::conformance::untested("waiter " + std::to_string(i) + " was not killed inside its wait: " +
                                         out[static_cast<std::size_t>(i)].describe());
  }
  *what = std::to_string(n) + " waiter(s) SIGKILLed inside pthread_cond_wait";
  return shmc::conformance::pass();
}

}  // namespace

SHMC_CHECK("finding.monitor.cond.waiter_killed_in_wait", kSection,
           "a waiter killed inside pthread_cond_wait: a later signal still wakes a live waiter; pthread_cond_destroy is measured") {
  if (auto o = shmc::monitor::rows::needs_robust_futexes(); o.verdict != shmc::conformance::Verdict::pass) return o;
  const auto name = harness::unique_name("mon-finding");
  auto m = Monitor::create(name, 100);
  if (!m.ok()) return shmc::conformance::fail(m.error().describe());
  harness::SharedArray<Board> shared(1);
  Board& b = shared[0];
  std::string what;
  if (auto o = kill_waiters(name, b, 1, &what); !o.reason.empty()) return o;
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("live-waiter", [&](harness::ActorContext&) { return wait_once(Monitor::open(name).value(), b, 1, 1000ms); });
  actors.add("signaller", [&](harness::ActorContext&) {
    auto mm = Monitor::open(name);
    if (!mm.ok() || !until_waiting(*mm, b, 1)) return 2;
    b.signalled_at_us.store(now_us());
    b.predicate.store(1);
    return ::pthread_cond_signal(mm->raw_cond());
  });
  auto out = actors.run(10s);
  if (!harness::all_ok(out)) return shmc::conformance::fail(harness::describe(out));
  const bool woke = b.rc[1].load() == 0;
  const auto latency = b.woke_us[1].load() - b.signalled_at_us.load();
  // pthread_cond_destroy with the dead waiter's reference still counted: in a child, bounded.
  auto destroy = harness::run_in_child(
      "destroyer", [&](harness::ActorContext&) { return ::pthread_cond_destroy(m->raw_cond()); }, 500ms);
  const std::string destroy_text = destroy.end == harness::ActorOutcome::End::timed_out
                                       ? "pthread_cond_destroy BLOCKED (still waiting after 500 ms, killed)"
                                       : "pthread_cond_destroy returned " + rc_text(destroy.exit_code);
  const std::string said = what + "; one pthread_cond_signal then " +
                          (woke ? "woke the live waiter in " + std::to_string(latency) + " us"
                                : "did NOT wake the live waiter (lost wake-up; it timed out after 1000 ms, rc " +
                                      rc_text(b.rc[1].load()) + ")") +
                          "; " + destroy_text;
  // A hazard the platform has (a lost wake-up, a destroy that blocks) is a finding, not a pass.
  const bool hazard = !woke || destroy.end == harness::ActorOutcome::End::timed_out;
  return hazard ? shmc::conformance::finding(said) : shmc::conformance::pass(said);
}

SHMC_CHECK("finding.monitor.cond.signaller_killed_before_signal", kSection,
           "a signaller killed between its state change and its signal (holding the robust mutex): what the waiter's timed wait returns") {
  if (auto o = shmc::monitor::rows::needs_robust_futexes(); o.verdict != shmc::conformance::Verdict::pass) return o;
  if (!harness::crash_injection_available()) return shmc::conformance::untested("crash points compiled out");
  const auto name = harness::unique_name("mon-finding");
  auto m = Monitor::create(name, 100);
  if (!m.ok()) return shmc::conformance::fail(m.error().describe());
  harness::SharedArray<Board> shared(1);
  Board& b = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  const auto started = now_us();
  actors.add("waiter", [&](harness::ActorContext&) {
    auto mm = Monitor::open(name);
    if (!mm.ok() || semqueue::robust_mutex_lock_until(mm->raw_mutex(), Clock::now() + 2s) != semqueue::LockState::acquired)
      return 2;
    b.waiting[0].store(1);
    const int rc = shmc::monitor::cond_wait_until(mm->raw_cond(), mm->raw_mutex(), Clock::now() + 300ms);
    b.rc[0].store(rc);
    b.woke_us[0].store(now_us());
    b.predicate.store(reinterpret_cast<const shmc::monitor::MonitorLayout*>(mm->segment().payload())->record.ops);
    if (rc == EOWNERDEAD) ::pthread_mutex_consistent(mm->raw_mutex());
    semqueue::robust_mutex_unlock(mm->raw_mutex());
    return 0;
  });
  actors.add("signaller", [&](harness::ActorContext&) {
    auto mm = Monitor::open(name);
    if (!mm.ok() || !until_waiting(*mm, b, 0)) return 2;
    return mm->transfer(true, 1).ok() ? 0 : 3;
  }, harness::CrashAt{"monitor/transfer/committed", 1});
  auto out = actors.run(10s);
  if (!out[0].ok() || !out[1].killed_by_plan()) return shmc::conformance::fail(harness::describe(out));
  // The change was made and its wake-up lost with the signaller: a hazard, so a finding.
  return shmc::conformance::finding("no signal came: the waiter's 300 ms timed wait returned " + rc_text(b.rc[0].load()) +
                                 " after " + std::to_string((b.woke_us[0].load() - started) / 1000) +
                                 " ms (the dead signaller held the mutex); the predicate it re-checked then: ops=" +
                                 std::to_string(b.predicate.load()) + " (the change is there, only the wake-up was lost)");
}

SHMC_CHECK("finding.monitor.cond.broadcast_with_dead_waiters", kSection,
           "pthread_cond_broadcast after two waiters were killed inside their waits: do the live waiters wake") {
  if (auto o = shmc::monitor::rows::needs_robust_futexes(); o.verdict != shmc::conformance::Verdict::pass) return o;
  const auto name = harness::unique_name("mon-finding");
  auto m = Monitor::create(name, 100);
  if (!m.ok()) return shmc::conformance::fail(m.error().describe());
  harness::SharedArray<Board> shared(1);
  Board& b = shared[0];
  std::string what;
  if (auto o = kill_waiters(name, b, 2, &what); !o.reason.empty()) return o;
  harness::Actors actors(harness::ActorMode::processes);
  for (int i = 2; i < 4; ++i)
    actors.add("live-waiter-" + std::to_string(i), [&, i](harness::ActorContext&) {
      return wait_once(Monitor::open(name).value(), b, i, 1000ms);
    });
  actors.add("broadcaster", [&](harness::ActorContext&) {
    auto mm = Monitor::open(name);
    if (!mm.ok() || !until_waiting(*mm, b, 2) || !until_waiting(*mm, b, 3)) return 2;
    b.signalled_at_us.store(now_us());
    b.predicate.store(1);
    return ::pthread_cond_broadcast(mm->raw_cond());
  });
  auto out = actors.run(10s);
  if (!harness::all_ok(out)) return shmc::conformance::fail(harness::describe(out));
  std::string detail = what + "; one pthread_cond_broadcast:";
  for (int i = 2; i < 4; ++i)
    detail += b.rc[i].load() == 0
                  ? " live waiter woke in " + std::to_string(b.woke_us[i].load() - b.signalled_at_us.load()) + " us;"
                  : " live waiter NOT woken (timed out, rc " + rc_text(b.rc[i].load()) + ");";
  return shmc::conformance::pass(detail);
}

SHMC_CHECK("monitor.robust.enotrecoverable", kSection,
           "an owner-died robust mutex unlocked without pthread_mutex_consistent: every later lock fails with ENOTRECOVERABLE") {
  if (auto o = shmc::monitor::rows::needs_robust_futexes(); o.verdict != shmc::conformance::Verdict::pass) return o;
  const auto name = harness::unique_name("mon-finding");
  auto m = Monitor::create(name, 100);
  if (!m.ok()) return shmc::conformance::fail(m.error().describe());
  if (!harness::crash_injection_available()) return shmc::conformance::untested("crash points compiled out");
  // Killed holding it (a holder that returns would unmap the mutex first, and the kernel could not mark it).
  auto died = harness::run_in_child("holder", [&](harness::ActorContext&) {
    auto mm = Monitor::open(name);
    return mm.ok() && mm->transfer(true, 1).ok() ? 0 : 2;
  }, 5s, harness::CrashAt{"monitor/transfer/locked", 1});
  if (!died.killed_by_plan()) return shmc::conformance::fail(died.describe());
  const auto first = semqueue::robust_mutex_lock_until(m->raw_mutex(), Clock::now() + 1s);
  if (first != semqueue::LockState::owner_died) return shmc::conformance::fail("first lock after the death was not EOWNERDEAD");
  semqueue::robust_mutex_unlock(m->raw_mutex());
  const auto second = semqueue::robust_mutex_lock_until(m->raw_mutex(), Clock::now() + 1s);
  if (second != semqueue::LockState::unrecoverable)
    return shmc::conformance::fail("the lock after an unlock without consistent was not ENOTRECOVERABLE");
  auto r = m->transfer(true, 1);
  if (r.ok() || r.error().code != shmc::Errc::owner_dead)
    return shmc::conformance::fail("the monitor did not report the unrecoverable mutex as owner_dead");
  return shmc::conformance::pass("EOWNERDEAD, unlock without consistent, then ENOTRECOVERABLE; the monitor says: " +
                                 r.error().message);
}
