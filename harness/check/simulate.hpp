// Linearisable histories by construction, for testing and benchmarking checkers.
//
// Actors run a random interleaving of three steps per operation: invoke (a
// clock tick), take effect on a sequential reference (`apply` fills in the
// result), return (a tick). Each operation takes effect between its invoke and
// its return, so the history is linearisable; corrupting one result afterwards
// gives a non-linearisable one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "shmconform/check/operation.hpp"

namespace shmc::check {

struct SimOptions {
  int actors = 4;
  std::size_t ops_per_actor = 100;
  std::uint64_t seed = 1;
  // Percentage of operations that run from invoke to return with no other
  // actor's step in between. 0: every step interleaves at random (wide
  // windows, every operation overlaps several others: adversarial). Real
  // runs, where operations are short next to the work between them, look
  // more like 80-95.
  unsigned uninterrupted_percent = 0;
};

// next_call(actor, random word): the operation's actor, code and arguments.
using NextCall = std::function<Operation(int actor, std::uint64_t random)>;
// Applies op to the caller's sequential reference and sets op.status / op.value.
using ApplyCall = std::function<void(Operation& op)>;

History simulate(const SimOptions& options, const NextCall& next_call, const ApplyCall& apply);

}  // namespace shmc::check
