// boost::interprocess::message_queue under store traps: a sender or receiver
// killed before a store inside send/receive leaves its peers blocked for ever
// (Boost takes its non-robust mutex without a deadline, whatever deadline the
// timed call was given). The default test stops at the first finding of each
// operation and prints it with a replay line; boost_mq_store_long_test maps every store.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

#include "shmconform/harness/store_trap.hpp"
#include "suite/boost_mq/mq_store_trials.hpp"

namespace shmc::boost_mq::testing {
namespace {

using Clock = std::chrono::steady_clock;

std::string replay_line(VictimOp op, std::uint32_t k) {
  return std::string("SHMC_BOOST_MQ_REPLAY=") + to_string(op) + ":" + std::to_string(k) +
         " boost_mq_store_test --gtest_filter=BoostMessageQueueStores.Replay";
}

void first_finding(VictimOp op) {
  const std::uint64_t n = stores_of(op);
  std::printf("boost message_queue %s: %llu stores\n", to_string(op), static_cast<unsigned long long>(n));
  ASSERT_GT(n, 0u);
  const auto started = Clock::now();
  for (std::uint32_t k = 1; k <= n + 1; ++k) {
    const StoreTrial t = run_store_trial(op, k);
    if (k <= n) {
      ASSERT_EQ(t.victim.end, harness::ActorOutcome::End::crashed_at_point) << t.describe();
    }
    if (k == 1) {
      EXPECT_FALSE(t.peer_blocked()) << "no store made, nothing held: " << t.describe();
    }
    if (!t.peer_blocked()) {
      ASSERT_TRUE(t.peer.ok()) << t.describe();
      continue;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
    std::printf("FINDING (boost::interprocess::message_queue, not ours): a %s killed before store %u of %llu "
                "inside %s leaves the peer blocked past its deadline [%s]\n  first finding after %lld ms, %u "
                "trials\n  replay: %s\n",
                role_of(op), k, static_cast<unsigned long long>(n), to_string(op), t.peer.last_doing.c_str(),
                static_cast<long long>(ms), k, replay_line(op, k).c_str());
    ::testing::Test::RecordProperty(std::string("first_finding_") + to_string(op), "store " + std::to_string(k) + " of " +
                                                                     std::to_string(n) + ", " + std::to_string(ms) + " ms");
    return;
  }
  FAIL() << "no crash state of " << to_string(op) << " blocked a peer: Boost's queue would be crash-safe, or the "
         << "store trap missed the mutex";
}

TEST(BoostMessageQueueStores, ASenderKilledInsideSendLeavesPeersBlocked) {
  SHMC_REQUIRE_STORE_TRAPS();
  first_finding(VictimOp::send);
}

TEST(BoostMessageQueueStores, AReceiverKilledInsideReceiveLeavesPeersBlocked) {
  SHMC_REQUIRE_STORE_TRAPS();
  first_finding(VictimOp::receive);
}

TEST(BoostMessageQueueStores, Replay) {
  const char* spec = std::getenv("SHMC_BOOST_MQ_REPLAY");
  if (spec == nullptr) GTEST_SKIP() << "set SHMC_BOOST_MQ_REPLAY=send:<k> or receive:<k>";
  SHMC_REQUIRE_STORE_TRAPS();
  const std::string s(spec);
  const auto colon = s.find(':');
  ASSERT_NE(colon, std::string::npos) << "SHMC_BOOST_MQ_REPLAY=" << s;
  const VictimOp op = s.substr(0, colon) == "send" ? VictimOp::send : VictimOp::receive;
  const StoreTrial t = run_store_trial(op, static_cast<std::uint32_t>(std::stoul(s.substr(colon + 1))));
  std::printf("%s\n", t.describe().c_str());
  EXPECT_FALSE(t.peer_blocked()) << t.describe();
}

}  // namespace
}  // namespace shmc::boost_mq::testing
