// Geometry validated on open (issue 14, class 5): a segment whose ring header was
// forged, one field at a time, is refused with the specific error, whatever the
// forgery (geometry, offsets, variant). Planted: the check of the geometry against
// the segment's payload size is removed; a capacity that is still a power of two,
// with no room for its slots, then opens, and the test must catch it.
#include <gtest/gtest.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"

namespace shmc::ring {
namespace {

struct Forgery {
  const char* what;
  std::function<void(RingHeader&)> forge;
  Errc want;
};

std::vector<Forgery> forgeries() {
  return {
      {"capacity 8, payload for 4", [](RingHeader& h) { h.capacity = 8; }, Errc::truncated},
      {"capacity 2, payload for 4", [](RingHeader& h) { h.capacity = 2; }, Errc::truncated},
      {"capacity 0", [](RingHeader& h) { h.capacity = 0; }, Errc::corrupt},
      {"capacity 3 (not a power of two)", [](RingHeader& h) { h.capacity = 3; }, Errc::corrupt},
      {"capacity past the maximum", [](RingHeader& h) { h.capacity = kMaxCapacity * 2; }, Errc::corrupt},
      {"slot size 0", [](RingHeader& h) { h.slot_size = 0; }, Errc::corrupt},
      {"slot size past the maximum", [](RingHeader& h) { h.slot_size = kMaxSlotSize + 1; }, Errc::corrupt},
      {"slot size and stride both grown, payload unchanged",
       [](RingHeader& h) {
         h.slot_size = 1000;
         h.slot_stride = slot_stride_for(1000);
       },
       Errc::truncated},
      {"slot size alone (stride disagrees)", [](RingHeader& h) { h.slot_size = 200; }, Errc::corrupt},
      {"slot stride", [](RingHeader& h) { h.slot_stride += 64; }, Errc::corrupt},
      {"slots offset", [](RingHeader& h) { h.slots_offset += 64; }, Errc::corrupt},
      {"variant junk", [](RingHeader& h) { h.variant = 12345; }, Errc::corrupt},
      {"variant of the other ring", [](RingHeader& h) { h.variant = static_cast<std::uint32_t>(Variant::non_robust); },
       Errc::wrong_kind},
  };
}

// One line per forgery that was not refused with its specific error; empty when all were.
std::vector<std::string> forgeries_not_refused() {
  std::vector<std::string> missed;
  const std::string name = harness::unique_name("ring-forged");
  auto ring = Ring::create(name, {4, 16});
  if (!ring) return {"create: " + ring.error().describe()};
  auto& header = *reinterpret_cast<RingHeader*>(ring->segment().payload());
  struct Line0 {
    std::uint32_t variant, capacity, slot_size, slot_stride;
    std::uint64_t slots_offset;
  };
  const Line0 saved{header.variant, header.capacity, header.slot_size, header.slot_stride, header.slots_offset};
  for (const Forgery& f : forgeries()) {
    f.forge(header);
    auto opened = Ring::open(name);
    if (opened) missed.push_back(std::string(f.what) + ": opened");
    else if (opened.error().code != f.want)
      missed.push_back(std::string(f.what) + ": " + opened.error().describe());
    header.variant = saved.variant, header.capacity = saved.capacity, header.slot_size = saved.slot_size;
    header.slot_stride = saved.slot_stride, header.slots_offset = saved.slots_offset;
  }
  if (!Ring::open(name)) missed.push_back("the restored header no longer opens");
  return missed;
}

std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

TEST(RingGeometry, EachForgedHeaderFieldIsRefusedWithItsError) {
  auto missed = forgeries_not_refused();
  EXPECT_TRUE(missed.empty()) << lines(missed);
}

TEST(RingGeometry, PlantedOpenWithoutThePayloadCheckIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  std::vector<std::string> missed;
  {
    harness::ScopedFault plant("ring/open/planted_skips_payload_check", 0);
    missed = forgeries_not_refused();
  }
  EXPECT_NE(lines(missed).find("capacity 8, payload for 4: opened"), std::string::npos)
      << "a ring with no room for its slots opened unnoticed; missed:\n" << lines(missed);
}

}  // namespace
}  // namespace shmc::ring
