// The monitor's crash campaigns (monitor_subject.cpp, docs/monitor.md "Campaign"), one gtest per trial:
// undo: a transferrer killed at every point x hits 1..3 while a peer transfers and a waiter waits on the
// condition variable, the repair point after a breaker died mid-transfer, seeded random kills; every
// trial ok. no_repair (planted): killed between debit and credit, a + b != total is seen.
// The `long` binary: hits 1..10 and 60 random kills.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
SHMC_CAMPAIGN_TESTS_WITH(MonitorUndoLong, "monitor:undo", shmc::campaign::CampaignOptions::long_run());
#else
// No store trials and no random kills by default: a transferrer killed before stores 16-18 of its
// transfer (inside glibc's robust-mutex unlock) leaves a survivor blocked for the engine's whole bound
// (docs/monitor.md, "Campaign"), and a random kill lands in that window about once in a few hundred
// trials (seen once: random 5, a waiter stuck 30 s after a transferrer died in read(); 3 replays ok).
// It is an open finding, not a pass: the long binary runs every store and 60 random kills and shows it.
SHMC_CAMPAIGN_TESTS_WITH(MonitorUndo, "monitor:undo", (shmc::campaign::CampaignOptions{.random_kills = 0, .stores = 0}));
SHMC_CAMPAIGN_TESTS_WITH(MonitorNoRepair, "monitor:no_repair",
                         (shmc::campaign::CampaignOptions{.hits = 3, .random_kills = 0, .stores = 0}));
#endif
