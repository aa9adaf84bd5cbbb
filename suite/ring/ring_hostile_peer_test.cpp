// A hostile peer against the ring (issue 14): while a producer and a consumer
// run, a third process scribbles random bytes over the ring's payload (header,
// sequence numbers, stamps, items) for one second. The honest peers must end
// normally (no signal, no UB under ASan/UBSan), never overrun a call's deadline
// (on the call's own time: the wall clock less the time the process waited for a
// CPU, which a loaded machine stretches and no structure controls), and the
// corruption must be reported (validate() or a refused call), not absorbed
// silently. What the ring cannot see (a plausible item overwritten by
// another plausible one) is counted, not required: docs/hostile-peer.md.
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/report_lines.hpp"

namespace shmc::ring {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr auto kCallTimeout = 20ms;

// What went wrong in one run, one line each; empty when the honest peers kept every promise.
std::vector<std::string> scribbled_run(std::chrono::milliseconds scribble_for, std::chrono::seconds run_bound) {
  std::vector<std::string> problems;
  auto ring = Ring::create(harness::unique_name("ring-hostile"), {16, 8}, RingOptions{.stall_bound = 500us});
  if (!ring) return {"create: " + ring.error().describe()};
  harness::SharedArray<hostile::Tally> tally(2);  // 0 producer, 1 consumer
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + scribble_for;
  harness::Actors actors(harness::ActorMode::processes);
  hostile::add_scribbler(actors, ring->segment().payload(), ring->segment().payload_size(), until, &writes[0]);
  actors.add("producer", [&](harness::ActorContext& ctx) {
    auto& t = tally[0];
    for (std::uint32_t n = 0; Clock::now() < until; ++n) {
      ctx.doing("push under scribbling");
      const std::uint64_t v = hostile::item_for(n);
      std::array<std::byte, 8> item;
      std::memcpy(item.data(), &v, 8);
      (void)hostile::timed_call(t, [&] { return ring->push(item, kCallTimeout); });
    }
    return 0;
  });
  actors.add("consumer", [&](harness::ActorContext& ctx) {
    auto& t = tally[1];
    std::array<std::byte, 8> out{};
    while (Clock::now() < until) {
      ctx.doing("pop under scribbling");
      auto r = hostile::timed_call(t, [&] { return ring->pop(out, kCallTimeout); });
      if (r && r->status == PopStatus::popped) {
        SHMC_ACTOR_CHECK(r->size <= out.size());  // never more than the buffer, whatever the slot says
        std::uint64_t v = 0;
        std::memcpy(&v, out.data(), 8);
        if (r->size != 8 || !hostile::item_ok(v)) ++t.garbage;
      }
      if (!ring->validate()) ++t.validate_corrupt;
    }
    return 0;
  });
  hostile::run_peers(actors, problems, run_bound);
  std::uint64_t reported = 0;
  for (int i = 0; i < 2; ++i) {
    const auto& t = tally[static_cast<std::size_t>(i)];
    hostile::judge(problems, t, i == 0 ? "producer" : "consumer", kCallTimeout);
    reported += t.refusals.load() + t.validate_corrupt.load();
  }
  hostile::judge_scribbler(problems, writes[0].load());
  // Random writes over sequence numbers and head/tail cannot leave a consistent ring.
  if (reported + (ring->validate() ? 0u : 1u) == 0) problems.push_back("the scribbling went unreported");
  return problems;
}

using report_lines::lines;

TEST(RingHostilePeer, HonestPeersSurviveScribblingAndReportCorruption) {
  auto problems = scribbled_run(1s, 20s);
  EXPECT_TRUE(problems.empty()) << lines(problems);
}

// Planted (a test-only fault point): slots indexed with the capacity in shared memory instead of the copy
// validated at open. Once the scribbler hits it, an honest peer indexes outside the mapping; the run must fail.
TEST(RingHostilePeer, PlantedIndexingWithTheSharedCapacityIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  auto problems =
      report_lines::with_planted("ring/planted_masks_with_shared_capacity", [] { return scribbled_run(500ms, 20s); });
  EXPECT_TRUE(report_lines::mentions(problems, "did not all end normally")) << "peers indexing with a scribbled capacity survived";
}

}  // namespace
}  // namespace shmc::ring
