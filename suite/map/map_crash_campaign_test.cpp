// The map's crash campaigns (docs/map.md, "Campaigns"), one gtest per trial
// (map_subject.cpp): every operation point x hits 1..3 with a concurrent peer,
// every repair point x hits 1..3 after that many breakers died mid-update,
// and seeded random kills. robust: every trial ok. plain_spin (planted bug):
// every crash-point trial ends survivor_stuck (a bounded wait reports the
// dead holder's lock). no_rollback (planted bug): a kill between the two
// value words is seen torn or unexplainable. The `long` binary: hits 1..8.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(MapRobustLong, "map:robust", (shmc::campaign::CampaignOptions{.hits = 8, .random_kills = 60}));
#else
SHMC_CAMPAIGN_TESTS(MapRobust, "map:robust");
SHMC_CAMPAIGN_TESTS(MapPlainSpin, "map:plain_spin");
SHMC_CAMPAIGN_TESTS(MapNoRollback, "map:no_rollback");
#endif
