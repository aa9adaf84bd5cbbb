// A hostile peer (issue 14): a process that scribbles random bytes into a live
// shared-memory payload while honest peers operate on it, for a bounded time.
// Header-only so each structure's hostile test includes it and nothing else.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <time.h>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/result.hpp"

namespace shmc::hostile {

// This thread's time on a CPU (CLOCK_THREAD_CPUTIME_ID, exact) and time runnable but waiting for one (the
// run delay, /proc/thread-self/schedstat; zero where the kernel does not say).
struct SchedTimes {
  std::chrono::nanoseconds on_cpu{0}, queued{0};
};
inline SchedTimes sched_times() {
  SchedTimes t;
  struct ::timespec ts {};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    t.on_cpu = std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
  std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r");
  if (f == nullptr) return t;
  unsigned long long on_cpu = 0, queued = 0;
  if (std::fscanf(f, "%llu %llu", &on_cpu, &queued) == 2) t.queued = std::chrono::nanoseconds(static_cast<std::int64_t>(queued));
  std::fclose(f);
  return t;
}

// What an honest peer saw, in shared memory (harness::SharedArray<Tally>).
struct Tally {
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> refusals{0};      // a call returned an error (Errc::corrupt and the like)
  std::atomic<std::uint64_t> timed_out{0};     // of which Errc::timed_out
  std::atomic<std::uint64_t> validate_corrupt{0};  // validate() said corrupt
  std::atomic<std::uint64_t> garbage{0};       // an answer the structure accepted but the test's checksum refutes
  std::atomic<std::int64_t> slowest_call_us{0};    // wall clock
  // A call's own time is its wall time less the time this process waited for a CPU meanwhile: what the
  // structure spent running or blocked. A loaded machine stretches the wall time, not the own time.
  std::atomic<std::int64_t> slowest_own_us{0};
  std::atomic<std::int64_t> queued_us_of_slowest{0};  // the run-queue wait inside the slowest (wall) call
  std::atomic<std::int64_t> on_cpu_us_of_slowest_own{0};  // of the largest own time, how much on a CPU
  // One actor writes each Tally.
  void took(std::chrono::steady_clock::duration wall, SchedTimes spent = {}) {
    using std::chrono::duration_cast;
    using us = std::chrono::microseconds;
    const auto wall_us = duration_cast<us>(wall).count(), queued_us = duration_cast<us>(spent.queued).count();
    if (wall_us > slowest_call_us.load()) {
      slowest_call_us = wall_us;
      queued_us_of_slowest = queued_us;
    }
    if (wall_us - queued_us > slowest_own_us.load()) {
      slowest_own_us = wall_us - queued_us;
      on_cpu_us_of_slowest_own = duration_cast<us>(spent.on_cpu).count();
    }
  }
};

// Times one call of an honest peer: the wall clock and the scheduler's accounting around it.
class CallTimer {
 public:
  CallTimer() : began_(std::chrono::steady_clock::now()), sched_(sched_times()) {}
  void stop(Tally& t) const {
    const SchedTimes now = sched_times();
    t.took(std::chrono::steady_clock::now() - began_, {now.on_cpu - sched_.on_cpu, now.queued - sched_.queued});
  }

 private:
  std::chrono::steady_clock::time_point began_;
  SchedTimes sched_;
};

// How far a call's own time may run past its bound. Own time still holds what the guest kernel cannot see:
// its virtual CPU preempted by the host. A call doing nothing but the two schedstat reads was measured with
// up to 24 ms of wall time neither on a CPU nor on the run queue (2 shared cores, load average 8). Where own
// time cannot be measured the wall clock is judged, with the suite's slack for a loaded machine.
inline constexpr std::chrono::milliseconds kOwnSlack{100};
inline constexpr std::chrono::milliseconds kWallSlack{250};

inline bool own_time_measurable() {
  static const bool measurable = [] {
    std::FILE* f = std::fopen("/proc/thread-self/schedstat", "r");
    if (f == nullptr) return false;
    std::fclose(f);
    return true;
  }();
  return measurable;
}

// One line of figures for the test's output (docs/hostile-peer.md quotes them).
inline std::string figures(const Tally& t, const char* who) {
  char line[480];
  std::snprintf(line, sizeof line,
                "%s: %llu calls, %llu refused (%llu timed out), %llu validate corrupt, %llu garbage; slowest call "
                "%lld us (%lld us of it waiting for a CPU), largest own time %lld us (%lld us of it on a CPU)",
                who, static_cast<unsigned long long>(t.calls.load()), static_cast<unsigned long long>(t.refusals.load()),
                static_cast<unsigned long long>(t.timed_out.load()),
                static_cast<unsigned long long>(t.validate_corrupt.load()),
                static_cast<unsigned long long>(t.garbage.load()), static_cast<long long>(t.slowest_call_us.load()),
                static_cast<long long>(t.queued_us_of_slowest.load()), static_cast<long long>(t.slowest_own_us.load()),
                static_cast<long long>(t.on_cpu_us_of_slowest_own.load()));
  return line;
}

// Empty when every call of `who` kept `bound`; else what overran.
inline std::string overran(const Tally& t, std::chrono::milliseconds bound, const char* who) {
  using us = std::chrono::microseconds;
  const bool own = own_time_measurable();
  const std::int64_t took = own ? t.slowest_own_us.load() : t.slowest_call_us.load();
  const std::int64_t limit = std::chrono::duration_cast<us>(bound + (own ? kOwnSlack : kWallSlack)).count();
  if (took <= limit) return {};
  return std::string(who) + ": a call took " + std::to_string(took) + " us " + (own ? "of its own time" : "wall clock") +
         ", bound " + std::to_string(std::chrono::duration_cast<us>(bound).count()) + " us + slack";
}

// Makes one call of an honest peer, timed and counted in `t`; returns its result.
template <class Call>
auto timed_call(Tally& t, Call&& call) {
  const CallTimer timer;
  auto r = call();
  timer.stop(t);
  ++t.calls;
  if (!r) {
    ++t.refusals;
    if (r.error().code == Errc::timed_out) ++t.timed_out;
  }
  return r;
}

// Prints what `who` saw and adds to `problems` what broke a promise: no call made, a call past `bound`.
inline void judge(std::vector<std::string>& problems, const Tally& t, const char* who, std::chrono::milliseconds bound) {
  std::printf("%s\n", figures(t, who).c_str());
  if (t.calls.load() == 0) problems.push_back(std::string(who) + " made no call");
  if (auto late = overran(t, bound, who); !late.empty()) problems.push_back(late);
}

// Runs the honest peers and the scribbler within `bound`; one that did not end normally (a signal, a throw,
// still running at the bound) is a problem.
inline void run_peers(harness::Actors& actors, std::vector<std::string>& problems,
                      std::chrono::milliseconds bound = std::chrono::seconds(20)) {
  const auto outcomes = actors.run(bound);
  if (!harness::all_ok(outcomes)) problems.push_back("the peers did not all end normally: " + harness::describe(outcomes));
}

// Whether a fresh open accepts the scribbled header: printed with the figures, not judged (a refusal names
// the field; an intact header opens).
template <class Opened>
void print_reopen(const Opened& again) {
  std::printf("reopen after scribbling: %s\n", again ? "accepted" : again.error().describe().c_str());
}

inline void judge_scribbler(std::vector<std::string>& problems, std::uint64_t writes) {
  std::printf("scribbler: %llu writes\n", static_cast<unsigned long long>(writes));
  if (writes == 0) problems.push_back("the scribbler wrote nothing");
}

// Scribbles 1..8 random bytes at a random offset of [base, base + size) until
// `until`, one write every `pace` (pacing the damage, not synchronising
// anything). Returns how many writes it made.
inline std::uint64_t scribble(std::byte* base, std::size_t size, std::chrono::steady_clock::time_point until,
                              std::uint64_t seed, std::chrono::microseconds pace = std::chrono::microseconds(100)) {
  std::mt19937_64 rng(seed);
  std::uint64_t writes = 0;
  while (std::chrono::steady_clock::now() < until) {
    const std::size_t at = static_cast<std::size_t>(rng() % size);
    const std::size_t n = std::min<std::size_t>(1 + rng() % 8, size - at);
    const std::uint64_t bits = rng();
    auto* p = reinterpret_cast<volatile std::uint8_t*>(base + at);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(bits >> (8 * i));
    ++writes;
    std::this_thread::sleep_for(pace);
  }
  return writes;
}

// The scribbler as an actor of `actors` (which must run processes: a scribbler that is a thread of an honest
// peer would be scribbling on its own process): writes over [base, base + size) until `until`, how many times
// into `*writes` (shared memory).
inline void add_scribbler(harness::Actors& actors, std::byte* base, std::size_t size,
                          std::chrono::steady_clock::time_point until, std::atomic<std::uint64_t>* writes) {
  actors.add("scribbler", [=](harness::ActorContext& ctx) {
    ctx.doing("scribbling over the payload");
    *writes = scribble(base, size, until, 14);
    return 0;
  });
}

// An 8-byte item whose halves must agree: a scribbled item is caught by the test
// even where the structure has no way to tell.
inline std::uint64_t item_for(std::uint32_t n) { return (std::uint64_t{~n} << 32) | n; }
inline bool item_ok(std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32) == ~static_cast<std::uint32_t>(v); }

}  // namespace shmc::hostile
