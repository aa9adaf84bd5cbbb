// The queue pre-check and pruning (queue_patterns.hpp, queue_filter.hpp) must
// never change a verdict: on small queue histories with unique items, pending
// operations and every strictness, the fast checker (with them, and with them
// off) agrees with the brute-force one. Each case checks a batch of
// histories, so the default 100 cases try 3 000 per property.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <array>

#include "harness/check/brute_force.hpp"
#include "shmconform/check/linearizability.hpp"
#include "harness/check/simulate.hpp"
#include "suite/check/histories.hpp"
#include "suite/check/reference_queue.hpp"

namespace shmc::check {
namespace {

constexpr int kBatch = 30;

rc::Gen<queue::Options> gen_options() {
  return rc::gen::apply(
      [](std::size_t capacity, bool strict_full, bool strict_empty) {
        return queue::Options{.capacity = capacity, .strict_full = strict_full, .strict_empty = strict_empty};
      },
      rc::gen::inRange<std::size_t>(0, 4), rc::gen::weightedElement<bool>({{3, true}, {1, false}}),
      rc::gen::weightedElement<bool>({{3, true}, {1, false}}));
}

// Random intervals; pushes carry distinct items 1..n, pops return one of them
// (sometimes one never pushed, sometimes the same twice) or empty.
rc::Gen<History> gen_unique_random() {
  return rc::gen::mapcat(rc::gen::inRange(1, 9), [](int n) {
    return rc::gen::map(
        rc::gen::container<std::vector<std::array<std::uint64_t, 6>>>(
            static_cast<std::size_t>(n),
            rc::gen::apply([](std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d, std::uint64_t e,
                              std::uint64_t f) { return std::array<std::uint64_t, 6>{a, b, c, d, e, f}; },
                           rc::gen::inRange<std::uint64_t>(0, 4), rc::gen::inRange<std::uint64_t>(0, 100),
                           rc::gen::inRange<std::uint64_t>(0, 16), rc::gen::inRange<std::uint64_t>(0, 7),
                           rc::gen::inRange<std::uint64_t>(0, 100), rc::gen::inRange<std::uint64_t>(0, 10))),
        [](const std::vector<std::array<std::uint64_t, 6>>& raw) {
          History h;
          std::uint64_t next_item = 1;
          for (const auto& [actor, kind, invoke, length, pick, crash] : raw) {
            Operation o;
            const bool push = kind < 50;
            if (push) {
              o = testing::push(static_cast<int>(actor), next_item++, invoke, invoke + length,
                                kind < 42 ? queue::kOk : queue::kFull);
            } else if (kind < 80) {
              o = testing::pop(static_cast<int>(actor), 1 + pick % (raw.size() + 1), invoke, invoke + length);
            } else {
              o = testing::pop_empty(static_cast<int>(actor), invoke, invoke + length);
            }
            h.push_back(crash < 2 ? testing::crashed(o) : o);
          }
          return h;
        });
  });
}

// A run of real actors against a correct queue of the given capacity (so
// linearisable), then: some actors' last operation left pending (its effect
// kept or never applied), and maybe one result broken.
History simulated(const queue::Options& options, std::uint64_t seed, int actors, std::size_t per_actor,
                  std::uint32_t crashes, std::uint32_t mutation) {
  testing::ReferenceQueue q{.capacity = options.capacity};
  std::uint64_t next_item = 1;
  auto next = [&](int, std::uint64_t r) {
    return r % 2 == 0 ? testing::push(0, next_item++, 0, 0) : testing::pop(0, 0, 0, 0);
  };
  auto apply = [&](Operation& op) { q.apply(op); };
  History h = simulate({.actors = actors, .ops_per_actor = per_actor, .seed = seed}, next, apply);
  for (int a = 0; a < actors; ++a) {
    if ((crashes >> a & 1u) == 0) continue;
    std::size_t last = h.size();
    for (std::size_t i = 0; i < h.size(); ++i)
      if (h[i].actor == a) last = i;
    if (last == h.size()) continue;
    // Effect kept (pending after taking effect) or, for a push, never applied.
    const bool vanish = (crashes >> (a + 8) & 1u) != 0 && h[last].code == queue::kPush;
    h[last] = testing::crashed(h[last]);
    if (vanish) h[last].arg[0] += 1000;  // a push that never happened: its item is never seen
  }
  if (!h.empty() && mutation % 4 != 0) {
    Operation& victim = h[(mutation / 4) % h.size()];
    if (mutation % 4 == 1) victim.value[0] = (victim.value[0] + 1) % (next_item + 1);
    if (mutation % 4 == 2) victim.status = victim.code == queue::kPush ? queue::kFull : queue::kEmpty;
    if (mutation % 4 == 3) victim.status = queue::kOk;
  }
  return h;
}

rc::Gen<History> gen_unique_simulated(const queue::Options& options) {
  return rc::gen::mapcat(rc::gen::inRange(1, 5), [options](int actors) {
    return rc::gen::apply(
        [options, actors](std::uint64_t seed, std::size_t per_actor, std::uint32_t crashes, std::uint32_t mutation) {
          return simulated(options, seed, actors, per_actor, crashes, mutation);
        },
        rc::gen::arbitrary<std::uint64_t>(), rc::gen::inRange<std::size_t>(1, 8 / static_cast<std::size_t>(actors) + 1),
        rc::gen::arbitrary<std::uint32_t>(), rc::gen::inRange<std::uint32_t>(0, 64));
  });
}

enum class Outcome { linearizable, refuted_by_pattern, refuted_by_search };

Outcome agree(const History& h, const queue::Model& m) {
  const bool slow = brute_force_linearizable(h, m);
  const auto fast = check_linearizable(h, m);
  const auto search_only = check_linearizable(h, m, {.patterns = false});
  RC_ASSERT(fast.verdict != Verdict::unknown);
  RC_ASSERT(fast.ok() == slow);
  RC_ASSERT(search_only.ok() == slow);
  if (slow) return Outcome::linearizable;
  return fast.failure && !fast.failure->pattern.empty() ? Outcome::refuted_by_pattern : Outcome::refuted_by_search;
}

// Each case's batch should hold every outcome; the classification shows how often it does.
template <class GenHistory>
void agree_on_batch(GenHistory gen_history) {
  std::array<int, 3> seen{};
  for (int i = 0; i < kBatch; ++i) {
    const auto options = *gen_options();
    ++seen[static_cast<std::size_t>(agree(*gen_history(options), queue::Model(options)))];
  }
  RC_CLASSIFY(seen[0] > 0 && seen[1] > 0 && seen[2] > 0, "batch has every outcome");
  RC_CLASSIFY(seen[2] > 0, "batch has a refutation only the search finds");
}

RC_GTEST_PROP(QueueFastAgreesWithBruteForce, UniqueItemsRandomIntervals, ()) {
  agree_on_batch([](const queue::Options&) { return gen_unique_random(); });
}

RC_GTEST_PROP(QueueFastAgreesWithBruteForce, UniqueItemsSimulatedWithCrashes, ()) {
  agree_on_batch([](const queue::Options& options) { return gen_unique_simulated(options); });
}

}  // namespace
}  // namespace shmc::check
