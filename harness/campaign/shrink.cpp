// shrink(): the smallest plan that still ends in the same verdict kind.
// Greedy, like rapidcheck's container shrinking: drop a whole actor, then
// halves and single operations of each actor, then a crash; keep a candidate
// only if it still fails. A concurrent run is not deterministic, so a
// candidate counts as passing only if every one of `attempts` runs passes.
#include "shmconform/campaign/campaign.hpp"

namespace shmc::campaign {

namespace {

using Clock = std::chrono::steady_clock;

// Removes actor `i`, keeping waits-for indices pointing at the same actors.
void drop_actor(plan::Plan& p, std::size_t i) {
  for (auto& a : p.actors) {
    if (a.waits_for == static_cast<int>(i)) a.waits_for = -1;
    else if (a.waits_for > static_cast<int>(i)) --a.waits_for;
  }
  p.actors.erase(p.actors.begin() + static_cast<std::ptrdiff_t>(i));
}

}  // namespace

plan::Plan shrink(const SubjectVariant& variant, const plan::Plan& original, VerdictKind kind,
                  unsigned attempts, std::chrono::milliseconds budget) {
  const auto stop = Clock::now() + budget;
  auto still_fails = [&](const plan::Plan& candidate) {
    for (unsigned a = 0; a < std::max(1u, attempts); ++a)
      if (run_plan(variant, candidate).verdict.kind == kind) return true;
    return false;
  };
  plan::Plan best = original;
  bool progress = true;
  while (progress && Clock::now() < stop) {
    progress = false;
    for (std::size_t i = best.actors.size(); i-- > 0 && Clock::now() < stop;) {
      plan::Plan c = best;
      drop_actor(c, i);
      if (still_fails(c)) {
        best = std::move(c);
        progress = true;
      }
    }
    for (std::size_t i = 0; i < best.actors.size() && Clock::now() < stop; ++i) {
      for (std::size_t chunk = best.actors[i].ops.size() / 2; chunk >= 1 && Clock::now() < stop; chunk /= 2) {
        for (std::size_t at = 0; at + chunk <= best.actors[i].ops.size() && Clock::now() < stop;) {
          plan::Plan c = best;
          auto& ops = c.actors[i].ops;
          // A store crash names its operation by index: it moves with the ops before it, and is never dropped here.
          if (auto* st = std::get_if<harness::StoreAt>(&c.actors[i].crash)) {
            if (st->op >= at && st->op < at + chunk) {
              at += chunk;
              continue;
            }
            if (st->op >= at + chunk) st->op -= static_cast<std::uint32_t>(chunk);
          }
          ops.erase(ops.begin() + static_cast<std::ptrdiff_t>(at), ops.begin() + static_cast<std::ptrdiff_t>(at + chunk));
          if (still_fails(c)) {
            best = std::move(c);
            progress = true;
          } else {
            at += chunk;
          }
        }
      }
    }
    for (std::size_t i = 0; i < best.actors.size() && Clock::now() < stop; ++i) {
      // A prior actor without its crash is no earlier death: only the others' crashes are dropped.
      if (best.actors[i].prior || std::holds_alternative<std::monostate>(best.actors[i].crash)) continue;
      plan::Plan c = best;
      c.actors[i].crash = std::monostate{};
      if (still_fails(c)) {
        best = std::move(c);
        progress = true;
      }
    }
  }
  return best;
}

}  // namespace shmc::campaign
