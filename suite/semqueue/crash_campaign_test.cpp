// The semaphore queues' crash campaigns (docs/semqueue.md), one gtest per
// trial (semqueue_subject.cpp): every crash point of a variant x hits 1..3
// (the robust queue's recovery points after a producer died holding the
// lock), and seeded random SIGKILLs.
//   textbook variants (named, unnamed, named_slot): every crash-point trial
//     must reproduce the finding: survivor_stuck (a kill holding the mutex, or
//     the single slot's only permit) or lost (a slot lost for good between the
//     two semaphore operations);
//   robust: every trial ok;
//   early_publish (the planted bug): a kill between publishing and writing a
//     message must be caught (corrupted, lost, duplicated or not linearizable).
// The `long` binary: hits 1..10 and 60 random kills per variant.
#include "shmconform/campaign/gtest.hpp"

#if defined(SHMC_CAMPAIGN_LONG)
#define SEMQUEUE_CAMPAIGN(suite, id) SHMC_CAMPAIGN_TESTS_WITH(suite, id, shmc::campaign::CampaignOptions::long_run())
SEMQUEUE_CAMPAIGN(SemQueueRobustLong, "semqueue:robust");
SEMQUEUE_CAMPAIGN(SemQueueNamedLong, "semqueue:named");
SEMQUEUE_CAMPAIGN(SemQueueUnnamedLong, "semqueue:unnamed");
SEMQUEUE_CAMPAIGN(SemQueueNamedSlotLong, "semqueue:named_slot");
#else
SHMC_CAMPAIGN_TESTS(SemQueueRobust, "semqueue:robust");
SHMC_CAMPAIGN_TESTS(SemQueueNamed, "semqueue:named");
SHMC_CAMPAIGN_TESTS(SemQueueUnnamed, "semqueue:unnamed");
SHMC_CAMPAIGN_TESTS(SemQueueNamedSlot, "semqueue:named_slot");
SHMC_CAMPAIGN_TESTS_WITH(SemQueueEarlyPublish, "semqueue:early_publish",
                         (shmc::campaign::CampaignOptions{.hits = 3, .random_kills = 0}));
#endif
