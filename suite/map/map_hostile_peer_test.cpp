// A hostile peer against the map (issue 14): while a writer rewrites eight keys
// and a reader looks them up, a third process scribbles random bytes over the
// map's payload (header, lock words, sequence numbers, keys, values, undo
// records) for one second. The honest peers must end normally (no signal, no
// UB under ASan/UBSan) and never wait past their bound; what they read is
// checked by a checksum the map cannot see, so what the map lets through is
// counted (docs/hostile-peer.md says what it can and cannot detect).
#include <gtest/gtest.h>

#include <array>
#include <cstring>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/stopped_holder.hpp"

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

TEST(MapHostilePeer, HonestPeersSurviveScribblingWithinTheirBound) {
  MapOptions options;
  options.wait_bound = kWaitBound;
  auto m = Map::create(harness::unique_name("map-hostile"), {.capacity = 16}, options);
  ASSERT_TRUE(m) << m.error().describe();
  for (std::uint64_t k = 1; k <= kKeys; ++k) ASSERT_TRUE(m->insert(bytes_of(k), bytes_of(hostile::item_for(0))));
  harness::SharedArray<hostile::Tally> tally(2);  // 0 writer, 1 reader
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + 1s;
  harness::Actors actors(harness::ActorMode::processes);  // the scribbler must not be a thread of a reader
  actors.add("scribbler", [&](harness::ActorContext& ctx) {
    ctx.doing("scribbling over the map's payload");
    // The segment is const to its users; the hostile peer writes through its own mapping.
    writes[0] = hostile::scribble(const_cast<std::byte*>(m->segment().payload()), m->segment().payload_size(), until, 14);
    return 0;
  });
  actors.add("writer", [&](harness::ActorContext& ctx) {
    auto& t = tally[0];
    for (std::uint32_t n = 1; Clock::now() < until; ++n) {
      ctx.doing("update under scribbling");
      const auto began = Clock::now();
      auto r = m->update(bytes_of(1 + n % kKeys), bytes_of(hostile::item_for(n)));
      t.took(Clock::now() - began);
      ++t.calls;
      if (!r) ++t.refusals;
    }
    return 0;
  });
  actors.add("reader", [&](harness::ActorContext& ctx) {
    auto& t = tally[1];
    std::array<std::byte, 8> out{};
    for (std::uint32_t n = 0; Clock::now() < until; ++n) {
      ctx.doing("find under scribbling");
      const auto began = Clock::now();
      auto r = m->find(bytes_of(1 + n % kKeys), out);
      t.took(Clock::now() - began);
      ++t.calls;
      if (!r) {
        ++t.refusals;
      } else if (*r == Status::ok) {
        std::uint64_t v = 0;
        std::memcpy(&v, out.data(), 8);
        if (!hostile::item_ok(v)) ++t.garbage;
      }
    }
    return 0;
  });
  auto outcomes = actors.run(20s);
  ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
  for (int i = 0; i < 2; ++i) {
    const auto& t = tally[static_cast<std::size_t>(i)];
    std::printf("%s: %llu calls, %llu refused, %llu garbage values, slowest %lld us\n", i == 0 ? "writer" : "reader",
                static_cast<unsigned long long>(t.calls.load()), static_cast<unsigned long long>(t.refusals.load()),
                static_cast<unsigned long long>(t.garbage.load()), static_cast<long long>(t.slowest_call_us.load()));
    EXPECT_GT(t.calls.load(), 0u);
    EXPECT_LE(t.slowest_call_us.load(), std::chrono::microseconds(deadline_testing::give_up_bound(kWaitBound)).count());
  }
  std::printf("scribbler: %llu writes\n", static_cast<unsigned long long>(writes[0].load()));
  EXPECT_GT(writes[0].load(), 0u);
  // A fresh open checks the header: a scribbled geometry is refused, an intact one opens.
  auto again = Map::open(m->segment().name(), options);
  std::printf("reopen after scribbling: %s\n", again ? "accepted" : again.error().describe().c_str());
}

}  // namespace
}  // namespace shmc::map
