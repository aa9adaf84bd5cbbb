// Every crash state inside glibc's own code, with no annotation: a process
// killed before each store pthread_cond_broadcast and pthread_mutex_unlock
// (robust) make to the shared record (harness/store_crash), while a peer
// waits. The kernel's robust-futex list covers the mutex; nothing covers the
// condition variable's internal lock. One row each in `shmconform report`
// (and a gtest each in monitor_findings_test). x86 only: elsewhere there is
// no trap flag to count stores with, and the rows say so.
#include <atomic>
#include <cerrno>
#include <cstring>
#include <linux/futex.h>
#include <vector>

#include "fixtures/monitor/monitor.hpp"
#include "fixtures/semqueue/robust_mutex.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/store_trap.hpp"
#include "shmconform/runtime/crash_point.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/monitor/monitor_waits.hpp"

namespace {

using namespace std::chrono_literals;
using shmc::conformance::Outcome;
using shmc::monitor::Clock;
using shmc::monitor::Monitor;
namespace harness = shmc::harness;
namespace semqueue = shmc::semqueue;
namespace store_trap = shmc::harness::store_trap;
namespace rows = shmc::monitor::rows;

constexpr const char* kSection = "findings: condition variable with dead processes";
// The waiter's own bound; a waiter still inside its call well past it is stuck.
constexpr auto kWaitBound = 300ms;
constexpr auto kTrialBound = 1500ms;

struct Board {
  std::atomic<std::uint64_t> waiting;
  std::atomic<std::uint64_t> predicate;
  std::atomic<std::int64_t> rc;
  std::atomic<std::int64_t> returned_after_us;  // from the start of the waiter's call
  std::atomic<std::uint64_t> stores;            // the victim's count in a dry run
};

std::int64_t since_us(Clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - t0).count();
}

// What one crash state did to the waiter.
struct State {
  bool victim_died = false;  // false: k was past the last store, the call completed
  bool waiter_stuck = false; // still inside its call at the trial bound, killed
  std::int64_t rc = -1;
  std::int64_t returned_after_us = 0;
  std::string failure;       // the trial itself went wrong (not a finding)
};

// Runs `victim` (which ends inside a store-trap window around the call under test) against `waiter`,
// one pair per plan, each on a fresh monitor and its own board, all at once (a stuck state costs the
// trial bound, so they share it). plan = StoreAt{k}, or nothing for the dry run that counts the stores.
template <class Victim, class Waiter>
std::vector<State> run_states(Victim victim, Waiter waiter, const std::vector<harness::CrashPlan>& plans,
                              harness::SharedArray<Board>& boards) {
  std::vector<State> states(plans.size());
  std::vector<std::string> names;
  std::vector<Monitor> monitors;  // the creators: alive for the whole run, unlinked at the end
  for (std::size_t i = 0; i < plans.size(); ++i) {
    names.push_back(harness::unique_name("mon-stores-" + std::to_string(i)));
    auto m = Monitor::create(names.back(), 100);
    if (!m.ok()) {
      states[i].failure = m.error().describe();
      return states;
    }
    monitors.push_back(std::move(*m));
  }
  harness::Actors actors(harness::ActorMode::processes);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    Board& b = boards[i];
    const std::string& name = names[i];
    actors.add("waiter-" + std::to_string(i), [&b, &name, &waiter](harness::ActorContext&) {
      auto mm = Monitor::open(name);
      return mm.ok() ? waiter(*mm, b) : 2;
    });
    actors.add("victim-" + std::to_string(i), [&b, &name, &victim](harness::ActorContext&) {
      auto mm = Monitor::open(name);
      return mm.ok() ? victim(*mm, b, name) : 2;
    }, plans[i]);
  }
  auto out = actors.run(kTrialBound);
  for (std::size_t i = 0; i < plans.size(); ++i) {
    const auto& w = out[2 * i];
    const auto& v = out[2 * i + 1];
    State& s = states[i];
    s.victim_died = v.end == harness::ActorOutcome::End::crashed_at_point;
    if (!s.victim_died && !v.ok()) s.failure = "victim: " + v.describe();
    s.waiter_stuck = w.end == harness::ActorOutcome::End::timed_out;
    if (!s.waiter_stuck && !w.ok()) s.failure = "waiter: " + w.describe();
    s.rc = boards[i].rc.load();
    s.returned_after_us = boards[i].returned_after_us.load();
  }
  return states;
}

// A trap window over every mapping of the monitor's segment around `call`; the session dies before the
// armed store (harness::armed_store()), or counts into the board.
template <class Call>
int trapped(const std::string& name, Board& b, Call call) {
  auto ranges = store_trap::find_mappings(name);
  if (!ranges.ok()) return 3;
  auto session = store_trap::Session::start(*ranges);
  if (!session.ok()) return 4;
  {
    store_trap::Window window(**session);
    call();
  }
  b.stores = (*session)->stores();
  return 0;
}

// Enumerates k = 1..n+1 for a victim whose dry run made n stores: FINDING if any state left the waiter
// stuck or woken only by its own deadline (naming those states), PASS if none did.
template <class Victim, class Waiter>
Outcome every_state(const char* call, Victim victim, Waiter waiter) {
  const auto support = store_trap::support();
  if (!support.available) return shmc::conformance::unsupported("no store traps here: " + support.reason);
  if (auto o = rows::needs_robust_futexes(); o.verdict != shmc::conformance::Verdict::pass) return o;
  if (!harness::crash_injection_available()) return shmc::conformance::untested("crash injection compiled out");
  harness::SharedArray<Board> dry_board(1);
  const State dry = run_states(victim, waiter, {harness::CrashPlan{}}, dry_board)[0];
  if (!dry.failure.empty() || dry.waiter_stuck) return shmc::conformance::fail("dry run of " + std::string(call) + ": " +
                                                                              (dry.failure.empty() ? "waiter stuck" : dry.failure));
  const auto n = static_cast<std::uint32_t>(dry_board[0].stores.load());
  if (n == 0) return shmc::conformance::fail(std::string(call) + " made no store to the segment in its dry run");
  if (n > 64) return shmc::conformance::fail(std::string(call) + " made " + std::to_string(n) + " stores: more than this row enumerates");
  std::vector<harness::CrashPlan> plans;
  for (std::uint32_t k = 1; k <= n + 1; ++k) plans.push_back(harness::StoreAt{k});
  harness::SharedArray<Board> boards(plans.size());
  const std::vector<State> states = run_states(victim, waiter, plans, boards);
  std::string stuck_at, slow_at;
  for (std::uint32_t k = 1; k <= n + 1; ++k) {
    const State& s = states[k - 1];
    if (!s.failure.empty()) return shmc::conformance::fail("before store " + std::to_string(k) + ": " + s.failure);
    if (s.victim_died != (k <= n))
      return shmc::conformance::fail("before store " + std::to_string(k) + " of " + std::to_string(n) + ": the victim " +
                                     (s.victim_died ? "died" : "did not die"));
    if (s.waiter_stuck) {
      stuck_at += (stuck_at.empty() ? "" : ", ") + std::to_string(k);
    } else if (s.returned_after_us > std::chrono::duration_cast<std::chrono::microseconds>(kWaitBound).count() / 2) {
      slow_at += (slow_at.empty() ? "" : ", ") + std::to_string(k) + " (" + rows::rc_text(s.rc) + " after " +
                 std::to_string(s.returned_after_us / 1000) + " ms)";
    }
  }
  const std::string counted = std::to_string(n) + " stores, " + std::to_string(n + 1) + " crash states";
  const std::string slow = slow_at.empty() ? "" : "; woken only by its own deadline before store " + slow_at;
  if (!stuck_at.empty())
    return shmc::conformance::finding(std::string(call) + ": " + counted + "; killed before store " + stuck_at +
                                      ", the waiter's " + std::to_string(kWaitBound.count()) +
                                      " ms timed call had not returned after " +
                                      std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(kTrialBound).count()) +
                                      " ms (killed): it blocks past its own deadline" + slow);
  if (!slow_at.empty()) return shmc::conformance::finding(std::string(call) + ": " + counted + slow);
  return shmc::conformance::pass(std::string(call) + ": " + counted + "; after each, the waiter returned well within its " +
                                 std::to_string(kWaitBound.count()) + " ms bound");
}

// The waiter of the broadcast row: one timed wait for the predicate.
int wait_for_predicate(const Monitor& m, Board& b) {
  const auto end = rows::wait_for_predicate(m, b.waiting, b.predicate, kWaitBound);
  if (!end) return 1;
  b.returned_after_us = end->woke_us - end->started_us;
  b.rc = end->rc;
  return 0;
}

// The waiter of the unlock row: one timed lock of a mutex the victim holds.
int lock_while_held(const Monitor& m, Board& b) {
  if (!harness::poll_for([&] { return b.waiting.load() != 0; }, 2s)) return 1;  // the victim holds it now
  const auto t0 = Clock::now();
  const auto got = semqueue::robust_mutex_lock_until(m.raw_mutex(), t0 + kWaitBound);
  b.returned_after_us = since_us(t0);
  b.rc = got == semqueue::LockState::acquired ? 0 : got == semqueue::LockState::owner_died ? EOWNERDEAD
       : got == semqueue::LockState::timed_out ? ETIMEDOUT : EIO;
  if (got == semqueue::LockState::owner_died) (void)semqueue::robust_mutex_make_consistent(m.raw_mutex());
  if (got == semqueue::LockState::acquired || got == semqueue::LockState::owner_died)
    semqueue::robust_mutex_unlock(m.raw_mutex());
  return 0;
}

// Locked by us, and a peer asleep in the kernel on it (FUTEX_WAITERS in the lock word).
bool until_peer_sleeps_on(const Monitor& m, Board& b) {
  if (semqueue::robust_mutex_lock_until(m.raw_mutex(), Clock::now() + 2s) != semqueue::LockState::acquired) return false;
  b.waiting = 1;
  const auto* word = reinterpret_cast<const std::atomic<unsigned>*>(&m.raw_mutex()->__data.__lock);
  return harness::poll_for([&] { return (word->load() & FUTEX_WAITERS) != 0; }, 2s);
}

}  // namespace

SHMC_CHECK("finding.monitor.cond.signaller_killed_inside_broadcast", kSection,
           "a signaller killed before each store of pthread_cond_broadcast (holding the robust mutex, a waiter in its "
           "300 ms timed wait): does the waiter return by its deadline") {
  return every_state(
      "pthread_cond_broadcast",
      [](const Monitor& m, Board& b, const std::string& name) {
        if (!rows::lock_once_waiting(m, b.waiting)) return 5;
        b.predicate = 1;
        const int rc = trapped(name, b, [&] { ::pthread_cond_broadcast(m.raw_cond()); });
        semqueue::robust_mutex_unlock(m.raw_mutex());
        return rc;
      },
      wait_for_predicate);
}

SHMC_CHECK("platform.robust_mutex.owner_killed_inside_unlock", kSection,
           "a robust mutex's owner killed before each store of pthread_mutex_unlock while a peer sleeps in a 300 ms "
           "timed lock: the peer gets the mutex (0 or EOWNERDEAD) at once, not at its deadline") {
  return every_state(
      "pthread_mutex_unlock (robust)",
      [](const Monitor& m, Board& b, const std::string& name) {
        if (!until_peer_sleeps_on(m, b)) return 5;
        // The planted bug that shows this row can fail: an unlock that clears the word and never wakes
        // the sleeper (what a hand-written lock that forgets FUTEX_WAKE does).
        const bool planted = SHMC_FAULT_POINT("monitor/stores/planted_unlock_without_wake",
                                              "planted bug: the row's unlock clears the lock word and wakes nobody");
        return trapped(name, b, [&] {
          if (planted) {
            std::atomic_ref<int>(m.raw_mutex()->__data.__lock).store(0, std::memory_order_release);
          } else {
            semqueue::robust_mutex_unlock(m.raw_mutex());
          }
        });
      },
      lock_while_held);
}
