// Geometry validated on open (issue 14, class 5), for the four semaphore queues:
// each field a queue reads from shared memory, forged on its own in a real
// segment, is refused with its specific error. Geometry (the ring's capacity,
// the payload it lives in, the variant and libc-ABI words) is refused at open;
// the counters (head, tail), which peers change under the queue's lock, are
// refused by the first operation that takes the lock. A capacity forged
// smaller than the ring used to open (it fits) and made the opener index slots
// modulo another capacity than its peers: a message pushed at slot 3 was popped
// from slot 1. Planted: that check removed (a test-only fault point); the
// forged capacity opens again and the test must say so.
//
// Not validated, and why: the semaphores and the robust mutex are libc's opaque
// objects (a forged sem_t or pthread_mutex_t is libc's undefined behaviour);
// the robust queue's sleeper flags and futex words take any value (at most a
// spurious wake-up); the slot's `filled` flag is only read by snapshot(), which
// reports a forged one as inconsistent (below).
#include <gtest/gtest.h>

#include <chrono>

#include "fixtures/semqueue/named_queue.hpp"
#include "fixtures/semqueue/named_slot.hpp"
#include "fixtures/semqueue/robust_queue.hpp"
#include "fixtures/semqueue/unnamed_queue.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "suite/harness/forged_header.hpp"

namespace shmc::semqueue {
namespace {

using namespace std::chrono_literals;
using forging::at;
using forging::Forgery;

constexpr std::uint32_t kCapacity = 4;
const SegmentOptions kOptions = holding_libc_objects({});

Forgery variant_word(const char* says) {
  return {"variant word",
          [](std::byte* p) { forging::segment_header_of(p).fixture_version = 0x51450901; },  // no such variant
          Errc::wrong_kind, says};
}
Forgery libc_abi_word() {
  return {"libc object layout word", [](std::byte* p) { forging::segment_header_of(p).fixture_abi ^= 0x10; },
          Errc::abi_mismatch, "holds libc objects laid out as"};
}

// The capacity word at `offset`, forged to each value that must not be believed.
std::vector<Forgery> capacity_forgeries(std::size_t offset) {
  auto cap = [offset](std::uint32_t v) { return [offset, v](std::byte* p) { at<std::uint32_t>(p, offset) = v; }; };
  return {
      {"capacity 0", cap(0), Errc::corrupt, "claims capacity 0"},
      {"capacity past the maximum", cap(kMaxCapacity + 1), Errc::corrupt, "outside 1.."},
      {"capacity 8, ring for 4", cap(8), Errc::truncated, "capacity 8 needs"},
      {"capacity 2, ring for 4", cap(2), Errc::corrupt, "capacity 2 fills"},
  };
}

// head and tail at `head_at` and `head_at + 8`, forged apart: refused by the next operation under the lock.
std::vector<Forgery> counter_forgeries(std::size_t head_at) {
  return {
      {"tail more than capacity past head", [head_at](std::byte* p) { at<std::uint64_t>(p, head_at + 8) = 9; },
       Errc::corrupt, "more than 4 apart"},
      {"head past tail", [head_at](std::byte* p) { at<std::uint64_t>(p, head_at) = 3; }, Errc::corrupt,
       "more than 4 apart"},
  };
}

std::vector<Forgery> join(std::vector<Forgery> a, const std::vector<Forgery>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The queue opened afresh and, when `then_push`, a push made on it (whose error is the refusal).
template <class Q>
std::function<Result<void>()> opener(const std::string& name, bool then_push) {
  return [name, then_push]() -> Result<void> {
    if (!then_push) return forging::opened(Q::open(name));
    return forging::opened_then(Q::open(name), [](Q& q) -> Result<void> {
      Message m;
      m.words[0] = 1;
      if (auto r = q.push(m, Clock::now() + 200ms); !r) return r;
      // Taken out again: each forgery starts from an empty queue (the bytes are restored, named semaphores are not).
      Message out;
      return q.pop(out, Clock::now() + 200ms);
    });
  };
}

// Forgeries of a textbook ring whose header starts at `ring_at` in the payload.
template <class Q>
std::vector<std::string> textbook_not_refused(const std::string& name, std::size_t ring_at, Forgery shrink,
                                              const char* variant_says) {
  auto q = Q::create(name, kCapacity);
  if (!q) return {"create: " + q.error().describe()};
  auto at_open = join(capacity_forgeries(ring_at + offsetof(TextbookRingHeader, capacity)),
                      {variant_word(variant_says), libc_abi_word(), std::move(shrink)});
  auto missed = forging::not_refused(name, SegmentKind::sem_queue, kOptions, at_open, opener<Q>(name, false));
  auto at_op = forging::not_refused(name, SegmentKind::sem_queue, kOptions,
                                    counter_forgeries(ring_at + offsetof(TextbookRingHeader, head)), opener<Q>(name, true));
  missed.insert(missed.end(), at_op.begin(), at_op.end());
  return missed;
}

std::vector<std::string> named_not_refused() {
  return textbook_not_refused<NamedQueue>(
      harness::unique_name("semq-forged-named"), 0,
      {"payload shrunk under the ring header", [](std::byte* p) { forging::shrink_payload(p, 32); }, Errc::truncated,
       "too small for a ring header"},
      "is not a named-semaphore queue");
}

std::vector<std::string> unnamed_not_refused() {
  return textbook_not_refused<UnnamedQueue>(
      harness::unique_name("semq-forged-unnamed"), sizeof(UnnamedSemBlock),
      {"payload shrunk under the semaphores", [](std::byte* p) { forging::shrink_payload(p, 64); }, Errc::truncated,
       "too small for its semaphores"},
      "is not an unnamed-semaphore queue");
}

std::vector<std::string> robust_not_refused() {
  const std::string name = harness::unique_name("semq-forged-robust");
  auto q = RobustQueue::create(name, kCapacity);
  if (!q) return {"create: " + q.error().describe()};
  auto at_open = join(capacity_forgeries(offsetof(RobustRingHeader, capacity)),
                      {variant_word("is not a robust queue"), libc_abi_word(),
                       {"payload shrunk under the header", [](std::byte* p) { forging::shrink_payload(p, 64); },
                        Errc::truncated, "too small for a robust queue's header"}});
  auto missed = forging::not_refused(name, SegmentKind::sem_queue, kOptions, at_open, opener<RobustQueue>(name, false));
  auto at_op = forging::not_refused(name, SegmentKind::sem_queue, kOptions,
                                    counter_forgeries(offsetof(RobustRingHeader, head)), opener<RobustQueue>(name, true));
  missed.insert(missed.end(), at_op.begin(), at_op.end());
  return missed;
}

std::vector<std::string> slot_not_refused() {
  const std::string name = harness::unique_name("semq-forged-slot");
  auto s = NamedSlot::create(name);
  if (!s) return {"create: " + s.error().describe()};
  return forging::not_refused(
      name, SegmentKind::sem_queue, kOptions,
      {variant_word("is not a named-semaphore slot"), libc_abi_word(),
       {"payload shrunk under the slot", [](std::byte* p) { forging::shrink_payload(p, 64); }, Errc::truncated,
        "too small for its slot"}},
      [&] { return forging::opened(NamedSlot::open(name)); });
}

struct Queue {
  const char* name;
  std::vector<std::string> (*not_refused)();
  const char* planted_miss;  // what the planted bug lets open
};
const Queue kQueues[] = {
    {"named queue", named_not_refused, "capacity 2, ring for 4: opened"},
    {"unnamed queue", unnamed_not_refused, "capacity 2, ring for 4: opened"},
    {"robust queue", robust_not_refused, "capacity 2, ring for 4: opened"},
    {"named slot", slot_not_refused, "payload shrunk under the slot: opened"},
};

TEST(SemQueueGeometry, EachQueueRefusesEachForgedField) {
  for (const Queue& q : kQueues) {
    auto missed = q.not_refused();
    EXPECT_TRUE(missed.empty()) << q.name << ":\n" << forging::lines(missed);
  }
}

TEST(SemQueueGeometry, AForgedFilledFlagMakesTheSlotInconsistent) {
  const std::string name = harness::unique_name("semq-forged-filled");
  auto s = NamedSlot::create(name);
  ASSERT_TRUE(s) << s.error().describe();
  ASSERT_TRUE(s->snapshot().consistent()) << s->snapshot().describe();
  auto seg = Segment::open(name, SegmentKind::sem_queue, kOptions);
  ASSERT_TRUE(seg) << seg.error().describe();
  reinterpret_cast<NamedSlotLayout*>(seg->payload())->filled = 7;
  EXPECT_FALSE(s->snapshot().consistent()) << s->snapshot().describe();
}

TEST(SemQueueGeometry, PlantedCheckRemovedIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";
  for (const Queue& q : kQueues)
    EXPECT_TRUE(forging::mentions(report_lines::with_planted("semqueue/open/planted_skips_size_check", q.not_refused),
                                  q.planted_miss))
        << q.name;
}

}  // namespace
}  // namespace shmc::semqueue
