// A sequential specification for the linearizability checkers.
//
// The state is a flat vector of words so one search engine (compiled once)
// serves every model, and so states hash and compare cheaply for Lowe's
// memoisation. A model may be nondeterministic: step() appends every state
// the operation may lead to. For a completed operation the recorded result
// must be the one the model produces from that state (usually 0 or 1
// successor); for a pending one any result is possible. A pending operation
// that had no effect needs no successor: the checker also tries never
// linearising it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/check/operation.hpp"

namespace shmc::check {

using State = std::vector<std::uint64_t>;

class Model {
 public:
  virtual ~Model() = default;
  virtual std::string name() const = 0;
  virtual State initial() const = 0;
  virtual void step(const State& state, const Operation& op, std::vector<State>& next) const = 0;
  // P-compositionality: operations with different keys touch independent
  // sub-objects and may be checked separately. nullopt: not partitionable.
  virtual std::optional<std::uint64_t> partition_key(const Operation&) const { return std::nullopt; }
  // Search order hint: among operations that may be linearised next, lower
  // ranks are tried first. It changes speed, never the verdict. The default
  // (on entry, rank[i] == history[i].invoke) is time order.
  virtual void rank(const History&, std::vector<std::uint64_t>&) const {}
  virtual std::string describe_call(const Operation& op) const = 0;    // "push(3)"
  virtual std::string describe_result(const Operation& op) const = 0;  // "ok", "empty", "-> 7"
  virtual std::string describe_state(const State& state) const = 0;
};

}  // namespace shmc::check
