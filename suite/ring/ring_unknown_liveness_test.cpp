// Issue 14, class 1, for the ring: a slot stamped by a claimant whose liveness
// is unknown is never repaired, by unblock() nor by a blocked push; unblock()
// reports it as left alone (claimant_alive) and the push gives up at its
// deadline. The planted variant (unknown reported as dead) must be caught
// repairing it; that test stays.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <string>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "suite/harness/unknown_liveness.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;

constexpr ProcessIdentity kGhost{(1 << 22) - 1, 1};

SlotHeader& slot_of(Ring& r, std::uint64_t pos) {
  return *reinterpret_cast<SlotHeader*>(r.segment().payload() + kSlotsOffset +
                                        (pos % r.capacity()) * slot_stride_for(r.slot_size()));
}

std::string repairs_unknown_claimant(bool planted) {
  RingOptions options;
  options.stall_bound = 1ms;
  auto ring = Ring::create(harness::unique_name("ring-unknown"), {4, 8}, options);
  if (!ring) return "create: " + ring.error().describe();
  slot_of(*ring, 0).claimant.store(pack(kGhost));  // stamped, nothing claimed yet
  std::string problem;
  {
    liveness_testing::UnknownLiveness unknown(planted);
    auto u = ring->unblock();
    if (!u) return "unblock: " + u.error().describe();
    if (u->repairs() != 0) problem += "unblock repaired a slot whose claimant's liveness is unknown\n";
    if (u->claimant_alive == 0) problem += "unblock did not report the unknown claimant as left alone\n";
    const std::array<std::byte, 8> item{std::byte{1}};
    auto p = ring->push(item, 100ms);
    if (!p) problem += "push: " + p.error().describe() + "\n";
    else if (*p == PushStatus::pushed) problem += "a push went past the unknown claimant's stamp\n";
  }
  if (slot_of(*ring, 0).claimant.load() != pack(kGhost)) problem += "the unknown claimant's stamp was removed\n";
  if (ring->stats().stamps_cleared != 0) problem += "a stamp was counted as cleared\n";
  return problem;
}

TEST(RingUnknownLiveness, AClaimantOfUnknownLivenessIsLeftAloneAndReported) {
  if (!liveness_testing::UnknownLiveness::available()) GTEST_SKIP() << "fault injection is compiled out";
  EXPECT_EQ(repairs_unknown_claimant(false), "");
}

TEST(RingUnknownLiveness, PlantedUnknownIsDeadIsCaught) {
  if (!liveness_testing::UnknownLiveness::available()) GTEST_SKIP() << "fault injection is compiled out";
  EXPECT_NE(repairs_unknown_claimant(true), "");
}

}  // namespace
}  // namespace shmc::ring
