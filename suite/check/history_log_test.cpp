// The shared-memory history log: round trip, bounds, misuse, and records that
// stay whole when the writer is SIGKILLed at an arbitrary moment.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include "shmconform/harness/actors.hpp"
#include "harness/check/fingerprint_set.hpp"
#include "shmconform/history/history_log.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::history {
namespace {

using namespace std::chrono_literals;

HistoryLog make(std::uint32_t actors, std::uint32_t capacity) {
  auto log = HistoryLog::create(harness::unique_name("hist"), actors, capacity);
  if (!log) throw std::runtime_error(log.error().describe());
  return std::move(log).value();
}

TEST(HistoryLog, RoundTripWithPendingLastOperation) {
  auto log = make(2, 16);
  auto r0 = log.recorder(0), r1 = log.recorder(1);
  ASSERT_TRUE(r0.invoke(1, 10, 11).ok());
  ASSERT_TRUE(r1.invoke(2).ok());
  ASSERT_TRUE(r0.complete(0).ok());
  ASSERT_TRUE(r1.complete(2, 7, 8).ok());
  ASSERT_TRUE(r1.invoke(2).ok());  // never completes: as if the actor died
  auto h = log.collect();
  ASSERT_TRUE(h.ok()) << h.error().describe();
  ASSERT_EQ(h->size(), 3u);
  const auto& a = (*h)[0];
  EXPECT_EQ(a.actor, 0);
  EXPECT_EQ(a.code, 1u);
  EXPECT_EQ(a.arg[0], 10u);
  EXPECT_EQ(a.arg[1], 11u);
  EXPECT_FALSE(a.pending);
  EXPECT_LT(a.invoke, (*h)[1].invoke);  // one clock across actors
  EXPECT_LT((*h)[1].invoke, a.ret);
  EXPECT_EQ((*h)[1].value[0], 7u);
  EXPECT_TRUE((*h)[2].pending);
}

TEST(HistoryLog, FullLogIsAClearErrorNotAnOverwrite) {
  auto log = make(1, 5);
  auto r = log.recorder(0);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(r.invoke(1, static_cast<std::uint64_t>(i)).ok());
    ASSERT_TRUE(r.complete(0).ok());
  }
  auto full = r.invoke(1, 99);  // 4 of 5 used: no room for an invoke and its return
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().message.find("history log full"), std::string::npos) << full.error().message;
  auto h = log.collect();
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->size(), 2u);
  EXPECT_EQ(h->back().arg[0], 1u);
}

TEST(HistoryLog, MisuseIsRefused) {
  auto log = make(1, 8);
  auto r = log.recorder(0);
  EXPECT_FALSE(r.complete(0).ok());
  ASSERT_TRUE(r.invoke(1).ok());
  EXPECT_FALSE(r.invoke(1).ok());
  EXPECT_THROW((void)log.recorder(1), std::out_of_range);
  EXPECT_FALSE(HistoryLog::create(harness::unique_name("hist"), 0, 8).ok());
  EXPECT_FALSE(HistoryLog::create(harness::unique_name("hist"), 1, 1).ok());
}

TEST(HistoryLog, AnotherProcessReadsItByName) {
  auto log = make(1, 8);
  auto r = log.recorder(0);
  ASSERT_TRUE(r.invoke(3, 4).ok());
  auto other = HistoryLog::open(log.name());
  ASSERT_TRUE(other.ok()) << other.error().describe();
  auto h = other->collect();
  ASSERT_TRUE(h.ok());
  ASSERT_EQ(h->size(), 1u);
  EXPECT_TRUE(h->front().pending);
}

TEST(HistoryLog, ScribbledLogIsReportedCorrupt) {
  auto log = make(1, 8);
  auto r = log.recorder(0);
  ASSERT_TRUE(r.invoke(1).ok());
  ASSERT_TRUE(r.complete(0).ok());
  auto other = HistoryLog::open(log.name());
  ASSERT_TRUE(other.ok());
  // Reach the first record through a second mapping, as a stray writer would.
  auto seg = Segment::open(log.name(), SegmentKind::history);
  ASSERT_TRUE(seg.ok());
  auto* rec = reinterpret_cast<Record*>(seg->payload() + records_offset(1));
  rec[1].kind = kInvokeRecord;
  auto h = other->collect();
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code, Errc::corrupt);
}

// Words a record must carry, so a torn record would be noticed.
std::uint64_t expected(std::uint64_t i) { return check::splitmix64(i); }

TEST(HistoryLog, RecordsAreWholeAfterTheWriterIsKilled) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "no crash plans in this build";
  for (std::uint64_t delay_us : {0, 150, 600, 2000}) {
    auto log = make(1, 1u << 18);
    harness::Actors actors;
    actors.add("writer", [&](harness::ActorContext& ctx) {
      auto rec = log.recorder(ctx.index());
      for (std::uint64_t i = 0;; ++i) {
        if (!rec.invoke(1, i, expected(i)).ok()) return 0;  // full: stop, the test still checks the records
        if (!rec.complete(0, expected(i) ^ 1, i).ok()) return 1;
      }
    }, harness::KillAfter{std::chrono::microseconds(delay_us)});
    auto outcomes = actors.run(10s);
    ASSERT_TRUE(harness::all_ok_or_planned_kill(outcomes)) << harness::describe(outcomes);
    auto h = log.collect();
    ASSERT_TRUE(h.ok()) << h.error().describe();
    for (std::size_t i = 0; i < h->size(); ++i) {
      const auto& op = (*h)[i];
      ASSERT_EQ(op.arg[0], i);
      ASSERT_EQ(op.arg[1], expected(i));
      if (i + 1 < h->size()) {
        ASSERT_FALSE(op.pending) << "only the last operation may be pending";
        ASSERT_EQ(op.value[0], expected(i) ^ 1);
        ASSERT_EQ(op.value[1], i);
      } else if (!op.pending) {
        ASSERT_EQ(op.value[0], expected(i) ^ 1);
      }
    }
  }
}

}  // namespace
}  // namespace shmc::history
