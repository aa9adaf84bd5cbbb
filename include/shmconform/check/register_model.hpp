// Read/write registers, each an independent sub-object (histories are checked
// register by register: P-compositionality).
//   write(r, v) -> ok        read(r) -> ok(v) | empty (never written) | unseen
// A write whose writer was killed may or may not have taken effect: the
// checker tries it both ways, so "a crashed publish is never visible" and
// "a crashed write completed" both pass, while a value nobody wrote, a stale
// value after a newer write completed, or a value going back never do.
// `unseen` is a read that could not locate its register (a scoreboard slot
// between two tenures): it constrains nothing, and says so in every report.
#pragma once

#include "shmconform/check/model.hpp"

namespace shmc::check::reg {

enum Code : std::uint32_t { kWrite = 1, kRead = 2 };
enum Status : std::uint32_t { kOk = 0, kEmpty = 1, kUnseen = 2 };

class Model final : public check::Model {
 public:
  std::string name() const override { return "registers"; }
  State initial() const override { return {}; }
  void step(const State& state, const Operation& op, std::vector<State>& next) const override;
  std::optional<std::uint64_t> partition_key(const Operation& op) const override { return op.arg[0]; }
  std::string describe_call(const Operation& op) const override;
  std::string describe_result(const Operation& op) const override;
  std::string describe_state(const State& state) const override;
};

}  // namespace shmc::check::reg
