#include "shmconform/check/semaphore_model.hpp"

#include "shmconform/check/format.hpp"

namespace shmc::check::semaphore {

void Model::step(const State& s, const Operation& op, std::vector<State>& next) const {
  const std::uint64_t count = s[0];
  const bool ok = op.pending || op.status == kOk;
  switch (op.code) {
    case kPost:
      if (ok) {
        if (options_.max == 0 || count < options_.max) next.push_back({count + 1});
      } else if (op.status == kOverflow && options_.max != 0 && count == options_.max) {
        next.push_back(s);
      }
      break;
    case kTryWait:
    case kWait:
      if (ok) {
        if (count > 0) next.push_back({count - 1});
      } else if (count == 0 && op.status == (op.code == kTryWait ? kWouldBlock : kTimedOut)) {
        next.push_back(s);
      }
      break;
    default: break;
  }
}

std::string Model::describe_call(const Operation& op) const {
  switch (op.code) {
    case kPost: return "post()";
    case kTryWait: return "try_wait()";
    case kWait: return "wait()";
    default: return "op#" + std::to_string(op.code) + "?";
  }
}

std::string Model::describe_result(const Operation& op) const {
  if (op.pending) return "?";
  switch (op.status) {
    case kOk: return "ok";
    case kOverflow: return "overflow";
    case kWouldBlock: return "would_block";
    case kTimedOut: return "timed_out";
    default: return "status#" + std::to_string(op.status) + "?";
  }
}

std::string Model::describe_state(const State& s) const { return "count=" + format_word(s[0]); }

}  // namespace shmc::check::semaphore
