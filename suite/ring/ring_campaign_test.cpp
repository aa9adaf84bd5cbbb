// The ring's crash campaigns (docs/ring.md, "Campaigns"), one gtest per trial:
//  - robust: every crash point of the ring, hits 1..3 (points reached only
//    while repairing a dead claimant: after producer-0 died at
//    ring/push/claimed hit 3), and seeded random SIGKILLs; every trial must
//    end ok (armed point fired, survivors finished in bound, nothing lost,
//    duplicated or corrupted, history linearizable);
//  - non_robust (the planted bug: no repair): every trial must end
//    survivor_stuck, a survivor's bounded wait reporting the jam.
// The `long` binary runs hits 1..10 and 60 random kills.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(RingRobustLong, "ring:robust", shmc::campaign::CampaignOptions::long_run());
#else
SHMC_CAMPAIGN_TESTS(RingRobust, "ring:robust");
SHMC_CAMPAIGN_TESTS_WITH(RingNonRobust, "ring:non_robust",
                         (shmc::campaign::CampaignOptions{.hits = 1, .random_kills = 0}));
#endif
