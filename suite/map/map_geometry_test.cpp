// Geometry validated on open (issue 14, class 5): each field of a map's header
// forged on its own in a real segment is refused with its specific error. A
// capacity forged smaller than the payload used to open (it fits), and every
// key then hashed to another home bucket than its peers used: keys they wrote
// were "not found". Planted: that check removed (a test-only fault point); the
// forged capacity opens again and the test must say so.
//
// Not forgeable into a refusal: a key or value size changed within the same
// number of 64-bit words (stride and payload unchanged). Keys and values are
// compared and copied in whole zero-padded words, so such a peer refuses keys
// of the creator's size (invalid_argument) and never indexes past a bucket.
#include <gtest/gtest.h>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::map {
namespace {

using forging::at;
using forging::Forgery;

MapHeader& header(std::byte* p) { return at<MapHeader>(p, 0); }

std::vector<Forgery> forgeries() {
  // Created with capacity 8, 8-byte keys and values: stride 64, payload 64 + 8 * 64.
  return {
      {"magic", [](std::byte* p) { header(p).magic = 0xdeadbeef; }, Errc::corrupt, "bad map magic"},
      {"lock kind junk", [](std::byte* p) { header(p).lock_kind = 7; }, Errc::corrupt, "unknown lock kind"},
      {"lock kind of the plain variant",
       [](std::byte* p) { header(p).lock_kind = static_cast<std::uint32_t>(LockKind::plain); }, Errc::wrong_kind,
       "other bucket lock protocol"},
      {"capacity 0", [](std::byte* p) { header(p).capacity = 0; }, Errc::corrupt, "capacity 0 is outside"},
      {"capacity past the maximum", [](std::byte* p) { header(p).capacity = 0xffffffff; }, Errc::corrupt,
       "is outside 1.."},
      {"capacity past the payload", [](std::byte* p) { header(p).capacity = 1000; }, Errc::truncated,
       "1000 buckets need"},
      {"capacity 4, payload for 8", [](std::byte* p) { header(p).capacity = 4; }, Errc::corrupt,
       "4 buckets fill"},
      {"capacity 7, payload for 8", [](std::byte* p) { header(p).capacity = 7; }, Errc::corrupt,
       "7 buckets fill"},
      {"key size 0", [](std::byte* p) { header(p).key_size = 0; }, Errc::corrupt, "key size 0"},
      {"key size past the maximum", [](std::byte* p) { header(p).key_size = kMaxKeySize + 1; }, Errc::corrupt,
       "key size"},
      {"value size past the maximum", [](std::byte* p) { header(p).value_size = 1u << 30; }, Errc::corrupt,
       "value size"},
      {"value size alone (stride disagrees)", [](std::byte* p) { header(p).value_size = 24; }, Errc::corrupt,
       "bucket stride 64 does not match"},
      {"stride alone", [](std::byte* p) { header(p).bucket_stride = 8; }, Errc::corrupt, "bucket stride 8"},
      {"value size and stride grown together",
       [](std::byte* p) {
         header(p).value_size = 16;
         header(p).bucket_stride = bucket_stride_for(8, 16);
       },
       Errc::truncated, "8 buckets need"},
      {"value size and stride shrunk together",
       [](std::byte* p) {
         header(p).value_size = 0;
         header(p).bucket_stride = bucket_stride_for(8, 0);
       },
       Errc::corrupt, "8 buckets fill"},
      {"payload shrunk under the header", [](std::byte* p) { forging::shrink_payload(p, 32); }, Errc::truncated,
       "cannot hold the map header"},
      {"payload layout version", [](std::byte* p) { forging::segment_header_of(p).fixture_version = 2; },
       Errc::layout_mismatch, "payload layout version 2"},
  };
}

std::vector<std::string> forgeries_not_refused() {
  const std::string name = harness::unique_name("map-forged");
  auto m = Map::create(name, {.capacity = 8});
  if (!m) return {"create: " + m.error().describe()};
  return forging::not_refused(name, SegmentKind::map, {}, forgeries(),
                              [&] { return forging::opened(Map::open(name)); });
}

SHMC_FORGED_HEADER_TESTS(MapGeometry, forgeries_not_refused, "map/open/planted_skips_payload_check",
                         "capacity 4, payload for 8: opened")

}  // namespace
}  // namespace shmc::map
