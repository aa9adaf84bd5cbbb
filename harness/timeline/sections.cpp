#include "harness/timeline/sections.hpp"

#include <map>

#include "harness/timeline/text.hpp"
#include "shmconform/check/format.hpp"

namespace shmc::harness {

using nlohmann::json;

namespace {

// Maps indices of the history a failure was found in to the trial's history.
using IndexMap = std::vector<std::size_t>;  // empty: identity

std::size_t full(const IndexMap& ids, std::size_t i) { return ids.empty() ? i : ids.at(i); }

json mapped(const IndexMap& ids, const std::vector<std::size_t>& v) {
  json out = json::array();
  for (std::size_t i : v) out.push_back(full(ids, i));
  return out;
}

// The linearizable prefix and the state after each step. A failure made by
// hand (no recorded states) is replayed with the model's first choice at each
// step, and the replay stops where the model has none.
json steps_json(const check::History& h, const check::Model& model, const check::Failure& f, const IndexMap& ids,
                const TimelineLimits& limits) {
  json steps = json::array();
  const bool recorded = f.states.size() == f.linearised.size();
  check::State s = model.initial();
  std::vector<check::State> next;
  for (std::size_t k = 0; k < f.linearised.size(); ++k) {
    const std::size_t op = full(ids, f.linearised[k]);
    if (recorded) {
      s = f.states[k];
    } else {
      next.clear();
      model.step(s, h[op], next);
      if (next.empty()) break;
      s = next.front();
    }
    steps.push_back({{"op", op}, {"after", cut(model.describe_state(s), limits.state_chars)}});
  }
  return steps;
}

json section_base(const check::Model& model, std::optional<std::uint64_t> key, std::size_t ops,
                  const TimelineLimits& limits) {
  return {{"partition", key ? json(*key) : json(nullptr)},
          {"partition_label", key ? "key " + check::format_word(*key) : "whole history"},
          {"ops", ops},
          {"initial_state", cut(model.describe_state(model.initial()), limits.state_chars)}};
}

json search_section(const check::History& h, const check::Model& model, const check::Failure& f, const IndexMap& ids,
                    std::optional<std::uint64_t> key, const TimelineLimits& limits) {
  json s = section_base(model, key, f.partition_size, limits);
  s["pattern"] = nullptr;
  s["explanation"] = "no linearisation reaches the return of the highlighted operation";
  s["stuck"] = full(ids, f.stuck);
  s["highlight"] = {full(ids, f.stuck)};
  s["window"] = mapped(ids, f.window);
  s["window_begin"] = f.window_begin;
  s["window_end"] = f.window_end;
  s["steps"] = steps_json(h, model, f, ids, limits);
  s["final_state"] = cut(model.describe_state(f.state), limits.state_chars);
  s["prefix_note"] = "the deepest configuration the search reached";
  return s;
}

// The pre-check names the bad pattern but linearises nothing: a pattern-less
// search, within the document's budget, finds the prefix to show with it.
json pattern_section(const check::History& h, const check::Model& model, const check::Failure& f,
                     const check::Refutation& r, const IndexMap& ids, std::optional<std::uint64_t> key,
                     const TimelineLimits& limits) {
  check::CheckOptions options;
  options.patterns = false;
  options.max_configurations = limits.search_configurations;
  check::History sub;
  if (!ids.empty())
    for (std::size_t i : ids) sub.push_back(h[i]);
  const check::LinearizabilityResult search = check::check_linearizable(ids.empty() ? h : sub, model, options);
  if (!key) key = f.partition_key;
  if (search.failure && !key) key = search.failure->partition_key;
  json s = section_base(model, key, f.partition_size, limits);
  s["pattern"] = r.pattern;
  s["explanation"] = r.explanation;
  s["stuck"] = r.ops.empty() ? json(nullptr) : json(full(ids, r.ops.front()));
  // The pattern's operations form the window; the checker names the first as the one to highlight.
  s["highlight"] = r.ops.empty() ? json::array() : json::array({full(ids, r.ops.front())});
  s["window"] = mapped(ids, f.window);
  s["window_begin"] = f.window_begin;
  s["window_end"] = f.window_end;
  if (search.failure) {
    s["steps"] = steps_json(h, model, *search.failure, ids, limits);
    s["final_state"] = cut(model.describe_state(search.failure->state), limits.state_chars);
    s["prefix_note"] = "found by a search without the pre-check" +
                       std::string(search.failure->partition_key
                                       ? " (in the partition of key " + check::format_word(*search.failure->partition_key) + ")"
                                       : "");
  } else {
    s["steps"] = json::array();
    s["final_state"] = nullptr;
    s["prefix_note"] = std::string("no prefix: the search ") + check::to_string(search.verdict);
  }
  return s;
}

json failure_section(const check::History& h, const check::Model& model, const check::Failure& f, const IndexMap& ids,
                     std::optional<std::uint64_t> key, const TimelineLimits& limits) {
  if (!key) key = f.partition_key;
  if (f.refutation) return pattern_section(h, model, f, *f.refutation, ids, key, limits);
  return search_section(h, model, f, ids, key, limits);
}

}  // namespace

json check_json(const check::History& h, const check::Model& model, const check::LinearizabilityResult* r,
                const TimelineLimits& limits) {
  json j = {{"ran", r != nullptr}, {"sections", json::array()}, {"collapsed", json::array()}};
  if (!r) return j;
  j["verdict"] = check::to_string(r->verdict);
  j["linearizable"] = r->ok();
  j["partitions"] = r->partitions;
  j["configurations"] = r->configurations;
  j["report"] = cut(r->report, 16 * limits.text_chars);
  if (r->verdict != check::Verdict::not_linearizable || !r->failure) return j;
  const check::Failure& f = *r->failure;
  j["sections"].push_back(failure_section(h, model, f, {}, f.partition_key, limits));
  if (!f.partition_key) return j;

  // The checker stops at the first failing partition: the others are checked
  // here, so every key that fails gets its own section.
  std::map<std::uint64_t, IndexMap> by_key;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (auto key = model.partition_key(h[i])) by_key[*key].push_back(i);
  check::CheckOptions options;
  options.max_configurations = limits.search_configurations;
  for (const auto& [key, ids] : by_key) {
    if (key == *f.partition_key) continue;
    check::History sub;
    for (std::size_t i : ids) sub.push_back(h[i]);
    const check::LinearizabilityResult part = check::check_linearizable(sub, model, options);
    if (part.verdict == check::Verdict::not_linearizable && part.failure) {
      j["sections"].push_back(failure_section(h, model, *part.failure, ids, key, limits));
    } else {
      j["collapsed"].push_back({{"partition", key},
                                {"partition_label", "key " + check::format_word(key)},
                                {"ops", ids.size()},
                                {"verdict", check::to_string(part.verdict)}});
    }
  }
  return j;
}

}  // namespace shmc::harness
