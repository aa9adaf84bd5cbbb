// Geometry validated on open (issue 14, class 5): each field of a double
// buffer's header, forged on its own in a real segment, is refused with its
// specific error (the open used to give one message for all of them). A word
// count forged smaller used to open (it fits) and put the opener's second
// buffer inside the first one its peers used. Planted: that check removed (a
// test-only fault point); the forged count opens again and the test must say so.
//
// Not refusable, and why: a word count changed within the same cache lines (12
// and 16 words both take 128 bytes) moves no buffer; such a writer's writes of
// the creator's size are refused (invalid_argument), its reads copy a prefix.
// The writer word is judged by liveness, never trusted; of the control word only
// the buffer index (its low bit) is used to address memory.
#include <gtest/gtest.h>

#include "fixtures/double_buffer/double_buffer.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::double_buffer {
namespace {

using forging::Forgery;

Header& header(std::byte* p) { return forging::at<Header>(p, 0); }

std::vector<Forgery> forgeries() {
  // Created with 16 words: payload 64 + 2 * (64 + 128) = 448.
  return {
      {"magic", [](std::byte* p) { header(p).magic = 1; }, Errc::corrupt, "bad magic"},
      {"design word", [](std::byte* p) { header(p).design = static_cast<std::uint32_t>(Design::seed); }, Errc::corrupt,
       "disagrees with the segment's"},
      {"segment's design (the seed's)",
       [](std::byte* p) { forging::segment_header_of(p).fixture_version = static_cast<std::uint32_t>(Design::seed); },
       Errc::wrong_kind, "written by another design"},
      {"words 0", [](std::byte* p) { header(p).words = 0; }, Errc::corrupt, "0 words, outside 1.."},
      {"words past the maximum", [](std::byte* p) { header(p).words = kMaxWords + 1; }, Errc::corrupt,
       "4097 words, outside"},
      {"words 32, buffers for 16", [](std::byte* p) { header(p).words = 32; }, Errc::truncated,
       "two buffers of 32 words need"},
      {"words 8, buffers for 16", [](std::byte* p) { header(p).words = 8; }, Errc::corrupt,
       "two buffers of 8 words fill 320 bytes of a payload of 448"},
      {"payload shrunk under the header", [](std::byte* p) { forging::shrink_payload(p, 32); }, Errc::corrupt,
       "payload smaller than its header"},
  };
}

std::vector<std::string> forgeries_not_refused() {
  const std::string name = harness::unique_name("dbuf-forged");
  auto b = DoubleBuffer::create(name, 16);
  if (!b) return {"create: " + b.error().describe()};
  return forging::not_refused(name, SegmentKind::double_buffer, {}, forgeries(),
                              [&] { return forging::opened(DoubleBuffer::open(name)); });
}

SHMC_FORGED_HEADER_TESTS(DoubleBufferGeometry, forgeries_not_refused, "double_buffer/open/planted_skips_payload_check",
                         "words 8, buffers for 16: opened")

}  // namespace
}  // namespace shmc::double_buffer
