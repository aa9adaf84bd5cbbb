// One gtest per campaign trial of the ticket counter (the variant this binary was built with).
#include "shmconform/campaign/gtest.hpp"

#if defined(TICKET_COUNTER_PLANTED_SPINLOCK)
SHMC_CAMPAIGN_TESTS(TicketCounterPlanted, "ticket_counter:planted_spinlock");
#else
SHMC_CAMPAIGN_TESTS(TicketCounter, "ticket_counter:robust");
#endif
