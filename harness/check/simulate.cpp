#include "harness/check/simulate.hpp"

#include <vector>

#include "harness/check/fingerprint_set.hpp"

namespace shmc::check {

History simulate(const SimOptions& options, const NextCall& next_call, const ApplyCall& apply) {
  enum class Phase { idle, invoked, applied };
  struct Actor {
    Phase phase = Phase::idle;
    std::size_t done = 0;
    Operation op;
  };
  std::vector<Actor> actors(static_cast<std::size_t>(options.actors));
  History out;
  out.reserve(actors.size() * options.ops_per_actor);
  std::uint64_t rng = options.seed, clock = 0;
  auto random = [&] { return rng = splitmix64(rng); };
  std::vector<std::size_t> live;
  for (std::size_t a = 0; a < actors.size(); ++a)
    if (options.ops_per_actor > 0) live.push_back(a);
  auto finish = [&](std::size_t pick) {
    Actor& a = actors[live[pick]];
    a.op.ret = ++clock;
    out.push_back(a.op);
    a.phase = Phase::idle;
    if (++a.done == options.ops_per_actor) {
      live[pick] = live.back();
      live.pop_back();
    }
  };
  while (!live.empty()) {
    const std::size_t pick = random() % live.size();
    Actor& a = actors[live[pick]];
    switch (a.phase) {
      case Phase::idle:
        a.op = next_call(static_cast<int>(live[pick]), random());
        a.op.actor = static_cast<int>(live[pick]);
        a.op.invoke = ++clock;
        a.phase = Phase::invoked;
        if (options.uninterrupted_percent > 0 && random() % 100 < options.uninterrupted_percent) {
          apply(a.op);
          finish(pick);
        }
        break;
      case Phase::invoked:
        apply(a.op);
        a.phase = Phase::applied;
        break;
      case Phase::applied:
        finish(pick);
        break;
    }
  }
  return out;
}

}  // namespace shmc::check
