// Readable failure reports: a per-actor table of (op, args, result,
// [invoke, return]) and the window the checker could not linearise, in the
// spirit of Knossos and Lincheck.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "shmconform/check/linearizability.hpp"

namespace shmc::check {

// The given operations (indices into history), grouped by actor, in time order.
std::string format_table(const History& history, const Model& model, const std::vector<std::size_t>& which);
// The whole history (at most max_per_actor rows per actor, the last ones).
std::string format_history(const History& history, const Model& model, std::size_t max_per_actor = 40);
std::string format_failure(const History& history, const Model& model, const Failure& failure);

}  // namespace shmc::check
