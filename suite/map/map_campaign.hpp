// The systematic crash campaign over the map's crash points.
//
// Operation trial (every point outside map/repair/, hit n): a victim actor
// runs a fixed workload on keys that share home buckets and is SIGKILLed at
// the nth time it reaches the point; a peer works on other keys of the same
// buckets at the same time. Afterwards the test process recovers every bucket
// (bounded), reads every key, and the whole history, the victim's interrupted
// operation pending (may or may not have happened), must be linearizable.
//
// Repair trial (map/repair/ points, hit n): n breaker actors each die with a
// half-written bucket; the victim reads those keys, so it takes their locks
// over and repairs them, and is killed at the nth time it reaches the point,
// mid-repair. Recovery by the test process must finish the job.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "shmconform/runtime/crash_catalog.hpp"
#include "fixtures/map/map.hpp"

namespace shmc::map::testing {

struct TrialOutcome {
  std::string point;
  std::uint32_t hit = 0;
  bool fired = false;          // the victim died at its armed point
  bool bounded_wait = false;   // somebody reported Errc::timed_out
  std::vector<std::string> failures;
  std::chrono::milliseconds recover_time{0};
  std::uint64_t peer_takeovers = 0;      // dead holders' locks the concurrent peer took over
  std::uint64_t recovery_takeovers = 0;  // ... that the test process's recover() took over
  std::uint64_t repairs = 0;             // torn buckets rolled back, by anybody who reported
};

struct CampaignSummary {
  std::size_t trials = 0;
  std::size_t fired = 0;
  std::size_t bounded_waits = 0;
  std::size_t peer_took_over = 0;      // trials in which the live peer took a dead holder's lock over
  std::size_t recovery_took_over = 0;  // trials in which recover() did
  std::size_t repaired = 0;            // trials with at least one rollback
  std::vector<TrialOutcome> failed;  // trials with failures (or not fired)
  std::chrono::milliseconds wall{0};
  std::string describe(std::size_t max_trials = 6) const;
};

// Hits per point: SHMC_MAP_CAMPAIGN_HITS if set, else the build's default
// (3; the `long` binary uses 8).
std::uint32_t campaign_hits();

template <class M>
TrialOutcome run_operation_trial(const std::string& point, std::uint32_t hit, const MapOptions& options);
template <class M>
TrialOutcome run_repair_trial(const std::string& point, std::uint32_t hit, const MapOptions& options);

// Points this lock protocol actually has (the plain variant keeps no undo record and never repairs).
template <class M>
std::vector<std::string> operation_points();
std::vector<std::string> repair_points();

}  // namespace shmc::map::testing
