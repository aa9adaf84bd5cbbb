// A hostile peer against the map (issue 14): while a writer rewrites eight keys
// and a reader looks them up, a third process scribbles random bytes over the
// map's payload (header, lock words, sequence numbers, keys, values, undo
// records) for one second. The honest peers must end normally (no signal, no
// UB under ASan/UBSan) and never wait past their bound (on a call's own time:
// the wall clock less the time the process waited for a CPU); what they read is
// checked by a checksum the map cannot see, so what the map lets through is
// counted (docs/hostile-peer.md says what it can and cannot detect).
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/report_lines.hpp"

namespace shmc::map {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr auto kWaitBound = 20ms;
constexpr std::uint64_t kKeys = 8;

std::array<std::byte, 8> bytes_of(std::uint64_t v) {
  std::array<std::byte, 8> b;
  std::memcpy(b.data(), &v, 8);
  return b;
}

// What went wrong in one run, one line each; empty when the honest peers kept every promise.
std::vector<std::string> scribbled_run(std::chrono::milliseconds scribble_for) {
  std::vector<std::string> problems;
  MapOptions options;
  options.wait_bound = kWaitBound;
  auto m = Map::create(harness::unique_name("map-hostile"), {.capacity = 16}, options);
  if (!m) return {"create: " + m.error().describe()};
  for (std::uint64_t k = 1; k <= kKeys; ++k)
    if (!m->insert(bytes_of(k), bytes_of(hostile::item_for(0)))) return {"insert before scribbling failed"};
  harness::SharedArray<hostile::Tally> tally(2);  // 0 writer, 1 reader
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + scribble_for;
  harness::Actors actors(harness::ActorMode::processes);
  // The segment is const to its users; the hostile peer writes through its own mapping.
  hostile::add_scribbler(actors, const_cast<std::byte*>(m->segment().payload()), m->segment().payload_size(), until,
                         &writes[0]);
  actors.add("writer", [&](harness::ActorContext& ctx) {
    auto& t = tally[0];
    for (std::uint32_t n = 1; Clock::now() < until; ++n) {
      ctx.doing("update under scribbling");
      (void)hostile::timed_call(t, [&] { return m->update(bytes_of(1 + n % kKeys), bytes_of(hostile::item_for(n))); });
    }
    return 0;
  });
  actors.add("reader", [&](harness::ActorContext& ctx) {
    auto& t = tally[1];
    std::array<std::byte, 8> out{};
    for (std::uint32_t n = 0; Clock::now() < until; ++n) {
      ctx.doing("find under scribbling");
      auto r = hostile::timed_call(t, [&] { return m->find(bytes_of(1 + n % kKeys), out); });
      if (r && *r == Status::ok) {
        std::uint64_t v = 0;
        std::memcpy(&v, out.data(), 8);
        if (!hostile::item_ok(v)) ++t.garbage;
      }
    }
    return 0;
  });
  hostile::run_peers(actors, problems);
  for (int i = 0; i < 2; ++i) hostile::judge(problems, tally[static_cast<std::size_t>(i)], i == 0 ? "writer" : "reader", kWaitBound);
  hostile::judge_scribbler(problems, writes[0].load());
  // A fresh open checks the header: a scribbled geometry is refused, an intact one opens.
  auto again = Map::open(m->segment().name(), options);
  hostile::print_reopen(again);
  return problems;
}

TEST(MapHostilePeer, HonestPeersSurviveScribblingWithinTheirBound) {
  auto problems = scribbled_run(1s);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

// Planted (a test-only fault point): keys homed and probed with the capacity in shared memory instead of the
// copy validated at open. Once the scribbler hits it, an honest peer indexes outside the mapping (or divides
// by a scribbled zero); the run must fail.
TEST(MapHostilePeer, PlantedProbingWithTheSharedCapacityIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  auto problems = report_lines::with_planted("map/planted_probes_with_shared_capacity", [] { return scribbled_run(500ms); });
  EXPECT_TRUE(report_lines::mentions(problems, "did not all end normally")) << "peers probing with a scribbled capacity survived";
}

}  // namespace
}  // namespace shmc::map
