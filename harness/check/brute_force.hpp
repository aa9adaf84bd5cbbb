// Reference linearizability checker: tries every real-time-respecting order of
// every subset of pending operations, no memo, no partitioning. Exponential;
// it exists to test the fast checker on small histories (up to ~8 operations).
#pragma once

#include "shmconform/check/model.hpp"

namespace shmc::check {

// Throws std::invalid_argument above 20 operations.
bool brute_force_linearizable(const History& history, const Model& model);

}  // namespace shmc::check
