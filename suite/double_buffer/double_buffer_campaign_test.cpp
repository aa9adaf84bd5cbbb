// The double buffers' crash campaigns (double_buffer_subject.cpp, docs/double_buffer.md "Campaign"), one
// gtest per trial. seqlocked: the writer killed at every point x hits 1..3 with readers running, seeded
// random kills; every trial ok. seed (planted): hit h of a write point leaves h - 1 complete writes,
// and for (h - 1) mod 4 in {1, 2} every read is stuck (hits 2 and 3 here). The `long` binary: hits 1..10.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(DoubleBufferSeqlockedLong, "double_buffer:seqlocked", shmc::campaign::CampaignOptions::long_run());
SHMC_CAMPAIGN_TESTS_WITH(DoubleBufferSeedLong, "double_buffer:seed",
                         (shmc::campaign::CampaignOptions{.hits = 10, .random_kills = 0}));
#else
SHMC_CAMPAIGN_TESTS(DoubleBufferSeqlocked, "double_buffer:seqlocked");
SHMC_CAMPAIGN_TESTS_WITH(DoubleBufferSeed, "double_buffer:seed", (shmc::campaign::CampaignOptions{.hits = 3, .random_kills = 0}));
#endif
