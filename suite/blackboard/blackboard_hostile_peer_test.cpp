// A hostile peer against the seqlock blackboard (issue 14): while a publisher
// rewrites a channel, a reader reads it and a subscriber polls it, a third
// process scribbles random bytes over the board's payload (header, descriptors,
// sequence and writer words, live and undo blocks) for one second. The honest
// peers must end normally (no signal, no UB under ASan/UBSan) and never run past
// their bound (on a call's own time); every value carries a check the board
// cannot see (each word's halves agree, all words of one publish equal), so
// what the board lets through is counted. The board checksums every block it
// serves (length and words): a scribbled value must be Errc::corrupt, never
// data, so no garbage is allowed (docs/hostile-peer.md).
#include <gtest/gtest.h>

#include <array>
#include <optional>

#include "fixtures/blackboard/blackboard.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/report_lines.hpp"

namespace shmc::blackboard {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
constexpr auto kReadBound = 20ms;
constexpr std::uint32_t kWords = 8;

// A value the test can check and the board cannot: every word item_for(n) of one n.
bool value_ok(const Reading& r, std::span<const std::uint64_t> out) {
  if (r.words != kWords) return false;
  for (std::uint32_t i = 0; i < kWords; ++i)
    if (!hostile::item_ok(out[i]) || out[i] != out[0]) return false;
  return true;
}

bool served(const Reading& r) {
  return r.status == ReadStatus::fresh || r.status == ReadStatus::writer_busy || r.status == ReadStatus::writer_died;
}

// What went wrong in one run, one line each; empty when the honest peers kept every promise.
std::vector<std::string> scribbled_run(std::chrono::milliseconds scribble_for) {
  std::vector<std::string> problems;
  BoardOptions options;
  options.read_bound = kReadBound;
  auto board = Blackboard::create(harness::unique_name("bb-hostile"), {{"hot", kWords}, {"cold", 4}}, options);
  if (!board) return {"create: " + board.error().describe()};
  harness::SharedArray<hostile::Tally> tally(3);  // 0 publisher, 1 reader, 2 subscriber
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + scribble_for;
  harness::Actors actors(harness::ActorMode::processes);
  // The segment is const to its users; the hostile peer writes through its own mapping.
  hostile::add_scribbler(actors, const_cast<std::byte*>(board->segment().payload()), board->segment().payload_size(),
                         until, &writes[0]);
  actors.add("publisher", [&](harness::ActorContext& ctx) {
    auto& t = tally[0];
    std::optional<Publisher> pub;
    std::array<std::uint64_t, kWords> value{};
    for (std::uint32_t n = 1; Clock::now() < until; ++n) {
      if (!pub) {
        // A scribbled writer word (owner_dead) or sequence (odd under its own publisher, corrupt): an honest
        // publisher gives the channel up and claims it again, which repairs an odd sequence from the undo block.
        ctx.doing("claim under scribbling");
        auto c = hostile::timed_call(t, [&] { return Publisher::claim(*board, 0); });
        if (c) pub.emplace(std::move(*c));
        continue;
      }
      ctx.doing("publish under scribbling");
      value.fill(hostile::item_for(n));
      if (!hostile::timed_call(t, [&] { return pub->publish(value); })) pub.reset();
    }
    return 0;
  });
  actors.add("reader", [&](harness::ActorContext& ctx) {
    auto& t = tally[1];
    std::array<std::uint64_t, kWords> out{};
    while (Clock::now() < until) {
      ctx.doing("read under scribbling");
      auto r = hostile::timed_call(t, [&] { return board->read(0, out); });
      if (r && served(*r) && !value_ok(*r, out)) ++t.garbage;
    }
    return 0;
  });
  actors.add("subscriber", [&](harness::ActorContext& ctx) {
    auto& t = tally[2];
    Subscriber sub(*board, 0);
    std::array<std::uint64_t, kWords> out{};
    while (Clock::now() < until) {
      ctx.doing("poll under scribbling");
      auto r = hostile::timed_call(t, [&] { return sub.poll(out); });
      if (r && served(*r) && !value_ok(*r, out)) ++t.garbage;
    }
    return 0;
  });
  hostile::run_peers(actors, problems);
  const char* who[] = {"publisher", "reader", "subscriber"};
  std::uint64_t refused = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    hostile::judge(problems, tally[i], who[i], kReadBound);
    refused += tally[i].refusals.load();
    // Every served block carries the board's checksum: a scribbled value is refused, never served.
    if (i > 0 && tally[i].garbage.load() > 0)
      problems.push_back(std::string(who[i]) + ": " + std::to_string(tally[i].garbage.load()) +
                         " values served that fail the test's check");
  }
  hostile::judge_scribbler(problems, writes[0].load());
  if (refused == 0) problems.push_back("the scribbling went unreported: no call refused");
  auto again = Blackboard::open(board->segment().name(), options);
  hostile::print_reopen(again);
  return problems;
}

TEST(BlackboardHostilePeer, HonestPeersSurviveScribblingAndNoScribbledValueIsServed) {
  auto problems = scribbled_run(1s);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

// Planted (a test-only fault point): a value that fails its checksum is returned instead of refused. The
// readers then take scribbled values as data; the run must fail on them.
TEST(BlackboardHostilePeer, PlantedReaderSkippingTheChecksumIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  auto problems = report_lines::with_planted("blackboard/read/planted_skips_checksum", [] { return scribbled_run(500ms); });
  EXPECT_TRUE(report_lines::mentions(problems, "values served that fail the test's check"))
      << "readers skipping the checksum served no scribbled value";
}

}  // namespace
}  // namespace shmc::blackboard
