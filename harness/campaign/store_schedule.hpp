// Store schedules (issue 12) inside the campaign engine: the store-trap window
// around one operation of an actor, the dry runs that count an operation's
// stores, and the "store" family of trials. Internal to harness/campaign.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shmconform/campaign/campaign.hpp"

namespace shmc::campaign::detail {

// Why store trials cannot run in this build or on this machine, or nothing.
std::optional<std::string> store_traps_unsupported();

struct TrappedOp {
  OpResult result{};
  std::uint64_t stores = 0;  // counted inside the window (the op was not killed)
};
// Runs inst.perform(op) inside a store-trap window over every /dev/shm mapping
// of the trial's objects in this process: names starting with `trial_name`
// (everything a subject creates is named from TrialSetup::name; the history
// log is not, so it is never trapped), and their named semaphores
// ("sem.<name>"). die_before = 0 counts; k dies before the op's k-th store.
Result<TrappedOp> perform_trapped(Instance& inst, const Op& op, OpContext& ctx, std::string_view trial_name,
                                  std::uint64_t die_before);

// A dry run: which actor counts the stores of which of its operations.
struct StoreCount {
  int actor = -1;
  std::uint32_t op = 0;
  std::optional<std::uint64_t> stores{};  // filled by the run when the op completed inside its window
  std::string why{};                      // otherwise: what happened instead
};
// run_plan() with one actor counting (engine.cpp).
TrialResult run_plan_counting(const SubjectVariant& variant, const plan::Plan& plan, StoreCount& count);

// Appends the "store" family to a campaign's trials (plan_trials).
void append_store_trials(const SubjectVariant& variant, const CampaignOptions& options, std::vector<TrialSpec>& trials);

}  // namespace shmc::campaign::detail
