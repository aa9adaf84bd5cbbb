#include "harness/check/queue_model.hpp"

#include "harness/check/format.hpp"

namespace shmc::check::queue {

void Model::step(const State& s, const Operation& op, std::vector<State>& next) const {
  const std::size_t size = s.size() / 2;
  if (op.code == kPush) {
    const bool has_room = options_.capacity == 0 || size < options_.capacity;
    if (op.pending || op.status == kOk) {
      if (!has_room) return;
      State n = s;
      n.push_back(op.arg[0]);
      n.push_back(op.arg[1]);
      next.push_back(std::move(n));
    } else if (op.status == kFull && (!has_room || !options_.strict_full)) {
      next.push_back(s);
    }
  } else if (op.code == kPop) {
    if (op.pending) {
      if (size > 0) next.emplace_back(s.begin() + 2, s.end());
    } else if (op.status == kOk) {
      if (size > 0 && s[0] == op.value[0] && s[1] == op.value[1]) next.emplace_back(s.begin() + 2, s.end());
    } else if (op.status == kEmpty && (size == 0 || !options_.strict_empty)) {
      next.push_back(s);
    }
  }
}

std::string Model::describe_call(const Operation& op) const {
  if (op.code == kPush) return "push(" + format_pair(op.arg[0], op.arg[1]) + ")";
  if (op.code == kPop) return "pop()";
  return "op#" + std::to_string(op.code) + "?";
}

std::string Model::describe_result(const Operation& op) const {
  if (op.pending) return "?";
  switch (op.status) {
    case kOk: return op.code == kPop ? "ok " + format_pair(op.value[0], op.value[1]) : "ok";
    case kFull: return "full";
    case kEmpty: return "empty";
    default: return "status#" + std::to_string(op.status) + "?";
  }
}

std::string Model::describe_state(const State& s) const {
  std::string out = "[";
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
    if (i != 0) out += ", ";
    out += format_pair(s[i], s[i + 1]);
  }
  return out + "]";
}

}  // namespace shmc::check::queue
