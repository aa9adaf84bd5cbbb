// Sequential counting semaphore.
//   post() -> ok | overflow          (overflow only when count == max)
//   try_wait() -> ok | would_block   (would_block only when count == 0)
//   wait() -> ok | timed_out         (a bounded wait: timed_out linearises where count == 0)
#pragma once

#include "shmconform/check/model.hpp"

namespace shmc::check::semaphore {

enum Code : std::uint32_t { kPost = 1, kTryWait = 2, kWait = 3 };
enum Status : std::uint32_t { kOk = 0, kOverflow = 1, kWouldBlock = 2, kTimedOut = 3 };

struct Options {
  std::uint64_t initial = 0;
  std::uint64_t max = 0;  // 0: no maximum, post never overflows
};

class Model final : public check::Model {
 public:
  explicit Model(Options options = {}) : options_(options) {}
  std::string name() const override { return "counting-semaphore"; }
  State initial() const override { return {options_.initial}; }
  void step(const State& state, const Operation& op, std::vector<State>& next) const override;
  std::string describe_call(const Operation& op) const override;
  std::string describe_result(const Operation& op) const override;
  std::string describe_state(const State& state) const override;

 private:
  Options options_;
};

}  // namespace shmc::check::semaphore
