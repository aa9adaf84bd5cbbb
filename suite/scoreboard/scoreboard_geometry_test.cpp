// Geometry validated on open (issue 14, class 5): each field of a scoreboard's
// header, forged on its own in a real segment, is refused with its specific
// error. A slot count forged smaller used to open (it fits) and hid the slots
// past it: a claimant never looked there and a monitor never showed their
// workers. Planted: that check removed (a test-only fault point); the forged
// count opens again and the test must say so.
//
// Not validated, and why: a slot's words are the protocol's own (an owner word
// is judged by liveness, never trusted; an odd generation is shown as
// "claiming"; counters are any value a worker may add up to).
#include <gtest/gtest.h>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::scoreboard {
namespace {

using forging::Forgery;

BoardHeader& header(std::byte* p) { return forging::at<BoardHeader>(p, 0); }

std::vector<Forgery> forgeries() {
  // Created with 4 slots: payload 64 + 4 * 64.
  return {
      {"magic", [](std::byte* p) { header(p).magic = 1; }, Errc::corrupt, "bad scoreboard magic"},
      {"owner kind junk", [](std::byte* p) { header(p).owner_kind = 7; }, Errc::corrupt,
       "owner kind 7 is neither identity nor bare PID"},
      {"owner kind of the bare-PID board",
       [](std::byte* p) { header(p).owner_kind = static_cast<std::uint32_t>(OwnerKind::bare_pid); }, Errc::wrong_kind,
       "records its owners another way"},
      {"slot count 0", [](std::byte* p) { header(p).slot_count = 0; }, Errc::corrupt, "slot count 0 does not fit"},
      {"slot count past the maximum", [](std::byte* p) { header(p).slot_count = kMaxSlots + 1; }, Errc::corrupt,
       "slot count 4097 does not fit"},
      {"slot count 5, payload for 4", [](std::byte* p) { header(p).slot_count = 5; }, Errc::corrupt,
       "slot count 5 does not fit"},
      {"slot count 3, payload for 4", [](std::byte* p) { header(p).slot_count = 3; }, Errc::corrupt,
       "slot count 3 fills 256 bytes of a payload of 320"},
      {"payload shrunk under the header", [](std::byte* p) { forging::shrink_payload(p, 32); }, Errc::corrupt,
       "payload smaller than its header"},
      {"payload layout version", [](std::byte* p) { forging::segment_header_of(p).fixture_version = 2; },
       Errc::layout_mismatch, "payload layout version 2"},
  };
}

std::vector<std::string> forgeries_not_refused() {
  const std::string name = harness::unique_name("sb-forged");
  auto b = Scoreboard::create(name, 4);
  if (!b) return {"create: " + b.error().describe()};
  return forging::not_refused(name, SegmentKind::scoreboard, {}, forgeries(),
                              [&] { return forging::opened(Scoreboard::open(name)); });
}

SHMC_FORGED_HEADER_TESTS(ScoreboardGeometry, forgeries_not_refused, "scoreboard/open/planted_skips_payload_check",
                         "slot count 3, payload for 4: opened")

}  // namespace
}  // namespace shmc::scoreboard
