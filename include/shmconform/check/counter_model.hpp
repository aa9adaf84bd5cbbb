// Sequential 64-bit counter (wrapping).
//   add(d) -> ok    fetch_add(d) -> ok(previous)    read() -> ok(value)
#pragma once

#include "shmconform/check/model.hpp"

namespace shmc::check::counter {

enum Code : std::uint32_t { kAdd = 1, kFetchAdd = 2, kRead = 3 };
enum Status : std::uint32_t { kOk = 0 };

class Model final : public check::Model {
 public:
  explicit Model(std::uint64_t initial = 0) : initial_(initial) {}
  std::string name() const override { return "counter"; }
  State initial() const override { return {initial_}; }
  void step(const State& state, const Operation& op, std::vector<State>& next) const override;
  std::string describe_call(const Operation& op) const override;
  std::string describe_result(const Operation& op) const override;
  std::string describe_state(const State& state) const override;

 private:
  std::uint64_t initial_;
};

}  // namespace shmc::check::counter
