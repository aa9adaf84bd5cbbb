#include "shmconform/check/register_model.hpp"

#include "shmconform/check/format.hpp"

namespace shmc::check::reg {
namespace {

// State: (register, value) pairs sorted by register; an absent register was never written.
std::size_t lower(const State& s, std::uint64_t r) {
  std::size_t lo = 0, hi = s.size() / 2;
  while (lo < hi) {
    const std::size_t mid = (lo + hi) / 2;
    if (s[2 * mid] < r) lo = mid + 1; else hi = mid;
  }
  return lo;
}

}  // namespace

void Model::step(const State& s, const Operation& op, std::vector<State>& next) const {
  const std::uint64_t r = op.arg[0];
  const std::size_t at = lower(s, r);
  const bool written = 2 * at < s.size() && s[2 * at] == r;
  switch (op.code) {
    case kWrite: {
      if (!op.pending && op.status != kOk) break;
      State n = s;
      if (written) n[2 * at + 1] = op.arg[1];
      else n.insert(n.begin() + static_cast<std::ptrdiff_t>(2 * at), {r, op.arg[1]});
      next.push_back(std::move(n));
      break;
    }
    case kRead: {
      const bool matches = op.pending || op.status == kUnseen ||
                           (op.status == kOk && written && s[2 * at + 1] == op.value[0]) ||
                           (op.status == kEmpty && !written);
      if (matches) next.push_back(s);
      break;
    }
    default: break;
  }
}

std::string Model::describe_call(const Operation& op) const {
  switch (op.code) {
    case kWrite: return "write(" + format_word(op.arg[0]) + ", " + format_word(op.arg[1]) + ")";
    case kRead: return "read(" + format_word(op.arg[0]) + ")";
    default: return "op#" + std::to_string(op.code) + "?";
  }
}

std::string Model::describe_result(const Operation& op) const {
  if (op.pending) return "?";
  switch (op.status) {
    case kOk: return op.code == kWrite ? "ok" : "-> " + format_word(op.value[0]);
    case kEmpty: return "empty";
    case kUnseen: return "unseen (no constraint)";
    default: return "status#" + std::to_string(op.status) + "?";
  }
}

std::string Model::describe_state(const State& s) const {
  if (s.empty()) return "{} (nothing written)";
  std::string out = "{";
  for (std::size_t i = 0; i + 1 < s.size(); i += 2)
    out += (i == 0 ? "" : ", ") + format_word(s[i]) + ": " + format_word(s[i + 1]);
  return out + "}";
}

}  // namespace shmc::check::reg
