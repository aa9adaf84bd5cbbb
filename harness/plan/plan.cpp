#include "shmconform/plan/plan.hpp"

#include <charconv>
#include <ostream>
#include <sstream>

namespace shmc::plan {

std::size_t Plan::op_count() const {
  std::size_t n = 0;
  for (const auto& a : actors) n += a.ops.size();
  return n;
}

std::size_t Plan::crash_count() const {
  std::size_t n = 0;
  for (const auto& a : actors) n += std::holds_alternative<std::monostate>(a.crash) ? 0 : 1;
  return n;
}

std::string describe(const Plan& plan) {
  std::string out = "plan: " + std::to_string(plan.actors.size()) + " actors, " + std::to_string(plan.op_count()) +
                    " operations, " + std::to_string(plan.crash_count()) + " crashes" +
                    (plan.profile.empty() ? "" : ", profile " + plan.profile) + "\n";
  for (std::size_t i = 0; i < plan.actors.size(); ++i) {
    const ActorPlan& a = plan.actors[i];
    out += "  actor " + std::to_string(i) + " (" + a.role + (a.prior ? ", runs first" : "") +
           (a.waits_for >= 0 ? ", after actor " + std::to_string(a.waits_for) : "") + "), " +
           harness::describe(a.crash) + ":";
    for (const PlannedOp& op : a.ops) {
      out += " " + std::to_string(op.code) + "(" + std::to_string(op.arg[0]);
      if (op.arg[1] != 0) out += "," + std::to_string(op.arg[1]);
      out += ")";
    }
    out += "\n";
  }
  return out;
}

void showValue(const Plan& plan, std::ostream& os) { os << describe(plan) << "replay text:\n" << to_text(plan); }

std::string to_text(const Plan& plan) {
  std::string out = "shmconform-plan 2\n";
  if (!plan.profile.empty()) out += "profile " + plan.profile + "\n";
  for (const ActorPlan& a : plan.actors) {
    out += "actor " + a.role + " crash=" + harness::crash_plan_text(a.crash);
    if (a.prior) out += " prior";
    if (a.waits_for >= 0) out += " waits-for=" + std::to_string(a.waits_for);
    out += " ops=";
    for (std::size_t k = 0; k < a.ops.size();) {
      std::size_t run = 1;
      while (k + run < a.ops.size() && a.ops[k + run] == a.ops[k]) ++run;
      if (k != 0) out += ",";
      out += std::to_string(a.ops[k].code) + ":" + std::to_string(a.ops[k].arg[0]) + ":" +
             std::to_string(a.ops[k].arg[1]);
      if (run > 1) out += "*" + std::to_string(run);
      k += run;
    }
    out += "\n";
  }
  return out;
}

namespace {

template <class T>
bool number(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && p == s.data() + s.size();
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    auto at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) return out;
    s.remove_prefix(at + 1);
  }
}

bool one_word(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c == ' ' || c == '\t' || c == '\r') return false;
  return true;
}

constexpr std::size_t kMaxOpsPerActor = 1u << 20;  // a hostile "*99999999999" must not exhaust memory

}  // namespace

Result<Plan> parse_plan(std::string_view text) {
  Plan plan;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t lineno = 0;
  int version = 0;
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "plan line " + std::to_string(lineno) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    if (version == 0) {
      if (line == "shmconform-plan 1") version = 1;
      else if (line == "shmconform-plan 2") version = 2;
      else return bad("expected 'shmconform-plan 2'");
      continue;
    }
    auto words = split(line, ' ');
    if (version == 2 && words.size() == 2 && words[0] == "profile" && plan.actors.empty() && one_word(words[1])) {
      plan.profile = std::string(words[1]);
      continue;
    }
    if (words.size() < 4 || words[0] != "actor" || !one_word(words[1]) || !words[2].starts_with("crash=") ||
        !words.back().starts_with("ops="))
      return bad("expected 'actor <role> crash=... [prior] [waits-for=N] ops=...'");
    ActorPlan a;
    a.role = std::string(words[1]);
    if (!harness::parse_crash_plan(words[2].substr(6), a.crash)) return bad("bad crash '" + std::string(words[2]) + "'");
    for (std::size_t w = 3; w + 1 < words.size(); ++w) {
      if (version == 2 && words[w] == "prior" && !a.prior) {
        a.prior = true;
      } else if (version == 2 && words[w].starts_with("waits-for=") && a.waits_for < 0) {
        unsigned n = 0;
        if (!number(words[w].substr(10), n) || n > 1024) return bad("bad '" + std::string(words[w]) + "'");
        a.waits_for = static_cast<int>(n);
      } else {
        return bad("unexpected '" + std::string(words[w]) + "'");
      }
    }
    auto ops = words.back().substr(4);
    if (!ops.empty()) {
      for (auto op : split(ops, ',')) {
        std::size_t times = 1;
        if (auto star = op.find('*'); star != std::string_view::npos) {
          if (!number(op.substr(star + 1), times) || times == 0 || times > kMaxOpsPerActor)
            return bad("bad repeat count in '" + std::string(op) + "'");
          op = op.substr(0, star);
        }
        auto parts = split(op, ':');
        PlannedOp p;
        if (parts.size() != 3 || !number(parts[0], p.code) || !number(parts[1], p.arg[0]) || !number(parts[2], p.arg[1]))
          return bad("bad operation '" + std::string(op) + "'");
        if (a.ops.size() + times > kMaxOpsPerActor) return bad("more than 2^20 operations for one actor");
        a.ops.insert(a.ops.end(), times, p);
      }
    }
    if (const auto* st = std::get_if<harness::StoreAt>(&a.crash); st != nullptr && st->op >= a.ops.size())
      return bad("a store crash in op " + std::to_string(st->op) + " of an actor with " + std::to_string(a.ops.size()) +
                 " operations");
    plan.actors.push_back(std::move(a));
  }
  if (version == 0) return make_error(Errc::invalid_argument, "plan: empty text");
  for (std::size_t i = 0; i < plan.actors.size(); ++i) {
    const int w = plan.actors[i].waits_for;
    if (w >= 0 && (static_cast<std::size_t>(w) >= plan.actors.size() || static_cast<std::size_t>(w) == i))
      return make_error(Errc::invalid_argument, "plan: actor " + std::to_string(i) + " waits for actor " +
                                                    std::to_string(w) + ", which is not another actor of the plan");
  }
  return plan;
}

}  // namespace shmc::plan
