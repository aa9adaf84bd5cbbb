// One store-crash trial of Boost's message_queue: a sender or receiver is
// killed before its k-th store inside send/receive (store traps over the
// queue's own /dev/shm mapping), then a peer tries a bounded round trip.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace shmc::boost_mq::testing {

enum class VictimOp { send, receive };
const char* to_string(VictimOp op);
const char* role_of(VictimOp op);  // "sender", "receiver"

struct StoreTrial {
  VictimOp op = VictimOp::send;
  std::uint32_t k = 1;  // 0: count only (the victim completes its op)
  harness::ActorOutcome victim;
  harness::ActorOutcome peer;
  std::uint64_t stores_counted = 0;  // k == 0 only
  // The peer did not finish a 50 ms-deadline send and receive within 1 s: blocked by the dead victim.
  bool peer_blocked() const { return peer.end == harness::ActorOutcome::End::timed_out; }
  std::string describe() const;
};

StoreTrial run_store_trial(VictimOp op, std::uint32_t k);
// How many stores one send (or receive) makes, from a counting run.
std::uint64_t stores_of(VictimOp op);

}  // namespace shmc::boost_mq::testing

#define SHMC_REQUIRE_STORE_TRAPS()                                                        \
  do {                                                                                    \
    const auto support = ::shmc::harness::store_trap::support();                          \
    if (!support.available) GTEST_SKIP() << "store traps unsupported: " << support.reason; \
  } while (0)

