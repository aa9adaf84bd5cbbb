// Geometry validated on open (issue 14, class 5): each field of a blackboard's
// header and descriptors, forged on its own in a real segment, is refused with
// its specific error. Two holes this closed: the last channel's capacity forged
// smaller still fitted the payload, and put the opener's undo block inside the
// live block its peers used; and every read or publish re-read the descriptor's
// offset and capacity from shared memory, so a descriptor scribbled after open
// sent the copies outside the mapping. Planted: the check that the channels
// fill the payload removed (a test-only fault point); the forged capacity opens
// again and the test must say so.
//
// Not refusable: a capacity changed within the same block size (4 words and 5
// both take one cache line) moves nothing; a reader holding the forged one
// refuses a longer honest value as corrupt, it never copies past its buffer.
#include <gtest/gtest.h>

#include <cstring>

#include "fixtures/blackboard/blackboard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::blackboard {
namespace {

using forging::at;
using forging::Forgery;

// Header 64, two descriptors 256: channel 0 (4 words) at 320, two 64-byte blocks; channel 1 (8 words) at
// 448, two 128-byte blocks; payload 704.
const std::vector<ChannelSpec> kChannels = {{"a", 4}, {"b", 8}};

BoardHeader& header(std::byte* p) { return at<BoardHeader>(p, 0); }
ChannelDesc& desc(std::byte* p, std::size_t ch) { return at<ChannelDesc>(p, sizeof(BoardHeader) + ch * sizeof(ChannelDesc)); }

std::vector<Forgery> forgeries() {
  return {
      {"magic", [](std::byte* p) { header(p).magic = 1; }, Errc::corrupt, "bad blackboard magic"},
      {"channel count 0", [](std::byte* p) { header(p).channel_count = 0; }, Errc::corrupt, "channel count 0"},
      {"channel count past the maximum", [](std::byte* p) { header(p).channel_count = kMaxChannels + 1; },
       Errc::corrupt, "channel count 257"},
      {"channel count 3", [](std::byte* p) { header(p).channel_count = 3; }, Errc::corrupt, "data bytes 384 but 256"},
      {"channel count 1", [](std::byte* p) { header(p).channel_count = 1; }, Errc::corrupt, "data bytes 384 but 512"},
      {"data bytes", [](std::byte* p) { header(p).data_bytes = 100; }, Errc::corrupt, "data bytes 100"},
      {"channel count 1 with its data bytes",
       [](std::byte* p) {
         header(p).channel_count = 1;
         header(p).data_bytes = 512;
       },
       Errc::corrupt, "channel 0 block offset out of place"},
      {"name without its NUL", [](std::byte* p) { std::memset(desc(p, 1).name, 'x', kNameBytes); }, Errc::corrupt,
       "channel 1 has no NUL-terminated name"},
      {"empty name", [](std::byte* p) { desc(p, 0).name[0] = '\0'; }, Errc::corrupt,
       "channel 0 has no NUL-terminated name"},
      {"capacity 0", [](std::byte* p) { desc(p, 1).capacity_words = 0; }, Errc::corrupt, "channel 1 capacity 0"},
      {"capacity past the maximum", [](std::byte* p) { desc(p, 1).capacity_words = kMaxValueWords + 1; },
       Errc::corrupt, "channel 1 capacity 4097"},
      {"first channel's capacity grown", [](std::byte* p) { desc(p, 0).capacity_words = 8; }, Errc::corrupt,
       "channel 1 block offset out of place"},
      {"last channel's capacity grown", [](std::byte* p) { desc(p, 1).capacity_words = 16; }, Errc::corrupt,
       "channel 1 blocks run past the payload"},
      {"last channel's capacity 2, blocks for 8", [](std::byte* p) { desc(p, 1).capacity_words = 2; }, Errc::corrupt,
       "channel blocks end at 576 of a payload of 704"},
      {"live offset", [](std::byte* p) { desc(p, 0).live_offset += 64; }, Errc::corrupt,
       "channel 0 block offset out of place"},
      {"payload shrunk under the header", [](std::byte* p) { forging::shrink_payload(p, 32); }, Errc::corrupt,
       "payload smaller than its header"},
      {"payload shrunk under the descriptors", [](std::byte* p) { forging::shrink_payload(p, 128); }, Errc::corrupt,
       "descriptors run past the payload"},
      {"payload layout version", [](std::byte* p) { forging::segment_header_of(p).fixture_version = 2; },
       Errc::layout_mismatch, "payload layout version 2"},
  };
}

std::vector<std::string> forgeries_not_refused() {
  const std::string name = harness::unique_name("bb-forged");
  auto b = Blackboard::create(name, kChannels);
  if (!b) return {"create: " + b.error().describe()};
  return forging::not_refused(name, SegmentKind::blackboard, {}, forgeries(),
                              [&] { return forging::opened(Blackboard::open(name)); });
}

SHMC_FORGED_HEADER_TESTS(BlackboardGeometry, forgeries_not_refused, "blackboard/open/planted_skips_payload_check",
                         "last channel's capacity 2, blocks for 8: opened")

TEST(BlackboardGeometry, ADescriptorScribbledAfterOpenMovesNoCopy) {
  const std::string name = harness::unique_name("bb-scribbled");
  auto b = Blackboard::create(name, kChannels);
  ASSERT_TRUE(b) << b.error().describe();
  auto reader = Blackboard::open(name);
  ASSERT_TRUE(reader) << reader.error().describe();
  auto p = Publisher::claim(*b, 1);
  ASSERT_TRUE(p) << p.error().describe();
  auto seg = Segment::open(name, SegmentKind::blackboard);
  ASSERT_TRUE(seg) << seg.error().describe();
  desc(seg->payload(), 1).live_offset = 0xfffff000u;  // under ASan, a copy through these reads past the mapping
  desc(seg->payload(), 1).capacity_words = kMaxValueWords;
  const std::vector<std::uint64_t> value = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_TRUE(p->publish(value)) << "the publisher's capacity is the one it validated";
  EXPECT_FALSE(p->publish(std::vector<std::uint64_t>(9, 1))) << "not the scribbled one";
  std::vector<std::uint64_t> out(8);
  auto r = reader->read(1, out);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->status, ReadStatus::fresh);
  EXPECT_EQ(out, value);
  EXPECT_EQ(reader->info(1)->capacity_words, 8u);
}

}  // namespace
}  // namespace shmc::blackboard
