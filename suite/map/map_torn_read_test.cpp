// Issue 14, class 3: torn reads under the map's seqlock. One writer keeps
// rewriting the same few keys; every word of a value is f(key, generation), so
// a copy mixing two writes is visible in itself. More readers than cores keep
// being preempted mid-copy, which is when a whole write can begin and commit
// inside one read. A reader must never return such a copy.
//
// The planted variant (EvenSeqReaderMap: accepts the copy when the seq is
// merely even at the end) must be caught returning one; that test stays.
//
// And the other side of the same loop: a reader whose every copy is overtaken
// by a write (a hook bumps the bucket's seq by two, even to even, inside each
// copy) gives up at its bound with timed_out; the planted OvertakenForeverMap
// retries for as long as the writes go on.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;
using namespace std::chrono_literals;

constexpr std::uint32_t kWords = 32;  // a long copy: more chances to be preempted inside it
constexpr std::uint64_t kKeys = 4;
constexpr int kReaders = 3;
using Value = std::array<std::uint64_t, kWords>;

std::uint64_t word_of(std::uint64_t key, std::uint64_t gen, std::uint32_t w) {
  std::uint64_t x = key * 0x9e3779b97f4a7c15ULL ^ gen * 0xbf58476d1ce4e5b9ULL ^ (w + 1) * 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x * 0xd6e8feb96aa09e19ULL;
}
Value value_of(std::uint64_t key, std::uint64_t gen) {
  Value v{};
  v[0] = gen;
  for (std::uint32_t w = 1; w < kWords; ++w) v[w] = word_of(key, gen, w);
  return v;
}
bool consistent(std::uint64_t key, const Value& v) { return v == value_of(key, v[0]); }

struct Shared {
  std::atomic<std::uint64_t> stop{0};
  std::atomic<std::uint64_t> torn{0}, reads{0}, writes{0}, errors{0};
};

struct TornResult {
  std::string problem;  // actors that failed
  std::uint64_t torn = 0, reads = 0, writes = 0, errors = 0;
};

// Runs until `budget` is over, or (stop_at_first) until the first torn copy.
template <class M>
TornResult read_while_rewriting(std::chrono::milliseconds budget, bool stop_at_first) {
  TornResult out;
  const std::string name = harness::unique_name("map-torn");
  const MapOptions options = bounded_options(2000ms);
  auto created = M::create(name, {.capacity = 16, .key_size = 8, .value_size = kWords * 8}, options);
  if (!created) return {"create: " + created.error().describe()};
  for (std::uint64_t k = 1; k <= kKeys; ++k) {
    const Value v = value_of(k, 0);
    if (must(created->insert(bytes_of(k), std::as_bytes(std::span(v)))) != Status::ok) return {"setup insert failed"};
  }
  harness::SharedArray<Shared> shared(1);
  Shared& s = shared[0];
  {
    harness::Actors actors;
    actors.add("writer", [&](harness::ActorContext&) {
      auto m = M::open(name, options);
      SHMC_ACTOR_CHECK(m.ok());
      const auto end = std::chrono::steady_clock::now() + budget;
      for (std::uint64_t gen = 1; s.stop.load() == 0 && std::chrono::steady_clock::now() < end; ++gen) {
        for (std::uint64_t k = 1; k <= kKeys; ++k) {
          const Value v = value_of(k, gen);
          auto r = m->update(bytes_of(k), std::as_bytes(std::span(v)));
          if (!r.ok() || *r != Status::ok) s.errors.fetch_add(1);
          s.writes.fetch_add(1, std::memory_order_relaxed);
        }
      }
      s.stop.store(1);
      return 0;
    });
    for (int i = 0; i < kReaders; ++i) {
      actors.add("reader-" + std::to_string(i), [&](harness::ActorContext&) {
        auto m = M::open(name, options);
        SHMC_ACTOR_CHECK(m.ok());
        Value v{};
        for (std::uint64_t n = 0; s.stop.load(std::memory_order_relaxed) == 0; ++n) {
          const std::uint64_t k = 1 + n % kKeys;
          auto r = m->find(bytes_of(k), std::as_writable_bytes(std::span(v)));
          s.reads.fetch_add(1, std::memory_order_relaxed);
          if (!r.ok() || *r != Status::ok) {
            s.errors.fetch_add(1);
          } else if (!consistent(k, v)) {
            s.torn.fetch_add(1);
            if (stop_at_first) s.stop.store(1);
          }
        }
        return 0;
      });
    }
    const auto outcomes = actors.run(budget + 30s);
    if (!harness::all_ok(outcomes)) out.problem = harness::describe(outcomes);
  }
  out.torn = s.torn.load();
  out.reads = s.reads.load();
  out.writes = s.writes.load();
  out.errors = s.errors.load();
  return out;
}

TEST(MapTornRead, NoReaderReturnsAValueMixedFromTwoWrites) {
  const TornResult r = read_while_rewriting<Map>(1500ms, false);
  EXPECT_EQ(r.problem, "");
  EXPECT_EQ(r.errors, 0u);
  EXPECT_EQ(r.torn, 0u) << r.torn << " torn copies in " << r.reads << " reads during " << r.writes << " writes";
  EXPECT_GT(r.writes, 100u) << "the writer hardly ran: the test saw no concurrency";
}

TEST(MapTornRead, PlantedSeqMerelyEvenIsCaught) {
  const TornResult r = read_while_rewriting<EvenSeqReaderMap>(10s, true);
  EXPECT_EQ(r.problem, "");
  EXPECT_GT(r.torn, 0u) << "a reader that accepts any even seq returned no torn value in " << r.reads
                        << " reads during " << r.writes << " writes";
}


// A find of one key where every copy is overtaken by a write (the policy's copy hook bumps the
// bucket's seq by two, even to even) until `overtake_for` is over: how it ended and how long it took.
// Deterministic: no race decides whether a copy was overtaken.
struct Overtaken {
  std::string problem;
  enum class End { found, timed_out } end = End::found;
  std::chrono::milliseconds took{0};
  std::uint64_t copies = 0;
};

template <class M>
Overtaken find_while_overtaken(std::chrono::milliseconds bound, std::chrono::milliseconds overtake_for) {
  using P = typename M::Policy;
  const std::string name = harness::unique_name("map-overtaken");
  auto m = M::create(name, {.capacity = 16, .key_size = 8, .value_size = 8}, bounded_options(bound));
  if (!m) return {"create: " + m.error().describe()};
  const std::uint64_t key = 7, value = 70;
  if (must(m->insert(bytes_of(key), bytes_of(value))) != Status::ok) return {"setup insert failed"};
  static std::chrono::steady_clock::time_point until;
  static std::uint64_t copies;
  until = std::chrono::steady_clock::now() + overtake_for;
  copies = 0;
  P::copy_hook = [](std::uint32_t, std::atomic<std::uint64_t>& seq) {
    ++copies;
    if (std::chrono::steady_clock::now() < until) seq.fetch_add(2, std::memory_order_acq_rel);
  };
  std::uint64_t v = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto found = m->find(bytes_of(key), std::as_writable_bytes(std::span(&v, 1)));
  Overtaken out;
  out.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  P::copy_hook = nullptr;
  out.copies = copies;
  if (found.ok()) {
    if (*found != Status::ok || v != value) out.problem = "found something else than the key's value";
  } else if (found.error().code == Errc::timed_out) {
    out.end = Overtaken::End::timed_out;
  } else {
    out.problem = found.error().describe();
  }
  return out;
}

TEST(MapTornRead, AReaderOvertakenOnEveryCopyGivesUpAtItsBound) {
  const Overtaken r = find_while_overtaken<ObservedMap>(100ms, 3s);
  ASSERT_EQ(r.problem, "");
  EXPECT_EQ(r.end, Overtaken::End::timed_out) << "found the key after " << r.took.count() << " ms and "
                                               << r.copies << " overtaken copies";
  EXPECT_GE(r.took, 100ms);
  EXPECT_LT(r.took, 1s) << "gave up well after its 100 ms bound";
}

TEST(MapTornRead, PlantedOvertakenReaderRetriesForAsLongAsThePeerLikes) {
  const Overtaken r = find_while_overtaken<OvertakenForeverMap>(100ms, 1500ms);
  ASSERT_EQ(r.problem, "");
  EXPECT_EQ(r.end, Overtaken::End::found) << "the planted reader gave up: it was to retry until the writes stopped";
  EXPECT_GE(r.took, 1500ms) << "the planted reader returned after " << r.took.count() << " ms";
}

}  // namespace
}  // namespace shmc::map
