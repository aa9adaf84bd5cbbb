// Single-process behaviour of the ring: creation, opening, argument checks,
// FIFO order, full and empty as results, bounded blocking calls.
#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstring>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;

std::array<std::byte, 8> bytes_of(std::uint64_t v) {
  std::array<std::byte, 8> b{};
  std::memcpy(b.data(), &v, sizeof v);
  return b;
}

std::uint64_t value_of(const std::array<std::byte, 16>& b) {
  std::uint64_t v = 0;
  std::memcpy(&v, b.data(), sizeof v);
  return v;
}

TEST(RingBasic, RejectsBadGeometry) {
  for (RingConfig bad : {RingConfig{0, 8}, RingConfig{1, 8}, RingConfig{3, 8}, RingConfig{kMaxCapacity * 2, 8},
                         RingConfig{4, 0}, RingConfig{4, kMaxSlotSize + 1}}) {
    auto r = Ring::create(harness::unique_name("ring"), bad);
    ASSERT_FALSE(r) << bad.capacity << " x " << bad.slot_size;
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().describe();
  }
}

TEST(RingBasic, FifoFullAndEmptyAreResults) {
  auto ring = Ring::create(harness::unique_name("ring"), {4, 16});
  ASSERT_TRUE(ring) << ring.error().describe();
  std::array<std::byte, 16> out{};
  auto empty = ring->try_pop(out);
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, PopStatus::empty);
  for (std::uint64_t i = 0; i < 4; ++i) {
    auto r = ring->try_push(bytes_of(i));
    ASSERT_TRUE(r);
    EXPECT_EQ(*r, PushStatus::pushed);
  }
  auto full = ring->try_push(bytes_of(99));
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, PushStatus::full);
  for (std::uint64_t i = 0; i < 4; ++i) {
    auto r = ring->try_pop(out);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, PopStatus::popped);
    EXPECT_EQ(r->size, 8u);
    EXPECT_EQ(value_of(out), i);
  }
  EXPECT_TRUE(ring->validate()) << ring->validate().error().describe();
}

TEST(RingBasic, RejectsBadMessageAndBufferSizes) {
  auto ring = Ring::create(harness::unique_name("ring"), {4, 16});
  ASSERT_TRUE(ring);
  std::array<std::byte, 17> big{};
  auto too_big = ring->try_push(big);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, Errc::invalid_argument);
  auto none = ring->push(std::span<const std::byte>{}, 1ms);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::invalid_argument);
  std::array<std::byte, 8> small{};
  auto small_pop = ring->pop(small, 1ms);
  ASSERT_FALSE(small_pop);
  EXPECT_EQ(small_pop.error().code, Errc::invalid_argument);
}

TEST(RingBasic, BlockingCallsReturnAtTheirDeadline) {
  auto ring = Ring::create(harness::unique_name("ring"), {2, 8});
  ASSERT_TRUE(ring);
  std::array<std::byte, 8> out{};
  const auto t0 = std::chrono::steady_clock::now();
  auto empty = ring->pop(out, 30ms);
  const auto waited = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, PopStatus::empty);
  EXPECT_GE(waited, 30ms);
  EXPECT_LT(waited, 2s);
  ASSERT_EQ(ring->push(bytes_of(1), 0ms).value(), PushStatus::pushed);
  ASSERT_EQ(ring->push(bytes_of(2), 0ms).value(), PushStatus::pushed);
  auto full = ring->push(bytes_of(3), 30ms);
  ASSERT_TRUE(full);
  EXPECT_EQ(*full, PushStatus::full);
}

TEST(RingBasic, OpenSeesTheCreatorsItemsAndGeometry) {
  const auto name = harness::unique_name("ring");
  auto created = Ring::create(name, {8, 32});
  ASSERT_TRUE(created);
  ASSERT_EQ(created->try_push(bytes_of(7)).value(), PushStatus::pushed);
  auto opened = Ring::open(name);
  ASSERT_TRUE(opened) << opened.error().describe();
  EXPECT_EQ(opened->capacity(), 8u);
  EXPECT_EQ(opened->slot_size(), 32u);
  std::array<std::byte, 32> out{};
  auto r = opened->try_pop(out);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, PopStatus::popped);
  std::uint64_t v = 0;
  std::memcpy(&v, out.data(), sizeof v);
  EXPECT_EQ(v, 7u);
}

TEST(RingBasic, VariantsDoNotOpenEachOther) {
  const auto name = harness::unique_name("ring");
  auto robust = Ring::create(name, {4, 8});
  ASSERT_TRUE(robust);
  auto as_plain = NonRobustRing::open(name);
  ASSERT_FALSE(as_plain);
  EXPECT_EQ(as_plain.error().code, Errc::wrong_kind) << as_plain.error().describe();
}

TEST(RingBasic, NonRobustRingIsTheSameQueue) {
  auto ring = NonRobustRing::create(harness::unique_name("ring"), {2, 8});
  ASSERT_TRUE(ring);
  std::array<std::byte, 8> out{};
  for (std::uint64_t i = 0; i < 10; ++i) {
    ASSERT_EQ(ring->try_push(bytes_of(i)).value(), PushStatus::pushed);
    auto r = ring->try_pop(out);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, PopStatus::popped);
    std::uint64_t v = 0;
    std::memcpy(&v, out.data(), sizeof v);
    EXPECT_EQ(v, i);
  }
  auto report = ring->unblock();
  ASSERT_TRUE(report);
  EXPECT_EQ(report->inspected, 0u);
}

}  // namespace
}  // namespace shmc::ring
