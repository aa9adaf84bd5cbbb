// The seqlock blackboard in `shmconform report` (section "seqlock
// blackboard"), one gtest in blackboard_rows_test: a publisher killed
// mid-update while subscribers read. Crash policy (docs/blackboard.md):
// readers keep the last complete value (the undo block) with status
// writer_died once the publisher's identity is dead, and a new publisher takes
// the channel over and repairs it. Every word a subscriber gets is checked
// against blackboard_values.hpp, not only the board's own checksum.
#include "suite/blackboard/checks_blackboard.hpp"

#include <atomic>
#include <string>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/blackboard/blackboard_values.hpp"

namespace shmc::blackboard::rows {

namespace {

using conformance::Outcome;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kWords = 256;          // long copies: reads overlap publishes often
constexpr std::uint32_t kSubscribers = 2;
// Value reads per subscriber while the first publisher runs. The planted reader tore within these in
// 69 of 70 runs on 2 loaded cores (its can-fail test allows it 5 runs).
constexpr std::uint64_t kLiveReads = 3000;
constexpr auto kDetectBound = 1s;              // publish begun -> a subscriber reads writer_died
constexpr const char* kDeathPoint = "blackboard/publish/live_half";

struct Tally {
  std::atomic<std::uint64_t> value_reads, torn, failed_checksum, backwards, stale_status, gave_up;
  std::atomic<std::uint64_t> last_live;  // n of the first publisher's last complete publish
  std::atomic<std::uint32_t> live_done;  // the first publisher released the channel
  std::atomic<std::int64_t> doomed_began_ns;
  std::atomic<std::int64_t> died_seen_ns[kSubscribers];
  std::atomic<std::int64_t> died_value[kSubscribers];
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

template <ReadOrder Order>
int subscribe(const std::string& name, Tally& t, std::uint32_t me, harness::ActorContext& ctx) {
  auto b = Blackboard::open(name);
  SHMC_ACTOR_CHECK(b.ok());
  std::vector<std::uint64_t> out(kWords);
  long long last = 0;
  ctx.doing("reading until the status says writer_died");
  while (Clock::now() < ctx.deadline() - 1s) {
    auto r = b->read<Order>(0, out);
    if (!r && r.error().code == Errc::timed_out) {
      t.gave_up.fetch_add(1);  // publishes overtook every copy for the read bound: bounded, not torn
      continue;
    }
    if (!r) {
      // The board's checksum caught a torn copy that the sequence had validated.
      SHMC_ACTOR_CHECK(r.error().code == Errc::corrupt);
      t.failed_checksum.fetch_add(1);
      t.value_reads.fetch_add(1);
      continue;
    }
    if (r->status == ReadStatus::empty) continue;
    t.value_reads.fetch_add(1);
    const long long n = testing::whole_value(std::span(out).first(r->words));
    if (n < 0) t.torn.fetch_add(1);
    else if (n < last) t.backwards.fetch_add(1);
    else last = n;
    if (r->status != ReadStatus::writer_died) continue;
    // The death this row waits for is at the second publisher's odd sequence. A status at an earlier
    // odd sequence would be one judged after its sequence moved on (read() re-checks the sequence
    // after its judgment since that race was found here): counted, shown in the row, not the answer.
    if (t.live_done.load() == 0 || r->seq != 2 * t.last_live.load() + 1) {
      t.stale_status.fetch_add(1);
      continue;
    }
    t.died_seen_ns[me].store(now_ns());
    t.died_value[me].store(n);
    return 0;
  }
  return 0;  // never saw the death: the row says so
}

std::string status_and_value(const Result<Reading>& r, const std::vector<std::uint64_t>& out) {
  if (!r) return r.error().describe();
  return std::string(to_string(r->status)) + ", value " +
         std::to_string(testing::whole_value(std::span(out).first(r->words)));
}

}  // namespace

template <ReadOrder Order>
Outcome killed_publisher_leaves_last_complete_value() {
  if (!harness::crash_injection_available())
    return conformance::untested("crash points compiled out: one kills the publisher mid-update");
  const auto name = harness::unique_name("bb-row");
  auto board = Blackboard::create(name, {{"state", kWords}});
  if (!board) return conformance::fail(board.error().describe());
  harness::SharedArray<Tally> shared(1);
  Tally& t = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("publisher", [&](harness::ActorContext& ctx) {
    auto b = Blackboard::open(name);
    SHMC_ACTOR_CHECK(b.ok());
    auto p = Publisher::claim(*b, 0);
    SHMC_ACTOR_CHECK(p.ok());
    ctx.doing("publishing while the subscribers read");
    std::uint64_t n = 0;
    // Until the subscribers made their reads, or one of them caught a tear (the row has failed).
    while (t.value_reads.load() < kSubscribers * kLiveReads && t.torn.load() + t.failed_checksum.load() == 0 &&
           Clock::now() < ctx.deadline() - 2s)
      SHMC_ACTOR_CHECK(p->publish(testing::make_value(1, ++n, kWords)).ok());
    t.last_live.store(n);
    SHMC_ACTOR_CHECK(p->release().ok());
    t.live_done.store(1);
    return 0;
  });
  actors.add("doomed-publisher", [&](harness::ActorContext& ctx) {
    SHMC_ACTOR_CHECK(harness::poll_until([&] { return t.live_done.load() != 0; }, ctx.deadline()));
    auto b = Blackboard::open(name);
    SHMC_ACTOR_CHECK(b.ok());
    auto p = Publisher::claim(*b, 0);
    SHMC_ACTOR_CHECK(p.ok());
    t.doomed_began_ns.store(now_ns());
    SHMC_ACTOR_CHECK(p->publish(testing::make_value(2, t.last_live.load() + 1, kWords)).ok());
    return 0;
  }, harness::CrashAt{kDeathPoint, 1});
  for (std::uint32_t i = 0; i < kSubscribers; ++i)
    actors.add("subscriber-" + std::to_string(i),
               [&, i](harness::ActorContext& ctx) { return subscribe<Order>(name, t, i, ctx); });
  auto out = actors.run(15s);
  if (!harness::all_ok_or_planned_kill(out) || !out[1].killed_by_plan())
    return conformance::fail(harness::describe(out));

  std::string problems;
  if (t.torn.load() + t.failed_checksum.load() != 0)
    problems += std::to_string(t.torn.load()) + " reads returned a torn value and " +
                std::to_string(t.failed_checksum.load()) + " torn copies passed the sequence check (caught by the " +
                "checksum), of " + std::to_string(t.value_reads.load()) + " reads; ";
  if (t.backwards.load() != 0) problems += std::to_string(t.backwards.load()) + " reads went back to an older value; ";
  const auto last = static_cast<std::int64_t>(t.last_live.load());
  std::string latencies;
  for (std::uint32_t i = 0; i < kSubscribers; ++i) {
    const std::int64_t seen = t.died_seen_ns[i].load();
    const auto after = std::chrono::nanoseconds(seen - t.doomed_began_ns.load());
    if (seen == 0) problems += "subscriber " + std::to_string(i) + " never read status writer_died; ";
    else if (after > kDetectBound)
      problems += "subscriber " + std::to_string(i) + " read writer_died only " +
                  std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(after).count()) + " ms after; ";
    else if (t.died_value[i].load() != last)
      problems += "subscriber " + std::to_string(i) + " got value " + std::to_string(t.died_value[i].load()) +
                  " with writer_died, not the last complete " + std::to_string(last) + "; ";
    latencies += (i ? " and " : "") +
                 std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(after).count()) + " us";
  }
  // The next publisher takes over from the dead one and repairs; readers then get the value fresh.
  std::vector<std::uint64_t> value(kWords);
  auto before = board->read(0, value);
  if (!before || before->status != ReadStatus::writer_died || testing::whole_value(value) != last)
    problems += "after the death a read gave " + status_and_value(before, value) + "; ";
  auto p = Publisher::claim(*board, 0);
  if (!p) return conformance::fail(problems + "the next publisher could not claim the channel: " + p.error().describe());
  auto after = board->read(0, value);
  if (!p->took_over() || !p->repaired() || !after || after->status != ReadStatus::fresh ||
      testing::whole_value(value) != last)
    problems += "after the takeover (took over: " + std::to_string(p->took_over()) + ", repaired: " +
                std::to_string(p->repaired()) + ") a read gave " + status_and_value(after, value) + "; ";
  if (!problems.empty()) return conformance::fail(problems.substr(0, problems.size() - 2));
  return conformance::pass(
      std::to_string(t.value_reads.load()) + " reads by " + std::to_string(kSubscribers) + " subscribers while " +
      std::to_string(last) + " values were published, none torn or older; a publisher SIGKILLed at " + kDeathPoint +
      " (sequence odd): each subscriber read value " + std::to_string(last) + " with status writer_died, " +
      latencies + " after that publish began; the next publisher took over, repaired, readers got it fresh" +
      (t.gave_up.load() == 0 ? std::string()
                             : "; " + std::to_string(t.gave_up.load()) + " read(s) gave up at the read bound") +
      (t.stale_status.load() == 0 ? std::string()
                                  : " (and " + std::to_string(t.stale_status.load()) + " read(s) paired an older "
                                    "value's sequence with this death: a status judged after its sequence moved)"));
}

template Outcome killed_publisher_leaves_last_complete_value<ReadOrder::correct>();
template Outcome killed_publisher_leaves_last_complete_value<ReadOrder::recheck_before_copy>();

}  // namespace shmc::blackboard::rows

namespace {

SHMC_CHECK("blackboard.publisher_killed.last_complete_value", "seqlock blackboard",
           "a publisher SIGKILLed half-way through an update (odd sequence) while subscribers read: no read is torn; "
           "within 1 s each subscriber gets the last complete value with status writer_died; the next publisher "
           "takes the channel over and repairs it") {
  return shmc::blackboard::rows::killed_publisher_leaves_last_complete_value<shmc::blackboard::ReadOrder::correct>();
}

}  // namespace
