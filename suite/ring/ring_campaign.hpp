// The crash campaigns over the ring's crash points, as data: which actor is
// armed where, on which hit, for each trial. The test file runs them.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/ring/ring_layout.hpp"
#include "suite/ring/ring_workload.hpp"

namespace shmc::ring::testing {

struct Trial {
  std::string label;
  WorkloadPlan plan;
  // (actor name, point) pairs whose crash plan must have fired: a trial whose
  // armed point never ran proves nothing.
  std::vector<std::pair<std::string, std::string>> must_fire;
};

// Points reached on an ordinary push or pop: armed in producer-0 or consumer-0
// at hits 1..hits (consumer-1 starts once consumer-0 has died, so consumer-0
// surely reaches its hit). Points reached only while a dead claimant is being repaired
// (ring/repair/*, ring/pop/skip_claimed) need a first death: producer-0 dies
// at ring/push/claimed, consumer-0 is armed at hit 1 and is the only consumer
// until it ends. Points the variant does not have are left out.
std::vector<Trial> systematic_trials(Variant variant, std::uint32_t hits);

// Seeded: a random actor SIGKILLed after a random delay.
std::vector<Trial> random_kill_trials(std::uint64_t seed, std::uint32_t count);

// An actor outcome that shows the armed point fired; empty if it did.
std::string check_fired(const Trial& trial, const WorkloadResult& result);

}  // namespace shmc::ring::testing
