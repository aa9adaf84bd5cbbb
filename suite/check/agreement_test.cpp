// The fast checker (memo, P-compositionality) agrees with the brute-force one
// on every small random history. Half the histories are random (mostly not
// linearisable), half simulated (linearisable) with maybe one result changed.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "harness/check/brute_force.hpp"
#include "shmconform/check/linearizability.hpp"
#include "harness/check/simulate.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check {
namespace {

struct Shape {
  std::uint32_t codes;     // op codes 1..codes
  std::uint32_t statuses;  // status 0..statuses-1
  std::uint64_t args;      // arguments and values in [0, args)
  bool second_arg;         // arg[1] random too
};

rc::Gen<Operation> gen_op(Shape s) {
  return rc::gen::apply(
      [s](int actor, std::uint32_t code, std::uint64_t a0, std::uint64_t a1, std::uint32_t status, std::uint64_t v,
          std::uint64_t invoke, std::uint64_t length, int pending) {
        Operation o = testing::op(actor, code, a0, s.second_arg ? a1 : 0, status, v, invoke, invoke + length);
        return pending == 0 ? testing::crashed(o) : o;
      },
      rc::gen::inRange(0, 4), rc::gen::inRange<std::uint32_t>(1, s.codes + 1), rc::gen::inRange<std::uint64_t>(0, s.args),
      rc::gen::inRange<std::uint64_t>(0, s.args), rc::gen::inRange<std::uint32_t>(0, s.statuses),
      rc::gen::inRange<std::uint64_t>(0, s.args), rc::gen::inRange<std::uint64_t>(0, 16),
      rc::gen::inRange<std::uint64_t>(0, 6), rc::gen::inRange(0, 6));
}

rc::Gen<History> gen_random(Shape s) {
  // The size bounds the length; inRange scales with size, so the ops get the full one back.
  return rc::gen::resize(8, rc::gen::container<History>(rc::gen::resize(100, gen_op(s))));
}

// A simulated (linearisable) history of the shape, run against the model
// itself as the sequential reference, then maybe one result changed.
History simulated(const Model& m, Shape s, std::uint64_t seed, int actors, std::size_t per_actor, bool mutate) {
  State state = m.initial();
  auto next = [&](int, std::uint64_t r) {
    return testing::op(0, 1 + static_cast<std::uint32_t>(r % s.codes), (r >> 8) % s.args,
                       s.second_arg ? (r >> 16) % s.args : 0, 0, 0, 0, 0);
  };
  auto apply = [&](Operation& op) {
    // Try every status and value the shape allows; keep the first the model accepts.
    for (std::uint32_t st = 0; st < s.statuses; ++st)
      for (std::uint64_t v = 0; v < s.args; ++v) {
        Operation t = op;
        t.status = st;
        t.value = {v, 0};
        std::vector<State> out;
        m.step(state, t, out);
        if (!out.empty()) {
          op = t;
          state = out.front();
          return;
        }
      }
    op.status = s.statuses;  // nothing fits the shape: an impossible result
  };
  History h = simulate({.actors = actors, .ops_per_actor = per_actor, .seed = seed}, next, apply);
  if (mutate && !h.empty()) {
    Operation& victim = h[seed % h.size()];
    victim.value[0] = (victim.value[0] + 1) % s.args;
  }
  return h;
}

void agree(const History& h, const Model& m) {
  const bool fast = check_linearizable(h, m).ok();
  const bool slow = brute_force_linearizable(h, m);
  RC_CLASSIFY(slow, "linearizable");
  RC_ASSERT(fast == slow);
}

void property(const Model& m, Shape s) {
  const bool use_sim = *rc::gen::arbitrary<bool>();
  if (use_sim) {
    const auto seed = *rc::gen::arbitrary<std::uint64_t>();
    const int actors = *rc::gen::inRange(1, 4);
    const auto per_actor = *rc::gen::inRange<std::size_t>(1, 8 / static_cast<std::size_t>(actors) + 1);
    agree(simulated(m, s, seed, actors, per_actor, *rc::gen::arbitrary<bool>()), m);
  } else {
    agree(*gen_random(s), m);
  }
}

// Queue: items are single words here (arg[1] stays 0).
RC_GTEST_PROP(FastAgreesWithBruteForce, BoundedQueue, ()) {
  property(queue::Model({.capacity = 2}), {2, 3, 3, false});
}
RC_GTEST_PROP(FastAgreesWithBruteForce, LenientQueue, ()) {
  property(queue::Model({.capacity = 2, .strict_full = false, .strict_empty = false}), {2, 3, 3, false});
}
// Partitioned by key in the fast checker, one global search in the brute force.
RC_GTEST_PROP(FastAgreesWithBruteForce, MapPartitioned, ()) { property(map::Model(), {4, 4, 3, true}); }
RC_GTEST_PROP(FastAgreesWithBruteForce, MapExactCapacity, ()) {
  property(map::Model({.capacity = 2, .full = map::FullPolicy::exact}), {4, 4, 3, true});
}
RC_GTEST_PROP(FastAgreesWithBruteForce, Counter, ()) { property(counter::Model(), {3, 1, 4, false}); }
RC_GTEST_PROP(FastAgreesWithBruteForce, Semaphore, ()) {
  property(semaphore::Model({.initial = 1, .max = 2}), {3, 4, 1, false});
}

}  // namespace
}  // namespace shmc::check
