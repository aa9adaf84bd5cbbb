// Boost.Interprocess message_queue's campaign (issue 12), one gtest per trial: store trials inside
// send and receive (sampled; every store in the `long` binary) and random kills. The variant is
// declared not crash-safe: a trial may end ok (a kill where nothing was held) or survivor_stuck,
// nothing else; store_crash/campaign_findings_test checks that the hang is found at all.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(BoostMessageQueueLong, "boost.message_queue", shmc::campaign::CampaignOptions::long_run());
#else
SHMC_CAMPAIGN_TESTS(BoostMessageQueue, "boost.message_queue");
#endif
