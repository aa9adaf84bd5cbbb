// Geometry validated on open (issue 14, class 5), for the crash-surviving history
// log: each header field forged on its own is refused with its own error, and a
// record count past the capacity by collect(). Sizes forged smaller than the
// payload used to open (they fit) and made the reader take one actor's records
// from another's place; a header scribbled after open re-sized what the reader
// and the writers indexed (actors(), capacity() read it each time), and a
// scribbled record count sent a writer's complete() past its records. Planted:
// the payload check removed (a test-only fault point); the smaller actor count
// opens again and the test must say so.
#include <gtest/gtest.h>

#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/history/history_log.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::history {
namespace {

using forging::at;
using forging::Forgery;

constexpr std::uint32_t kActors = 2, kCapacity = 8;  // payload 128 + 2 * 64 + 2 * 8 * 32 = 768 bytes

LogHeader& header(std::byte* p) { return at<LogHeader>(p, 0); }
ActorSlot& slot(std::byte* p, std::size_t actor) { return at<ActorSlot>(p, slots_offset() + actor * sizeof(ActorSlot)); }

std::vector<Forgery> forgeries() {
  return {
      {"magic", [](std::byte* p) { header(p).magic = 0x1234; }, Errc::corrupt, "bad history log magic"},
      {"version", [](std::byte* p) { header(p).version = 9; }, Errc::layout_mismatch, "log layout version 9"},
      {"actors 0", [](std::byte* p) { header(p).actors = 0; }, Errc::corrupt, "0 actors"},
      {"actors past the maximum", [](std::byte* p) { header(p).actors = 1u << 20; }, Errc::corrupt, "outside 1.."},
      {"actors 3, payload for 2", [](std::byte* p) { header(p).actors = 3; }, Errc::truncated, "3 actors x 8 records need"},
      {"actors 1, payload for 2", [](std::byte* p) { header(p).actors = 1; }, Errc::corrupt, "1 actors x 8 records fill"},
      {"capacity 1", [](std::byte* p) { header(p).capacity = 1; }, Errc::corrupt, "capacity 1 records"},
      {"capacity 16, payload for 8", [](std::byte* p) { header(p).capacity = 16; }, Errc::truncated, "x 16 records need"},
      {"capacity 4, payload for 8", [](std::byte* p) { header(p).capacity = 4; }, Errc::corrupt, "x 4 records fill"},
      {"payload shrunk under the header", [](std::byte* p) { forging::shrink_payload(p, 64); }, Errc::truncated,
       "payload smaller than its header"},
      // Counts change while writers run: refused by the reader, not at open.
      {"record count past the capacity", [](std::byte* p) { slot(p, 1).count = kCapacity + 2; }, Errc::corrupt,
       "actor 1: 10 records published, capacity 8"},
  };
}

std::vector<std::string> forgeries_not_refused() {
  const std::string name = harness::unique_name("hist-forged");
  auto log = HistoryLog::create(name, kActors, kCapacity);
  if (!log) return {"create: " + log.error().describe()};
  return forging::not_refused(name, SegmentKind::history, {}, forgeries(), [&] {
    return forging::opened_then(HistoryLog::open(name), [](HistoryLog& opened) { return opened.collect(); });
  });
}

SHMC_FORGED_HEADER_TESTS(HistoryGeometry, forgeries_not_refused, "history/open/planted_skips_size_check",
                         "actors 1, payload for 2: opened")

TEST(HistoryGeometry, AHeaderScribbledAfterOpenMovesNeitherReaderNorWriter) {
  const std::string name = harness::unique_name("hist-scribbled");
  auto log = HistoryLog::create(name, kActors, kCapacity);
  ASSERT_TRUE(log) << log.error().describe();
  auto reader = HistoryLog::open(name);
  ASSERT_TRUE(reader) << reader.error().describe();
  auto rec = log->recorder(1);
  ASSERT_TRUE(rec.invoke(1).ok());
  auto seg = Segment::open(name, SegmentKind::history);
  ASSERT_TRUE(seg) << seg.error().describe();
  header(seg->payload()).actors = 4000;
  header(seg->payload()).capacity = 1u << 30;
  EXPECT_EQ(reader->actors(), kActors);
  EXPECT_EQ(reader->capacity(), kCapacity);
  auto h = reader->collect();  // under ASan, a reader indexing with the scribbled sizes reads past the mapping
  ASSERT_TRUE(h) << h.error().describe();
  EXPECT_EQ(h->size(), 1u);
  ASSERT_TRUE(rec.complete(0).ok());
  for (int i = 0; i < 3; ++i) {  // the writer's room is its validated capacity, not the header's
    ASSERT_TRUE(rec.invoke(1).ok());
    ASSERT_TRUE(rec.complete(0).ok());
  }
  auto full = rec.invoke(1);
  ASSERT_FALSE(full.ok());
  EXPECT_NE(full.error().describe().find("history log full"), std::string::npos) << full.error().describe();
}

TEST(HistoryGeometry, AScribbledRecordCountNeverSendsAWriterPastItsRecords) {
  const std::string name = harness::unique_name("hist-count");
  auto log = HistoryLog::create(name, kActors, kCapacity);
  ASSERT_TRUE(log) << log.error().describe();
  auto seg = Segment::open(name, SegmentKind::history);
  ASSERT_TRUE(seg) << seg.error().describe();
  auto rec = log->recorder(0);
  slot(seg->payload(), 0).count = 1001;  // odd: "an operation is outstanding", far past the records
  auto done = rec.complete(0);
  ASSERT_FALSE(done.ok()) << "complete() wrote record 1001 of 8";
  EXPECT_EQ(done.error().code, Errc::corrupt) << done.error().describe();
  slot(seg->payload(), 0).count = ~std::uint64_t{1};  // even, and 2 short of wrapping
  auto started = rec.invoke(1);
  ASSERT_FALSE(started.ok()) << "invoke() wrote a record near index 2^64";
  EXPECT_NE(started.error().describe().find("history log full"), std::string::npos) << started.error().describe();
}

}  // namespace
}  // namespace shmc::history
