// The scoreboard's crash campaigns (scoreboard_subject.cpp, docs/scoreboard.md "Campaign"), one gtest per
// trial: a worker killed at every step of claim, update and release while it owns the only slot; the next
// worker reclaims it even with the dead worker's PID recycled onto a live process. identity: every trial ok.
// bare_pid (planted): every crash-point trial ends survivor_stuck (board full, its owner dead).
// The `long` binary: hits 1..10 (claim and release points 1..3) and 60 random kills.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(ScoreboardIdentityLong, "scoreboard:identity", shmc::campaign::CampaignOptions::long_run());
#else
SHMC_CAMPAIGN_TESTS(ScoreboardIdentity, "scoreboard:identity");
SHMC_CAMPAIGN_TESTS_WITH(ScoreboardBarePid, "scoreboard:bare_pid",
                         (shmc::campaign::CampaignOptions{.hits = 1, .random_kills = 2}));
#endif
