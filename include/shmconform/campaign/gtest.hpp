// One gtest test per campaign trial, so ctest lists each (`ctest -R 'ring.push.claimed'` runs one),
// JUnit shows each, and GoogleTest's sharding (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX) splits a
// campaign across machines with no code of ours.
//
//   SHMC_CAMPAIGN_TESTS(RingRobust, "ring:robust");                                    // the default size
//   SHMC_CAMPAIGN_TESTS_WITH(RingRobustLong, "ring:robust", CampaignOptions::long_run()); // label it `long`
//
// Link shmconform::gtest_main. A trial passes when its verdict is one the variant expects
// (SubjectVariant::expect); otherwise it fails with the verdict, the per-actor table, the
// checker's report, the trial shrunk to a smaller plan, and replay lines. Trials that need crash
// points skip in builds without fault injection. SHMC_CAMPAIGN_SEED replaces the seed.
#pragma once

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/harness/test_registrars.hpp"

namespace shmc::campaign {

// Registers suite.<trial id> for every trial; called by the macros' registrar at gtest start-up.
void register_trial_tests(const char* suite, const char* subject_id, const CampaignOptions& options, const char* file,
                          int line);

}  // namespace shmc::campaign

#define SHMC_CAMPAIGN_TESTS_WITH(suite, subject_id, options)                                                 \
  static void shmc_campaign_register_##suite() {                                                             \
    ::shmc::campaign::register_trial_tests(#suite, subject_id, (options), __FILE__, __LINE__);                \
  }                                                                                                          \
  [[maybe_unused]] static const bool shmc_campaign_registrar_##suite =                                       \
      (::shmc::harness::add_test_registrar(&shmc_campaign_register_##suite), true)

#define SHMC_CAMPAIGN_TESTS(suite, subject_id) \
  SHMC_CAMPAIGN_TESTS_WITH(suite, subject_id, ::shmc::campaign::CampaignOptions::standard())
