#include "shmconform/plan/generators.hpp"

#include <stdexcept>

namespace shmc::plan {

rc::Gen<harness::CrashPlan> gen_crash(const PlanSpec& spec) {
  using harness::CrashPlan;
  std::vector<rc::Gen<CrashPlan>> kinds;
  if (!spec.crash_points.empty()) {
    kinds.push_back(rc::gen::apply(
        [](std::string point, std::uint32_t hit) { return CrashPlan{harness::CrashAt{std::move(point), hit}}; },
        rc::gen::elementOf(spec.crash_points), rc::gen::inRange<std::uint32_t>(1, spec.max_hit + 1)));
  }
  if (spec.max_kill_delay.count() > 0) {
    kinds.push_back(rc::gen::map(rc::gen::inRange<std::uint64_t>(0, spec.max_kill_delay.count() + 1), [](std::uint64_t us) {
      return CrashPlan{harness::KillAfter{std::chrono::microseconds(us)}};
    }));
  }
  if (!spec.crashes || kinds.empty()) return rc::gen::just(CrashPlan{});
  rc::Gen<CrashPlan> some = kinds.size() == 1 ? kinds[0] : rc::gen::oneOf(kinds[0], kinds[1]);
  // gen::maybe shrinks a crash to Nothing first: "drop the crash event".
  return rc::gen::map(rc::gen::maybe(std::move(some)), [](const rc::Maybe<CrashPlan>& m) { return m ? *m : CrashPlan{}; });
}

rc::Gen<ActorPlan> gen_actor(const PlanSpec& spec) {
  if (!spec.op) throw std::invalid_argument("PlanSpec::op must be set");
  if (spec.roles.empty()) throw std::invalid_argument("PlanSpec::roles must not be empty");
  auto crash = gen_crash(spec);
  return rc::gen::mapcat(rc::gen::elementOf(spec.roles), [spec, crash](const std::string& role) {
    // The list length is bounded by max_ops; the operations themselves get the usual size.
    auto ops = rc::gen::resize(static_cast<int>(spec.max_ops),
                               rc::gen::container<std::vector<PlannedOp>>(rc::gen::resize(100, spec.op(role))));
    return rc::gen::apply(
        [role](std::vector<PlannedOp> o, harness::CrashPlan c) {
          return ActorPlan{role, std::move(o), std::move(c)};
        },
        std::move(ops), crash);
  });
}

Plan normalise(std::vector<ActorPlan> actors, const PlanSpec& spec) {
  if (actors.size() > spec.max_actors) actors.resize(spec.max_actors);
  while (actors.size() < spec.min_actors) actors.push_back(ActorPlan{spec.roles[actors.size() % spec.roles.size()], {}, {}});
  return Plan{std::move(actors), {}};
}

rc::Gen<Plan> gen_plan(const PlanSpec& spec) {
  // A variable-length container shrinks by removing any element; its length is
  // bounded through the size parameter, and each actor gets the usual size back.
  auto actors = rc::gen::resize(static_cast<int>(spec.max_actors),
                                rc::gen::container<std::vector<ActorPlan>>(rc::gen::resize(100, gen_actor(spec))));
  return rc::gen::map(std::move(actors), [spec](std::vector<ActorPlan> a) { return normalise(std::move(a), spec); });
}

}  // namespace shmc::plan
