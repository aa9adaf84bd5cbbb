// Linearizability checker: Wing & Gong's search with Lowe's just-in-time
// linearisation and memoisation, plus P-compositionality (one search per key
// when the model allows it).
//
//   auto r = check::check_linearizable(history, check::queue::Model({.capacity = 8}));
//   EXPECT_TRUE(r.ok()) << r.report;
//
// Pending operations (invoked, never returned) may be linearised anywhere after
// their invoke, with any result the model allows, or not at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "shmconform/check/model.hpp"

namespace shmc::check {

enum class Verdict {
  linearizable,
  not_linearizable,
  unknown,  // the search budget ran out: neither proven nor refuted
};
const char* to_string(Verdict v);

struct CheckOptions {
  // Memoised configurations per partition before giving up with Verdict::unknown.
  std::size_t max_configurations = 20'000'000;
  bool partition = true;  // use the model's partition key if it has one
  bool patterns = true;   // the model's polynomial pre-check (Model::refute) before searching
  bool prune = true;      // the model's history-aware pruning (Model::step_filter)
};

// Where the search got furthest in the failing partition (indices into the
// history); or, when the pre-check refuted the history, the pattern it found
// (`pattern` set, `window` its operations, `stuck` the one to highlight).
struct Failure {
  std::string pattern;
  std::optional<std::uint64_t> partition_key;
  std::size_t partition_size = 0;
  std::size_t stuck = 0;                  // completed op whose return no configuration could pass
  std::vector<std::size_t> linearised;    // deepest configuration, in linearisation order
  State state;                            // model state after `linearised`
  // The model state after each operation of `linearised` (states.back() == state), so a
  // viewer can show before/after without redoing the search's nondeterministic choices.
  std::vector<State> states;
  std::optional<Refutation> refutation;   // the pre-check's find, when it refuted the history
  std::vector<std::size_t> window;        // smallest window around `stuck` that could not be linearised
  std::uint64_t window_begin = 0, window_end = 0;
};

struct LinearizabilityResult {
  Verdict verdict = Verdict::linearizable;
  std::size_t partitions = 0;
  std::size_t configurations = 0;   // memo entries, summed over partitions
  std::optional<Failure> failure;   // when not linearizable
  std::string report;               // readable, when not linearizable or unknown
  bool ok() const { return verdict == Verdict::linearizable; }
};

// Throws std::invalid_argument for a malformed history (return before invoke).
LinearizabilityResult check_linearizable(const History& history, const Model& model, const CheckOptions& options = {});

}  // namespace shmc::check
