#include <algorithm>
#include <map>
#include <mutex>

#include "shmconform/campaign/campaign.hpp"

namespace shmc::campaign {

namespace {

struct Registry {
  std::mutex mutex;
  std::map<std::string, SubjectVariant> by_id;
  std::vector<std::string> order;  // registration order: a subject's first variant is its default
};

Registry& registry() {
  static Registry r;  // function-local: registrations run from other translation units' static initialisers
  return r;
}

}  // namespace

Expectation Expectation::crash_safe() {
  return Expectation{[](const TrialSpec&) { return VerdictSet{VerdictKind::ok}; }};
}

Expectation Expectation::finding(VerdictSet kinds, std::function<VerdictSet(const TrialSpec&)> narrow) {
  return Expectation{[kinds, narrow](const TrialSpec& trial) {
    // A random kill, or a kill before some store, may land where nothing is held or half-written.
    if (trial.family == "random" || trial.family == "store") return VerdictSet(kinds).add(VerdictKind::ok);
    if (narrow) {
      const VerdictSet narrowed = narrow(trial);
      if (!narrowed.empty()) return narrowed;
    }
    return kinds;
  }};
}

void register_subject(SubjectVariant variant) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  const std::string id = variant.id();
  if (r.by_id.find(id) == r.by_id.end()) r.order.push_back(id);
  r.by_id[id] = std::move(variant);
}

const SubjectVariant* find_subject(std::string_view id) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  if (id.find(':') != std::string_view::npos) {
    auto found = r.by_id.find(std::string(id));
    return found == r.by_id.end() ? nullptr : &found->second;
  }
  for (const auto& key : r.order)
    if (std::string_view(key).substr(0, key.find(':')) == id) return &r.by_id.at(key);
  return nullptr;
}

std::vector<const SubjectVariant*> subjects() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::vector<const SubjectVariant*> out;
  for (const auto& [id, v] : r.by_id) out.push_back(&v);  // std::map: sorted by id, stable addresses
  return out;
}

bool expected(const SubjectVariant& variant, const TrialSpec& trial, const Verdict& verdict) {
  return variant.expect.allowed(trial).contains(verdict.kind);
}

}  // namespace shmc::campaign
