#include "suite/abi/pair_consistency.hpp"

#include <atomic>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"

namespace shmc::ports {

namespace {

struct alignas(16) Pair {
  std::uint64_t lo;
  std::uint64_t hi;
};
constexpr Pair make_pair(std::uint64_t n) { return Pair{n, ~n}; }

struct Shared {
  std::atomic<Pair> pair;
  std::atomic<std::uint64_t> lo_word;  // the planted variant's pair: two words, each atomic, not the two together
  std::atomic<std::uint64_t> hi_word;
  std::atomic<std::uint64_t> torn;
  std::atomic<std::uint64_t> done;
  std::atomic<std::uint32_t> started;
};

// One CAS increment. Returns the number of torn values seen on the way.
std::uint64_t increment(Shared& s, PairOps ops) {
  std::uint64_t torn = 0;
  if (ops == PairOps::atomic16) {
    Pair seen = s.pair.load();
    for (;;) {
      if (seen.hi != ~seen.lo) ++torn;
      if (s.pair.compare_exchange_weak(seen, make_pair(seen.lo + 1))) return torn;
    }
  }
  for (;;) {  // planted: read two words, compare, write two words: nothing makes it one step
    const std::uint64_t lo = s.lo_word.load(), hi = s.hi_word.load();
    if (hi != ~lo) {
      ++torn;
      continue;
    }
    std::uint64_t expected = lo;
    if (s.lo_word.compare_exchange_strong(expected, lo + 1)) {
      s.hi_word.store(~(lo + 1));
      return torn;
    }
  }
}

}  // namespace

std::string PairConsistency::describe() const {
  if (!error.empty()) return "measurement failed: " + error;
  return std::to_string(torn_reads) + " torn reads and " + std::to_string(lost_updates) + " lost updates in " +
         std::to_string(operations) + " increments by two processes; is_lock_free() = " +
         (runtime_lock_free ? "true" : "false");
}

PairConsistency measure_pair_consistency(PairOps ops, std::chrono::milliseconds window) {
  harness::SharedArray<Shared> shared(1);
  Shared& s = shared[0];
  s.pair.store(make_pair(0));
  s.lo_word.store(0);
  s.hi_word.store(~std::uint64_t{0});

  PairConsistency result;
  result.runtime_lock_free = s.pair.is_lock_free();
  // Processes on purpose, also in thread-mode builds: a per-process lock table
  // is exactly what threads would not reveal.
  harness::Actors actors(harness::ActorMode::processes);
  for (int i = 0; i < 2; ++i) {
    actors.add("incrementer-" + std::to_string(i), [&, ops](harness::ActorContext& ctx) {
      ctx.doing("waiting for the other incrementer");
      s.started.fetch_add(1);
      while (s.started.load() < 2) {  // a bounded spin: both were released together
        if (std::chrono::steady_clock::now() > ctx.deadline()) return 3;
      }
      ctx.doing("incrementing the shared pair");
      const auto end = std::chrono::steady_clock::now() + window;
      std::uint64_t torn = 0, n = 0;
      do {
        for (int i = 0; i < 256; ++i, ++n) torn += increment(s, ops);
      } while (std::chrono::steady_clock::now() < end);
      s.torn.fetch_add(torn);
      s.done.fetch_add(n);
      return 0;
    });
  }
  auto outcomes = actors.run(window * 4 + std::chrono::seconds(30));
  if (!harness::all_ok(outcomes)) {
    result.error = harness::describe(outcomes);
    return result;
  }
  const Pair final_pair = s.pair.load();
  const std::uint64_t final_count = ops == PairOps::atomic16 ? final_pair.lo : s.lo_word.load();
  const std::uint64_t final_hi = ops == PairOps::atomic16 ? final_pair.hi : s.hi_word.load();
  result.operations = s.done.load();
  result.torn_reads = s.torn.load() + (final_hi != ~final_count ? 1 : 0);
  result.lost_updates = result.operations > final_count ? result.operations - final_count : 0;
  return result;
}

}  // namespace shmc::ports
