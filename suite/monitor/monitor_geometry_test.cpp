// Fields validated (issue 14, class 5): each field of a monitor's segment,
// forged on its own, is refused with its specific error: the layout at open,
// the record (guarded by the mutex) by the first call that holds the mutex. A
// record state that is neither ok nor lost used to read as "lost", and a
// record breaking a + b == total outside a transfer was served as a value.
// Planted: the record check removed (a test-only fault point); the forged
// total is served again and the test must say so.
//
// Not validated, and why: the mutex and condition variable are libc's opaque
// objects (a forged one is libc's undefined behaviour); the undo copy is read
// only by a repair, which checks the record it restores; the repair count is
// informational.
#include <gtest/gtest.h>

#include "fixtures/monitor/monitor.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::monitor {
namespace {

using forging::Forgery;

MonitorLayout& layout(std::byte* p) { return forging::at<MonitorLayout>(p, 0); }

std::vector<Forgery> forgeries() {
  // Created with total 100: a = 100, b = 0.
  return {
      {"magic", [](std::byte* p) { layout(p).magic = 1; }, Errc::corrupt, "bad magic"},
      {"payload layout version", [](std::byte* p) { forging::segment_header_of(p).fixture_version = 2; },
       Errc::layout_mismatch, "payload layout version 2"},
      {"payload shrunk under the layout", [](std::byte* p) { forging::shrink_payload(p, 128); }, Errc::truncated,
       "payload smaller than its layout"},
      {"libc object layout word", [](std::byte* p) { forging::segment_header_of(p).fixture_abi ^= 0x10; },
       Errc::abi_mismatch, "holds libc objects laid out as"},
      {"record state", [](std::byte* p) { layout(p).record_state = 7; }, Errc::corrupt,
       "record state word 7 is neither ok nor lost"},
      {"total", [](std::byte* p) { layout(p).record.total = 90; }, Errc::corrupt, "breaks a + b == total"},
      {"an account", [](std::byte* p) { layout(p).record.b = 5; }, Errc::corrupt, "breaks a + b == total"},
  };
}

std::vector<std::string> forgeries_not_refused() {
  const std::string name = harness::unique_name("mon-forged");
  auto m = Monitor::create(name, 100);
  if (!m) return {"create: " + m.error().describe()};
  return forging::not_refused(name, SegmentKind::monitor, holding_libc_objects({}), forgeries(), [&] {
    return forging::opened_then(Monitor::open(name), [](Monitor& opened) { return opened.read(); });
  });
}

SHMC_FORGED_HEADER_TESTS(MonitorGeometry, forgeries_not_refused, "monitor/planted_skips_record_check", "total: opened")

TEST(MonitorGeometry, AForgedRecordIsRefusedByATransfer) {
  const std::string name = harness::unique_name("mon-forged-transfer");
  auto m = Monitor::create(name, 100);
  ASSERT_TRUE(m) << m.error().describe();
  auto seg = Segment::open(name, SegmentKind::monitor, holding_libc_objects({}));
  ASSERT_TRUE(seg) << seg.error().describe();
  layout(seg->payload()).record.a = 1000;
  auto t = m->transfer(true, 10);
  ASSERT_FALSE(t) << "moved 10 of a forged 1000";
  EXPECT_EQ(t.error().code, Errc::corrupt) << t.error().describe();
}

}  // namespace
}  // namespace shmc::monitor
