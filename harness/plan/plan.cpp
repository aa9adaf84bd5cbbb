#include "harness/plan/plan.hpp"

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
  for (const auto& a : actors) n += a.crash.kind == Crash::Kind::none ? 0 : 1;
  return n;
}

harness::CrashPlan to_crash_plan(const Crash& c) {
  switch (c.kind) {
    case Crash::Kind::none: return std::monostate{};
    case Crash::Kind::at_point: return harness::CrashAt{c.point, c.hit};
    case Crash::Kind::after_delay: return harness::KillAfter{std::chrono::microseconds(c.delay_us)};
  }
  return std::monostate{};
}

std::string describe(const Crash& c) {
  switch (c.kind) {
    case Crash::Kind::none: return "none";
    case Crash::Kind::at_point: return "at:" + c.point + ":" + std::to_string(c.hit);
    case Crash::Kind::after_delay: return "after:" + std::to_string(c.delay_us) + "us";
  }
  return "?";
}

std::string describe(const Plan& plan) {
  std::string out = "plan: " + std::to_string(plan.actors.size()) + " actors, " + std::to_string(plan.op_count()) +
                    " operations, " + std::to_string(plan.crash_count()) + " crashes\n";
  for (std::size_t i = 0; i < plan.actors.size(); ++i) {
    const ActorPlan& a = plan.actors[i];
    out += "  actor " + std::to_string(i) + " (" + a.role + "), crash " + describe(a.crash) + ":";
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
  std::string out = "shmconform-plan 1\n";
  for (const ActorPlan& a : plan.actors) {
    out += "actor " + a.role + " crash=" + describe(a.crash) + " ops=";
    for (std::size_t k = 0; k < a.ops.size(); ++k) {
      if (k != 0) out += ",";
      out += std::to_string(a.ops[k].code) + ":" + std::to_string(a.ops[k].arg[0]) + ":" +
             std::to_string(a.ops[k].arg[1]);
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

bool parse_crash(std::string_view s, Crash& c) {
  if (s == "none") return true;
  if (s.starts_with("after:") && s.ends_with("us")) {
    c.kind = Crash::Kind::after_delay;
    return number(s.substr(6, s.size() - 8), c.delay_us);
  }
  if (s.starts_with("at:")) {
    auto colon = s.rfind(':');
    if (colon <= 3) return false;
    c.kind = Crash::Kind::at_point;
    c.point = std::string(s.substr(3, colon - 3));
    return number(s.substr(colon + 1), c.hit);
  }
  return false;
}

}  // namespace

Result<Plan> parse_plan(std::string_view text) {
  Plan plan;
  std::istringstream in{std::string(text)};
  std::string line;
  std::size_t lineno = 0;
  bool header = false;
  auto bad = [&](const std::string& why) {
    return make_error(Errc::invalid_argument, "plan line " + std::to_string(lineno) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    if (!header) {
      if (line != "shmconform-plan 1") return bad("expected 'shmconform-plan 1'");
      header = true;
      continue;
    }
    auto words = split(line, ' ');
    if (words.size() != 4 || words[0] != "actor" || !words[2].starts_with("crash=") || !words[3].starts_with("ops="))
      return bad("expected 'actor <role> crash=... ops=...'");
    ActorPlan a;
    a.role = std::string(words[1]);
    if (!parse_crash(words[2].substr(6), a.crash)) return bad("bad crash '" + std::string(words[2]) + "'");
    auto ops = words[3].substr(4);
    if (!ops.empty()) {
      for (auto op : split(ops, ',')) {
        auto parts = split(op, ':');
        PlannedOp p;
        if (parts.size() != 3 || !number(parts[0], p.code) || !number(parts[1], p.arg[0]) || !number(parts[2], p.arg[1]))
          return bad("bad operation '" + std::string(op) + "'");
        a.ops.push_back(p);
      }
    }
    plan.actors.push_back(std::move(a));
  }
  if (!header) return make_error(Errc::invalid_argument, "plan: empty text");
  return plan;
}

}  // namespace shmc::plan
