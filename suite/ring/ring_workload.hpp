// One multi-process run of the ring: P producers and C consumers as actors,
// every operation in a history log, the ring drained afterwards, and the
// delivery checker's verdict. The crash campaigns, the seed's exercise and the
// concurrency properties are all made of these runs.
//
// Survivors police their own progress: an actor that cannot push or pop for
// `progress_bound` stops and exits with kStuckExit, saying where it was stuck.
// That bounded wait is what reports a ring jammed by a dead claimant.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/check/delivery.hpp"
#include "shmconform/check/operation.hpp"

namespace shmc::ring::testing {

inline constexpr int kStuckExit = 42;

struct WorkloadPlan {
  std::uint32_t producers = 2;
  std::uint32_t consumers = 2;
  std::uint32_t messages_per_producer = 50;
  std::uint32_t capacity = 4;
  std::chrono::milliseconds progress_bound{2000};
  std::chrono::milliseconds run_timeout{30000};
  std::chrono::microseconds stall_bound{1000};
  std::vector<harness::CrashPlan> producer_crash;  // by producer index; missing = none
  std::vector<harness::CrashPlan> consumer_crash;  // by consumer index
  // Consumers 1.. start only once consumer 0 has ended (returned or died), so
  // consumer 0 is the only one that can meet a stuck slot first.
  bool others_wait_for_first_consumer = false;
};

struct WorkloadResult {
  std::vector<harness::ActorOutcome> outcomes;  // producers, then consumers
  check::History history;
  std::vector<check::delivery::Item> remaining;  // drained from the ring after the run
  check::delivery::Report delivery;
  RingStats stats;
  std::string drain_problem;     // empty unless draining failed or stalled
  std::string validate_problem;  // empty unless validate() failed after the drain
  std::string setup_problem;     // empty unless the run could not be set up

  bool someone_stuck() const;
  // Every actor returned 0 or died by its own crash plan; delivery, drain and validation clean.
  bool clean() const;
  std::string describe() const;
};

template <Variant V>
WorkloadResult run_workload(const WorkloadPlan& plan);

}  // namespace shmc::ring::testing
