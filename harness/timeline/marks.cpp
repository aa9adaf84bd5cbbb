#include "harness/timeline/marks.hpp"

#include <set>

namespace shmc::harness {

using nlohmann::json;

Marks read_marks(const json& doc) {
  Marks m;
  const json& ops = doc.at("operations");
  m.ops.resize(ops.size());
  auto at = [&](const json& id) -> OpMark* {
    if (!id.is_number_unsigned()) return nullptr;
    const auto i = id.get<std::size_t>();
    return i < m.ops.size() ? &m.ops[i] : nullptr;
  };
  const json& check = doc.at("check");
  const json& sections = check.at("sections");
  std::set<std::uint64_t> failing_keys;
  bool keyed = !check.at("collapsed").empty();
  for (std::size_t s = 0; s < sections.size(); ++s) {
    const json& sec = sections[s];
    if (sec.at("partition").is_number()) {
      keyed = true;
      failing_keys.insert(sec.at("partition").get<std::uint64_t>());
    }
    for (const json& id : sec.at("window"))
      if (OpMark* o = at(id)) o->in_window = true;
    for (const json& id : sec.at("highlight"))
      if (OpMark* o = at(id)) o->highlighted = true;
    std::string before = sec.at("initial_state").get<std::string>();
    const json& steps = sec.at("steps");
    for (std::size_t k = 0; k < steps.size(); ++k) {
      std::string after = steps[k].at("after").get<std::string>();
      if (OpMark* o = at(steps[k].at("op"))) {
        o->linearised = true;
        o->step = k + 1;
        o->before = before;
        o->after = after;
      }
      before = std::move(after);
    }
    if (s == 0) {
      m.prefix = steps.size();
      if (sec.at("pattern").is_string()) m.headline = sec.at("pattern").get<std::string>();
      else m.headline = "not linearizable in " + sec.at("partition_label").get<std::string>();
    }
  }
  if (keyed)
    for (std::size_t i = 0; i < ops.size(); ++i) {
      const json& p = ops[i].contains("partition") ? ops[i].at("partition") : json(nullptr);
      m.ops[i].faded = !p.is_number() || !failing_keys.count(p.get<std::uint64_t>());
    }
  return m;
}

}  // namespace shmc::harness
