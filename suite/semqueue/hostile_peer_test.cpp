// A hostile peer against the semaphore queues (issue 14): while a producer and a
// consumer run, a third process scribbles random bytes over the queue's payload.
// The honest peers must end normally (no signal, no UB under ASan/UBSan), no call
// may run past its deadline on its own time (the wall clock less the time the
// process waited for a CPU), and what the queue can see (head and tail out of
// step) is reported as corrupt. Messages carry a check the queues know nothing
// about, so what they let through is counted, not required.
//
// What is scribbled: every byte a queue itself interprets. Not the robust
// queue's pthread_mutex_t nor the unnamed queue's sem_t block: they are libc's
// opaque objects, and scribbling over one is libc's undefined behaviour (a
// robust mutex holds the robust-list pointers glibc follows on unlock).
// docs/hostile-peer.md says what each queue can and cannot survive.
#include <gtest/gtest.h>

#include <functional>

#include "fixtures/semqueue/named_queue.hpp"
#include "fixtures/semqueue/named_slot.hpp"
#include "fixtures/semqueue/robust_queue.hpp"
#include "fixtures/semqueue/unnamed_queue.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/hostile_peer.hpp"
#include "suite/harness/report_lines.hpp"

namespace shmc::semqueue {
namespace {

using namespace std::chrono_literals;
constexpr auto kCallTimeout = 20ms;

Message message_for(std::uint32_t n) {
  Message m;
  m.words[0] = hostile::item_for(n);
  return m;
}

// One queue under test, as its two honest peers use it.
struct Honest {
  std::function<Result<void>(const Message&, Deadline)> put;
  std::function<Result<void>(Message&, Deadline)> take;
  std::byte* payload;
  std::size_t scribble_from;  // bytes below are libc objects: left alone
  std::size_t size;
};

template <class Q>
Honest honest(Q& q, std::byte* payload, std::size_t size, std::size_t scribble_from) {
  return {[&q](const Message& m, Deadline d) { return q.push(m, d); }, [&q](Message& m, Deadline d) { return q.pop(m, d); },
          payload, scribble_from, size};
}

// What went wrong in one run, one line each; empty when the honest peers kept every promise.
std::vector<std::string> scribbled_run(const Honest& queue, bool can_see_scribbles, std::chrono::milliseconds scribble_for) {
  std::vector<std::string> problems;
  harness::SharedArray<hostile::Tally> tally(2);  // 0 producer, 1 consumer
  harness::SharedArray<std::atomic<std::uint64_t>> writes(1);
  const auto until = Clock::now() + scribble_for;
  harness::Actors actors(harness::ActorMode::processes);
  hostile::add_scribbler(actors, queue.payload + queue.scribble_from, queue.size - queue.scribble_from, until,
                         &writes[0]);
  actors.add("producer", [&](harness::ActorContext& ctx) {
    auto& t = tally[0];
    for (std::uint32_t n = 0; Clock::now() < until; ++n) {
      ctx.doing("push under scribbling");
      (void)hostile::timed_call(t, [&] { return queue.put(message_for(n), Clock::now() + kCallTimeout); });
    }
    return 0;
  });
  actors.add("consumer", [&](harness::ActorContext& ctx) {
    auto& t = tally[1];
    while (Clock::now() < until) {
      ctx.doing("pop under scribbling");
      Message m;
      auto r = hostile::timed_call(t, [&] { return queue.take(m, Clock::now() + kCallTimeout); });
      if (r && !hostile::item_ok(m.words[0])) ++t.garbage;
    }
    return 0;
  });
  hostile::run_peers(actors, problems);
  std::uint64_t corrupt = 0;
  for (int i = 0; i < 2; ++i) {
    const auto& t = tally[static_cast<std::size_t>(i)];
    hostile::judge(problems, t, i == 0 ? "producer" : "consumer", kCallTimeout);
    corrupt += t.refusals.load() - t.timed_out.load();
  }
  hostile::judge_scribbler(problems, writes[0].load());
  // Random writes over head and tail put them out of step, which every operation checks under the lock.
  if (can_see_scribbles && corrupt == 0) problems.push_back("no call reported the scribbled counters as corrupt");
  return problems;
}

constexpr std::uint32_t kCapacity = 16;

// A queue of type Q made for the run, and its payload scribbled from `scribble_from` on.
template <class Q>
std::vector<std::string> queue_run(const char* tag, std::size_t scribble_from, bool can_see_scribbles,
                                   std::chrono::milliseconds scribble_for) {
  auto q = Q::create(harness::unique_name(tag), kCapacity);
  if (!q) return {"create: " + q.error().describe()};
  auto seg = Segment::open(q->name(), SegmentKind::sem_queue, holding_libc_objects({}));
  if (!seg) return {"attach: " + seg.error().describe()};
  return scribbled_run(honest(*q, seg->payload(), seg->payload_size(), scribble_from), can_see_scribbles, scribble_for);
}

std::vector<std::string> robust_run(std::chrono::milliseconds scribble_for) {
  return queue_run<RobustQueue>("semq-hostile-robust", offsetof(RobustRingHeader, head), true, scribble_for);
}

TEST(SemQueueHostilePeer, RobustQueueSurvivesScribblingAndReportsIt) {
  auto problems = robust_run(1s);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

TEST(SemQueueHostilePeer, NamedQueueSurvivesScribblingAndReportsIt) {  // its semaphores are outside the payload
  auto problems = queue_run<NamedQueue>("semq-hostile-named", 0, true, 500ms);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

TEST(SemQueueHostilePeer, UnnamedQueueSurvivesScribblingPastItsSemaphores) {
  auto problems = queue_run<UnnamedQueue>("semq-hostile-unnamed", sizeof(UnnamedSemBlock), true, 500ms);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

// The slot has no counters to check: a scribbled message or flag is not detectable (counted as garbage).
TEST(SemQueueHostilePeer, NamedSlotSurvivesScribbling) {
  auto s = NamedSlot::create(harness::unique_name("semq-hostile-slot"));
  ASSERT_TRUE(s) << s.error().describe();
  auto seg = Segment::open(s->name(), SegmentKind::sem_queue, holding_libc_objects({}));
  ASSERT_TRUE(seg) << seg.error().describe();
  const Honest slot{[&](const Message& m, Deadline d) { return s->write(m, d); },
                    [&](Message& m, Deadline d) { return s->read(m, d); }, seg->payload(), 0, seg->payload_size()};
  auto problems = scribbled_run(slot, false, 500ms);
  EXPECT_TRUE(problems.empty()) << report_lines::lines(problems);
}

// Planted (a test-only fault point): head and tail believed without checking them against each other. The
// scribbled counters then hand out slots nobody wrote and nothing is reported; the run must say so.
TEST(SemQueueHostilePeer, PlantedUncheckedCountersAreCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  auto problems = report_lines::with_planted("semqueue/robust/planted_trusts_counters", [] { return robust_run(500ms); });
  EXPECT_TRUE(report_lines::mentions(problems, "no call reported the scribbled counters as corrupt"))
      << "scribbled counters believed went unnoticed";
}

}  // namespace
}  // namespace shmc::semqueue
