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

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "shmconform/check/operation.hpp"

namespace shmc::check {

using State = std::vector<std::uint64_t>;

// A proof, found without searching, that a history is not linearisable: a
// named pattern and the operations that form it.
struct Refutation {
  std::string pattern;              // "value popped twice"
  std::string explanation;          // one or two sentences naming the operations
  std::vector<std::size_t> ops;     // indices into the history; the first is the one to highlight
};

// Where the search stands when it proposes a step.
struct Frontier {
  const std::vector<char>& linearised;  // by history index
  std::uint64_t now;                    // every operation that returned before now is linearised
  // The operations not yet linearised that were invoked by now (history
  // indices, the proposed one included); every other operation not yet
  // linearised was invoked after now.
  const std::vector<std::size_t>& open;
};

// History-aware pruning for the search. It must only reject a step after
// which no linearisation of the whole history exists: it changes speed, never
// the verdict (the agreement property with the brute-force checker guards it).
class StepFilter {
 public:
  virtual ~StepFilter() = default;
  // The search proposes to linearise history[op] next, taking the model from `from` to `to`.
  virtual bool viable(std::size_t op, const State& from, const State& to, const Frontier& at) const = 0;
};

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
  // A polynomial pre-check: a found pattern refutes the whole history at once.
  virtual std::optional<Refutation> refute(const History&) const { return std::nullopt; }
  // Pruning for one history (nullptr: none).
  virtual std::unique_ptr<StepFilter> step_filter(const History&) const { return nullptr; }
  virtual std::string describe_call(const Operation& op) const = 0;    // "push(3)"
  virtual std::string describe_result(const Operation& op) const = 0;  // "ok", "empty", "-> 7"
  virtual std::string describe_state(const State& state) const = 0;
};

}  // namespace shmc::check
