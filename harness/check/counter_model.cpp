#include "shmconform/check/counter_model.hpp"

#include "shmconform/check/format.hpp"

namespace shmc::check::counter {

void Model::step(const State& s, const Operation& op, std::vector<State>& next) const {
  const std::uint64_t v = s[0];
  if (!op.pending && op.status != kOk) return;
  switch (op.code) {
    case kAdd: next.push_back({v + op.arg[0]}); break;
    case kFetchAdd:
      if (op.pending || op.value[0] == v) next.push_back({v + op.arg[0]});
      break;
    case kRead:
      if (op.pending || op.value[0] == v) next.push_back(s);
      break;
    default: break;
  }
}

std::string Model::describe_call(const Operation& op) const {
  switch (op.code) {
    case kAdd: return "add(" + format_word(op.arg[0]) + ")";
    case kFetchAdd: return "fetch_add(" + format_word(op.arg[0]) + ")";
    case kRead: return "read()";
    default: return "op#" + std::to_string(op.code) + "?";
  }
}

std::string Model::describe_result(const Operation& op) const {
  if (op.pending) return "?";
  if (op.status != kOk) return "status#" + std::to_string(op.status) + "?";
  return op.code == kAdd ? "ok" : "ok " + format_word(op.value[0]);
}

std::string Model::describe_state(const State& s) const { return format_word(s[0]); }

}  // namespace shmc::check::counter
