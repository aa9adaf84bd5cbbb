#include "suite/ring/ring_campaign.hpp"

#include <random>
#include <string_view>

#include "shmconform/runtime/crash_catalog.hpp"

namespace shmc::ring::testing {

namespace {

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool needs_a_first_death(std::string_view point) {
  return starts_with(point, "ring/repair/") || point == "ring/pop/skip_claimed";
}

// Points that only the robust variant has: stamps, and what follows them.
bool robust_only(std::string_view point) {
  return point.find("/stamped") != std::string_view::npos || point == "ring/push/published" ||
         point == "ring/pop/released" || needs_a_first_death(point);
}

WorkloadPlan primary_plan() {
  WorkloadPlan plan;
  plan.producers = 2;
  plan.consumers = 2;
  plan.messages_per_producer = 50;
  plan.capacity = 4;  // small: producers wrap around onto a dead consumer's slot within a few items
  return plan;
}

}  // namespace

std::vector<Trial> systematic_trials(Variant variant, std::uint32_t hits) {
  std::vector<Trial> trials;
  for (const auto& info : crash::crash_points_with_prefix("ring/")) {
    const std::string point = info.name;
    if (variant == Variant::non_robust && robust_only(point)) continue;
    if (needs_a_first_death(point)) {
      Trial t;
      t.label = point + " hit 1 (after producer-0 died at ring/push/claimed hit 3)";
      t.plan = primary_plan();
      t.plan.messages_per_producer = 20;
      t.plan.capacity = 64;  // no wrap-around: only consumer-0 can meet the dead claim
      t.plan.producer_crash = {harness::CrashAt{"ring/push/claimed", 3}};
      t.plan.consumer_crash = {harness::CrashAt{point, 1}};
      t.plan.others_wait_for_first_consumer = true;
      t.must_fire = {{"producer-0", "ring/push/claimed"}, {"consumer-0", point}};
      trials.push_back(std::move(t));
      continue;
    }
    const bool in_push = starts_with(point, "ring/push/");
    for (std::uint32_t hit = 1; hit <= hits; ++hit) {
      Trial t;
      t.label = point + " hit " + std::to_string(hit);
      t.plan = primary_plan();
      const std::string victim = in_push ? "producer-0" : "consumer-0";
      auto& armed = in_push ? t.plan.producer_crash : t.plan.consumer_crash;
      armed.push_back(harness::CrashAt{point, hit});
      // Two consumers racing may leave consumer-0 with fewer than `hit` items and its point unreached;
      // consumer-1 starts when consumer-0 has died, and meets whatever it left behind.
      t.plan.others_wait_for_first_consumer = !in_push;
      t.must_fire = {{victim, point}};
      trials.push_back(std::move(t));
    }
  }
  return trials;
}

std::vector<Trial> random_kill_trials(std::uint64_t seed, std::uint32_t count) {
  std::mt19937_64 rng(seed);
  std::vector<Trial> trials;
  for (std::uint32_t i = 0; i < count; ++i) {
    Trial t;
    t.plan = primary_plan();
    t.plan.messages_per_producer = 200;
    t.plan.capacity = 8;
    const auto victim = std::uniform_int_distribution<std::uint32_t>(0, 3)(rng);
    const auto delay = std::chrono::microseconds(std::uniform_int_distribution<long>(500, 15000)(rng));
    if (victim < 2) {
      t.plan.producer_crash.resize(victim + 1);
      t.plan.producer_crash[victim] = harness::KillAfter{delay};
    } else {
      t.plan.consumer_crash.resize(victim - 1);
      t.plan.consumer_crash[victim - 2] = harness::KillAfter{delay};
    }
    t.label = "seed " + std::to_string(seed) + " trial " + std::to_string(i) + ": kill " +
              (victim < 2 ? "producer-" + std::to_string(victim) : "consumer-" + std::to_string(victim - 2)) +
              " after " + std::to_string(delay.count()) + " us";
    trials.push_back(std::move(t));
  }
  return trials;
}

std::string check_fired(const Trial& trial, const WorkloadResult& result) {
  for (const auto& [actor, point] : trial.must_fire) {
    bool fired = false;
    for (const auto& o : result.outcomes)
      fired |= o.name == actor && o.end == harness::ActorOutcome::End::crashed_at_point && o.crash_point == point;
    if (!fired) return actor + " was armed at " + point + " but did not die there";
  }
  return {};
}

}  // namespace shmc::ring::testing
