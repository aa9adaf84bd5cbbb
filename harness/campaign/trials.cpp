// plan_trials(): every schedule of a campaign, as plans, generated from the seed before anything runs.
#include <cctype>
#include <cstdlib>
#include <set>

#include "harness/campaign/store_schedule.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/runtime/crash_catalog.hpp"

namespace shmc::campaign {

CampaignOptions CampaignOptions::standard() { return CampaignOptions{}; }

CampaignOptions CampaignOptions::long_run() {
  CampaignOptions o;
  o.hits = 10;
  o.random_kills = 60;
  o.stores = kEveryStore;
  return o;
}

CampaignOptions CampaignOptions::with_environment() const {
  CampaignOptions o = *this;
  if (const char* s = std::getenv("SHMC_CAMPAIGN_SEED"); s != nullptr && *s != '\0') o.seed = std::strtoull(s, nullptr, 0);
  return o;
}

namespace {

std::string identifier(const std::string& label) {
  std::string out;
  for (char c : label) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (word) out += c;
    else if (!out.empty() && out.back() != '_') out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::uint64_t mix(std::uint64_t x) {  // splitmix64: independent streams from one seed
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t hash_text(const std::string& s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// The concurrent run's actors, one per role instance, with their operations.
std::vector<plan::ActorPlan> main_actors(const Subject& subject, const TrialSetup& setup, std::uint64_t seed,
                                         int first_index) {
  std::vector<plan::ActorPlan> out;
  int index = first_index;
  for (const Role& role : subject.roles(setup)) {
    for (std::uint32_t k = 0; k < role.count; ++k, ++index) {
      std::mt19937_64 rng(mix(seed ^ mix(static_cast<std::uint64_t>(index))));
      out.push_back(plan::ActorPlan{role.name, subject.operations(setup, role.name, index, rng), {}});
    }
  }
  return out;
}

int first_of_role(const plan::Plan& p, const std::string& role) {
  for (std::size_t i = 0; i < p.actors.size(); ++i)
    if (!p.actors[i].prior && p.actors[i].role == role) return static_cast<int>(i);
  return -1;
}

TrialSpec point_trial(const Subject& subject, const SubjectVariant& variant, const PointRule& rule,
                      const std::string& point, std::uint32_t hit, const CampaignOptions& options) {
  TrialSpec t;
  t.point = point;
  t.hit = hit;
  t.family = rule.prior_role.empty() ? "point" : "after_death";
  t.label = point + " hit " + std::to_string(hit);
  t.id = identifier(t.label);
  const TrialSetup setup{"", rule.profile, variant.op_bound};
  const std::uint64_t seed = mix(options.seed ^ hash_text(t.label));
  t.plan.profile = rule.profile;
  if (!rule.prior_role.empty()) {
    const std::uint32_t deaths = rule.prior_per_hit ? hit : 1;
    for (std::uint32_t d = 0; d < deaths; ++d) {
      std::mt19937_64 rng(mix(seed ^ (0xd1e5ULL + d)));
      plan::ActorPlan prior{rule.prior_role, subject.operations(setup, rule.prior_role, static_cast<int>(d), rng),
                            rule.prior};
      prior.prior = true;
      t.plan.actors.push_back(std::move(prior));
    }
    t.label = point + " hit " + std::to_string(hit) + " (after " + std::to_string(deaths) + " " + rule.prior_role +
              (deaths == 1 ? "" : "s") + " died at " + rule.prior.point + " hit " + std::to_string(rule.prior.hit) + ")";
  }
  for (auto& a : main_actors(subject, setup, seed, static_cast<int>(t.plan.actors.size())))
    t.plan.actors.push_back(std::move(a));
  t.victim = first_of_role(t.plan, rule.role);
  if (t.victim < 0) return t;  // run_plan reports it: the rule names a role the subject does not have
  t.plan.actors[t.victim].crash = harness::CrashAt{point, hit};
  for (std::size_t i = 0; i < t.plan.actors.size(); ++i) {
    auto& a = t.plan.actors[i];
    if (a.prior || static_cast<int>(i) == t.victim) continue;
    if (rule.gate == Gate::all_wait || (rule.gate == Gate::same_role_waits && a.role == rule.role))
      a.waits_for = t.victim;
  }
  return t;
}

}  // namespace

plan::Plan concurrent_plan(const SubjectVariant& variant, const std::string& profile, std::uint64_t seed) {
  const auto subject = variant.make();
  plan::Plan p;
  p.profile = profile;
  p.actors = main_actors(*subject, TrialSetup{"", profile, variant.op_bound}, mix(seed), 0);
  return p;
}

std::vector<TrialSpec> plan_trials(const SubjectVariant& variant, const CampaignOptions& options) {
  std::vector<TrialSpec> trials;
  const auto subject = variant.make();
  const auto rules = subject->point_rules();
  std::set<std::string> areas;  // "ring/": every point under an area a rule names belongs to the subject
  for (const auto& r : rules) areas.insert(r.prefix.substr(0, r.prefix.find('/') + 1));
  for (const auto& area : areas) {
    for (const auto& info : crash::crash_points_with_prefix(area)) {
      const std::string point = info.name;
      const PointRule* rule = nullptr;
      for (const auto& r : rules)
        if (point.starts_with(r.prefix)) {
          rule = &r;
          break;
        }
      if (rule == nullptr) {
        TrialSpec t;
        t.point = point;
        t.family = "point";
        t.label = point + " (no rule)";
        t.id = identifier(point) + "_has_no_rule";
        trials.push_back(std::move(t));  // victim -1: run_plan makes it a harness_error
        continue;
      }
      if (rule->role.empty()) continue;  // skipped on purpose: rule->skip_reason
      const std::uint32_t hits = rule->max_hit != 0 ? std::min(rule->max_hit, options.hits) : options.hits;
      for (std::uint32_t hit = 1; hit <= hits; ++hit)
        trials.push_back(point_trial(*subject, variant, *rule, point, hit, options));
    }
  }
  const RandomKills kills = subject->random_kills();
  const TrialSetup setup{"", kills.profile, variant.op_bound};
  for (std::uint32_t i = 0; i < options.random_kills; ++i) {
    TrialSpec t;
    t.family = "random";
    const std::uint64_t seed = mix(options.seed ^ (0x4a11ULL + i));
    std::mt19937_64 rng(seed);
    t.plan.actors = main_actors(*subject, setup, seed, 0);
    t.plan.profile = kills.profile;
    if (t.plan.actors.empty()) break;
    t.victim = std::uniform_int_distribution<int>(0, static_cast<int>(t.plan.actors.size()) - 1)(rng);
    const auto delay = std::chrono::microseconds(
        std::uniform_int_distribution<long long>(kills.min.count(), std::max(kills.min, kills.max).count())(rng));
    t.plan.actors[t.victim].crash = harness::KillAfter{delay};
    t.label = "random " + std::to_string(i) + ": SIGKILL actor " + std::to_string(t.victim) + " (" +
              t.plan.actors[t.victim].role + ") after " + std::to_string(delay.count()) + " us";
    t.id = "random_" + std::to_string(i);
    trials.push_back(std::move(t));
  }
  detail::append_store_trials(variant, options, trials);
  return trials;
}

}  // namespace shmc::campaign
