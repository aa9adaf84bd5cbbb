// A publisher killed at every crash point of claim, publish and repair: the
// readers keep the last complete value (status writer_died while the sequence
// is odd), and the next publisher takes the channel over, repairs it and
// publishes again. The interrupted value is never visible.
#include <gtest/gtest.h>

#include <cstring>

#include "fixtures/blackboard/blackboard.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/blackboard/blackboard_values.hpp"

namespace shmc::blackboard {
namespace {

using namespace testing;
using namespace std::chrono_literals;

constexpr std::size_t kWords = 12;

struct PointCase {
  const char* point;
  bool leaves_odd;  // the sequence is odd after the death
};

// In a child: claim channel 0 and publish value n, dying where `crash` says.
harness::ActorOutcome publish_in_child(const std::string& name, std::uint64_t n, harness::CrashPlan crash) {
  return harness::run_in_child(
      "publisher",
      [&](harness::ActorContext&) {
        auto b = Blackboard::open(name);
        SHMC_ACTOR_CHECK(b.ok());
        auto p = Publisher::claim(*b, 0);
        SHMC_ACTOR_CHECK(p.ok());
        SHMC_ACTOR_CHECK(p->publish(make_value(7, n, kWords)).ok());
        return 0;
      },
      10s, std::move(crash));
}

// The reader's view: the whole value n, with the expected status.
void expect_value(const Blackboard& b, long long n, ReadStatus status) {
  std::vector<std::uint64_t> out(kWords);
  auto r = b.read(0, out);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->status, status) << to_string(r->status);
  EXPECT_EQ(whole_value(std::span(out).first(r->words)), n) << "the reader got a torn or wrong value";
}

class BlackboardCrash : public ::testing::TestWithParam<PointCase> {};

TEST_P(BlackboardCrash, ReadersKeepTheLastCompleteValueAndANewPublisherRepairs) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  const auto name = harness::unique_name("bb-crash");
  auto b = Blackboard::create(name, {{"state", kWords}});
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(publish_in_child(name, 1, {}).ok());
  auto died = publish_in_child(name, 2, harness::CrashAt{GetParam().point, 1});
  ASSERT_EQ(died.end, harness::ActorOutcome::End::crashed_at_point) << died.describe();
  EXPECT_EQ(b->info(0)->seq & 1, GetParam().leaves_odd ? 1u : 0u);
  expect_value(*b, 1, GetParam().leaves_odd ? ReadStatus::writer_died : ReadStatus::fresh);

  auto p = Publisher::claim(*b, 0);
  ASSERT_TRUE(p.ok()) << p.error().describe();
  EXPECT_TRUE(p->took_over()) << "the dead publisher's identity was taken over";
  EXPECT_EQ(p->repaired(), GetParam().leaves_odd);
  expect_value(*b, 1, ReadStatus::fresh);
  ASSERT_TRUE(p->publish(make_value(8, 3, kWords)).ok());
  expect_value(*b, 3, ReadStatus::fresh);
}

INSTANTIATE_TEST_SUITE_P(EveryPublishPoint, BlackboardCrash,
                         ::testing::Values(PointCase{"blackboard/claim/taken", false},
                                           PointCase{"blackboard/publish/undo_half", false},
                                           PointCase{"blackboard/publish/undo_saved", false},
                                           PointCase{"blackboard/publish/odd", true},
                                           PointCase{"blackboard/publish/live_half", true},
                                           PointCase{"blackboard/publish/live_written", true}),
                         [](const auto& info) {
                           std::string s = info.param.point;
                           for (char& c : s) c = (c == '/') ? '_' : c;
                           return s;
                         });

class BlackboardRepairCrash : public ::testing::TestWithParam<const char*> {};

// A repairer killed mid-repair leaves the channel as it found it: the next one repairs again.
TEST_P(BlackboardRepairCrash, ARepairerKilledMidRepairIsRepairedAgain) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  const auto name = harness::unique_name("bb-repair");
  auto b = Blackboard::create(name, {{"state", kWords}});
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(publish_in_child(name, 1, {}).ok());
  ASSERT_EQ(publish_in_child(name, 2, harness::CrashAt{"blackboard/publish/live_half", 1}).end,
            harness::ActorOutcome::End::crashed_at_point);
  auto died = publish_in_child(name, 3, harness::CrashAt{GetParam(), 1});
  ASSERT_EQ(died.end, harness::ActorOutcome::End::crashed_at_point) << died.describe();
  expect_value(*b, 1, ReadStatus::writer_died);
  auto p = Publisher::claim(*b, 0);
  ASSERT_TRUE(p.ok()) << p.error().describe();
  EXPECT_TRUE(p->repaired());
  expect_value(*b, 1, ReadStatus::fresh);
}

INSTANTIATE_TEST_SUITE_P(EveryRepairPoint, BlackboardRepairCrash,
                         ::testing::Values("blackboard/repair/live_half", "blackboard/repair/live_restored"),
                         [](const auto& info) { return std::string(info.param).substr(18); });

TEST(BlackboardCrash, ALivePublisherIsNeverTakenOverAndReadersSeeItBusy) {
  const auto name = harness::unique_name("bb-live");
  auto b = Blackboard::create(name, {{"state", kWords}});
  ASSERT_TRUE(b.ok());
  auto p = Publisher::claim(*b, 0);
  ASSERT_TRUE(p.ok());
  ASSERT_TRUE(p->publish(make_value(1, 1, kWords)).ok());
  // As if our publish were in progress: odd sequence, live publisher.
  auto* d = reinterpret_cast<ChannelDesc*>(b->segment().payload() + sizeof(BoardHeader));
  d->seq.fetch_add(1);
  auto undo_copy = [&] {  // the undo block must hold the complete value while odd
    auto* live = reinterpret_cast<std::byte*>(b->segment().payload()) + d->live_offset;
    std::memcpy(live + block_bytes(kWords), live, block_bytes(kWords));
  };
  undo_copy();
  auto other = harness::run_in_child(
      "claimant",
      [&](harness::ActorContext&) {
        auto bb = Blackboard::open(name);
        SHMC_ACTOR_CHECK(bb.ok());
        auto q = Publisher::claim(*bb, 0);
        SHMC_ACTOR_CHECK(!q.ok() && q.error().code == Errc::already_exists);
        std::vector<std::uint64_t> out(kWords);
        auto r = bb->read(0, out);
        SHMC_ACTOR_CHECK(r.ok() && r->status == ReadStatus::writer_busy && whole_value(out) == 1);
        return 0;
      },
      10s);
  EXPECT_TRUE(other.ok()) << other.describe();
  d->seq.fetch_add(1);
}

}  // namespace
}  // namespace shmc::blackboard
