#include "harness/check/brute_force.hpp"

#include <stdexcept>

namespace shmc::check {
namespace {

bool extend(const History& h, const Model& model, std::uint32_t done, const State& state) {
  bool all_completed_done = true;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (!(done >> i & 1u) && !h[i].pending) all_completed_done = false;
  if (all_completed_done) return true;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (done >> i & 1u) continue;
    // i may come next only if no other outstanding completed op returned before i was invoked.
    bool minimal = true;
    for (std::size_t j = 0; j < h.size() && minimal; ++j)
      if (j != i && !(done >> j & 1u) && !h[j].pending && h[j].ret < h[i].invoke) minimal = false;
    if (!minimal) continue;
    std::vector<State> next;
    model.step(state, h[i], next);
    for (const State& s : next)
      if (extend(h, model, done | (1u << i), s)) return true;
  }
  return false;
}

}  // namespace

bool brute_force_linearizable(const History& history, const Model& model) {
  if (history.size() > 20) throw std::invalid_argument("brute_force_linearizable: more than 20 operations");
  return extend(history, model, 0, model.initial());
}

}  // namespace shmc::check
