// The "check" part of a timeline document: the verdict of the linearizability
// checker as sections (one per failing partition, or one for the whole
// history) with the longest linearizable prefix and the model state after
// each of its steps, and the partitions that passed, collapsed.
#pragma once

#include <nlohmann/json.hpp>

#include "shmconform/check/linearizability.hpp"
#include "shmconform/harness/timeline.hpp"

namespace shmc::harness {

// result may be nullptr (the checker did not run).
nlohmann::json check_json(const check::History& history, const check::Model& model,
                          const check::LinearizabilityResult* result, const TimelineLimits& limits);

}  // namespace shmc::harness
