// Every crash state of Boost message_queue's send and receive (label long):
// which stores leave the peer blocked.
#include <cstdio>
#include <string>

#include <gtest/gtest.h>

#include "suite/boost_mq/mq_store_trials.hpp"

namespace shmc::boost_mq::testing {
namespace {

TEST(BoostMessageQueueStoresLong, EveryStoreOfSendAndReceive) {
  SHMC_REQUIRE_STORE_TRAPS();
  for (VictimOp op : {VictimOp::send, VictimOp::receive}) {
    const std::uint64_t n = stores_of(op);
    std::string map;
    std::uint32_t blocked = 0;
    for (std::uint32_t k = 1; k <= n + 1; ++k) {
      const StoreTrial t = run_store_trial(op, k);
      map += t.peer_blocked() ? 'B' : (t.peer.ok() ? '.' : '!');
      blocked += t.peer_blocked();
      if (!t.peer_blocked()) {
        EXPECT_TRUE(t.peer.ok()) << t.describe();
      }
    }
    std::printf("%s: %llu stores, %llu crash states tried, %u leave the peer blocked: %s (B blocked, . ok)\n",
                to_string(op), static_cast<unsigned long long>(n), static_cast<unsigned long long>(n + 1), blocked,
                map.c_str());
    EXPECT_GT(blocked, 0u);
  }
}

}  // namespace
}  // namespace shmc::boost_mq::testing
