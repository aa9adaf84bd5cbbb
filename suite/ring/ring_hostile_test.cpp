// Hostile input: a peer scribbles on head, tail, a sequence number, a length
// or the geometry. Every call must end with a clear Errc::corrupt (or refuse to
// open), within its bound: never a hang, a crash, or an item made up.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstring>

#include "shmconform/runtime/process_identity.hpp"
#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RingHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = Ring::create(name_, {4, 16});
    ASSERT_TRUE(r) << r.error().describe();
    ring_.emplace(std::move(r.value()));
    for (std::uint8_t i = 0; i < 2; ++i) ASSERT_EQ(ring_->try_push(item(i)).value(), PushStatus::pushed);
  }
  std::array<std::byte, 16> item(std::uint8_t v) {
    std::array<std::byte, 16> b{};
    b.fill(static_cast<std::byte>(v + 1));
    return b;
  }
  RingHeader& header() { return *reinterpret_cast<RingHeader*>(ring_->segment().payload()); }
  SlotHeader& slot(std::uint64_t i) {
    return *reinterpret_cast<SlotHeader*>(ring_->segment().payload() + kSlotsOffset + i * slot_stride_for(16));
  }
  // A blocking call on a scribbled ring: corrupt, and well before its timeout.
  template <class Call>
  void expect_corrupt_quickly(Call call, const char* what) {
    const auto t0 = Clock::now();
    auto r = call();
    const auto took = Clock::now() - t0;
    ASSERT_FALSE(r) << what << " did not notice the scribble";
    EXPECT_EQ(r.error().code, Errc::corrupt) << what << ": " << r.error().describe();
    EXPECT_LT(took, 1s) << what << " waited out its timeout instead of reporting";
    EXPECT_NE(r.error().message.find("scribbled"), std::string::npos) << r.error().message;
  }

  std::string name_ = harness::unique_name("ring-hostile");
  std::optional<Ring> ring_;
  std::array<std::byte, 16> out_{};
};

TEST_F(RingHostile, HeadFarAheadOfTail) {
  header().head.store(1000);
  expect_corrupt_quickly([&] { return ring_->push(item(9), 5s); }, "push");
  expect_corrupt_quickly([&] { return ring_->try_push(item(9)); }, "try_push");
  EXPECT_FALSE(ring_->validate());
}

TEST_F(RingHostile, HeadJustPastCapacity) {
  // slot 1's sequence number looks like "last lap's producer is between steps": only the bounds say otherwise.
  header().head.store(header().tail.load() + 5);
  expect_corrupt_quickly([&] { return ring_->push(item(9), 5s); }, "push");
}

TEST_F(RingHostile, TailPastHead) {
  header().tail.store(3);
  expect_corrupt_quickly([&] { return ring_->pop(out_, 5s); }, "pop");
  header().tail.store(1u << 30);
  expect_corrupt_quickly([&] { return ring_->try_pop(out_); }, "try_pop");
}

TEST_F(RingHostile, ScribbledSequenceNumber) {
  slot(0).seq.store(0xdeadbeef12345ULL);
  expect_corrupt_quickly([&] { return ring_->pop(out_, 5s); }, "pop");
  slot(2).seq.store(77);
  expect_corrupt_quickly([&] { return ring_->push(item(9), 5s); }, "push");
  EXPECT_FALSE(ring_->validate());
}

TEST_F(RingHostile, ScribbledLength) {
  slot(0).length = 1u << 20;
  expect_corrupt_quickly([&] { return ring_->pop(out_, 5s); }, "pop");
  // The bad slot was released, so the ring goes on with the next item.
  auto next = ring_->try_pop(out_);
  ASSERT_TRUE(next) << next.error().describe();
  EXPECT_EQ(next->status, PopStatus::popped);
  EXPECT_EQ(out_[0], std::byte{2});
}

TEST_F(RingHostile, ScribbledGeometryRefusesToOpen) {
  header().capacity = 3;
  auto bad_capacity = Ring::open(name_);
  ASSERT_FALSE(bad_capacity);
  EXPECT_EQ(bad_capacity.error().code, Errc::corrupt) << bad_capacity.error().describe();
  header().capacity = 4;
  header().slot_stride = 8;
  auto bad_stride = Ring::open(name_);
  ASSERT_FALSE(bad_stride);
  EXPECT_EQ(bad_stride.error().code, Errc::corrupt) << bad_stride.error().describe();
  header().slot_stride = slot_stride_for(16);
  header().variant = 12345;
  auto bad_variant = Ring::open(name_);
  ASSERT_FALSE(bad_variant);
  EXPECT_EQ(bad_variant.error().code, Errc::corrupt) << bad_variant.error().describe();
  // The open ring copied its geometry at creation: later scribbles there do not move its indexing.
  EXPECT_EQ(ring_->capacity(), 4u);
}

TEST_F(RingHostile, StampOfAThreadThatNeverExistedIsCleared) {
  // A stamp naming no live thread holds slot 2 (free, nothing claimed): it is cleared, not obeyed forever.
  slot(2).claimant.store(pack(ProcessIdentity{4194303, 1}));
  auto r = ring_->push(item(9), 5s);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(*r, PushStatus::pushed);
  EXPECT_EQ(ring_->stats().stamps_cleared, 1u);
}

}  // namespace
}  // namespace shmc::ring
