#include "suite/map/map_scenario.hpp"

#include "shmconform/runtime/crash_catalog.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/map_model.hpp"
#include "shmconform/history/history_log.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/plan/replay.hpp"
#include "suite/map/recorded_map.hpp"

namespace shmc::map::testing {

namespace {

using namespace std::chrono_literals;
constexpr std::uint32_t kCapacity = 8;
constexpr std::uint64_t kKeys = 6;  // 6 keys in 8 buckets: shared home buckets, long chains

std::uint64_t key_of(const plan::PlannedOp& op) { return op.arg[0] % kKeys; }

}  // namespace

plan::PlanSpec map_plan_spec() {
  plan::PlanSpec spec;
  spec.min_actors = 2;
  spec.max_actors = 3;
  spec.max_ops = 12;
  spec.roles = {"mapper"};
  spec.op = [](const std::string&) {
    return rc::gen::build<plan::PlannedOp>(
        rc::gen::set(&plan::PlannedOp::code, rc::gen::element<std::uint32_t>(check::map::kInsert, check::map::kUpdate,
                                                                              check::map::kFind, check::map::kErase)),
        rc::gen::set(&plan::PlannedOp::arg,
                     rc::gen::map(rc::gen::inRange<std::uint64_t>(0, kKeys),
                                  [](std::uint64_t k) { return std::array<std::uint64_t, 2>{k, 0}; })));
  };
  for (const auto& p : crash::crash_points_with_prefix("map/")) spec.crash_points.emplace_back(p.name);
  spec.max_hit = 3;
  spec.max_kill_delay = 2000us;
  return spec;
}

template <class M>
plan::RunResult run_map_plan(const plan::Plan& p) {
  const std::string name = harness::unique_name("map-plan");
  auto m = M::create(name, {.capacity = kCapacity}, bounded_options(300ms));
  if (!m) return {false, "create: " + m.error().describe()};
  std::uint32_t longest = 1;
  for (const auto& a : p.actors) longest = std::max(longest, static_cast<std::uint32_t>(a.ops.size()));
  auto log = history::HistoryLog::create(harness::unique_name("map-plan-log"),
                                         static_cast<std::uint32_t>(p.actors.size()), 2 * longest + 2);
  if (!log) return {false, "history log: " + log.error().describe()};

  harness::Actors actors;
  for (std::size_t a = 0; a < p.actors.size(); ++a) {
    actors.add(p.actors[a].role + "-" + std::to_string(a), [&, a](harness::ActorContext& ctx) {
      auto mine = M::open(name, bounded_options(300ms));
      SHMC_ACTOR_CHECK(mine.ok());
      RecordedMap<M> rm(*mine, log->recorder(ctx.index()));
      std::uint64_t n = 0;
      for (const auto& op : p.actors[a].ops) {
        const std::uint64_t v = (std::uint64_t{a + 1} << 32) | ++n;  // every written value is unique
        std::uint64_t out = 0;
        ctx.doing("op " + std::to_string(n) + " on key " + std::to_string(key_of(op)));
        switch (op.code) {
          case check::map::kInsert: rm.insert(key_of(op), v); break;
          case check::map::kUpdate: rm.update(key_of(op), v); break;
          case check::map::kErase: rm.erase(key_of(op)); break;
          default: rm.find(key_of(op), &out); break;
        }
      }
      return 0;
    }, p.actors[a].crash);
  }
  auto outcomes = actors.run(20s);
  if (!harness::all_ok_or_planned_kill(outcomes))
    return {false, "an actor failed (a peer's death must not stop the others):\n" + harness::describe(outcomes)};
  auto recovered = m->recover();
  if (!recovered) return {false, "recover() after the run: " + recovered.error().describe()};
  auto history = log->collect();
  if (!history) return {false, "history: " + history.error().describe()};
  const check::map::Model model({.capacity = kCapacity, .full = check::map::FullPolicy::lenient});
  auto verdict = check::check_linearizable(*history, model);
  if (!verdict.ok()) return {false, verdict.report + "\n" + harness::describe(outcomes)};
  return {true, {}};
}

template plan::RunResult run_map_plan<Map>(const plan::Plan& p);
template plan::RunResult run_map_plan<PlainSpinMap>(const plan::Plan& p);

namespace {
[[maybe_unused]] const bool registered = [] {
  plan::register_scenario("map.crash",
                          "robust map: actors on colliding keys, crashes at map points or after delays; "
                          "recover() in bound, history linearisable per key",
                          [](const plan::Plan& p) { return run_map_plan<Map>(p); });
  return true;
}();
}  // namespace

}  // namespace shmc::map::testing
