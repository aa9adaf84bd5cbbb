// The same tests for both double buffers. The seed's design (one version
// increment per write, "even = complete") fails them with the shortest
// reproductions: one write, then a read that never completes; and two writes
// inside one read's copy, the second frozen before its increment, and a torn
// value is returned. The seqlocked design passes both, and a writer killed at
// every crash point never exposes a torn buffer.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>

#include "fixtures/double_buffer/double_buffer.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/double_buffer/double_buffer_repro.hpp"

namespace shmc::double_buffer {
namespace {

using namespace std::chrono_literals;

using repro::kWords;
using repro::quick;
using repro::read_after_one_write;
using repro::read_around_two_writes;
using repro::value;
using repro::whole;
using repro::write_in_child;

TEST(SeqlockedDoubleBuffer, AReadAfterOneWriteCompletes) {
  std::vector<std::uint64_t> out(kWords);
  auto r = read_after_one_write<DoubleBuffer>(out);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(whole(out), 1);
  EXPECT_EQ(r->generation, 1u);
}

TEST(SeedDoubleBuffer, PlantedAReadAfterOneWriteNeverCompletes) {
  std::vector<std::uint64_t> out(kWords);
  auto r = read_after_one_write<SeedDoubleBuffer>(out);
  ASSERT_FALSE(r.ok()) << "the seed's reader completed after one write: the test cannot see the bug";
  EXPECT_EQ(r.error().code, Errc::timed_out) << r.error().describe();
}

TEST(SeqlockedDoubleBuffer, TwoWritesInsideOneCopyAreNeverTorn) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points freeze the writer";
  std::vector<std::uint64_t> out(kWords);
  auto r = read_around_two_writes<DoubleBuffer>("double_buffer/write/copied", out);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(whole(out), 1) << "the reader kept the last complete value";
  EXPECT_GE(r->attempts, 2u) << "the first copy was rejected";
}

TEST(SeedDoubleBuffer, PlantedTwoWritesInsideOneCopyReturnATornValue) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points freeze the writer";
  std::vector<std::uint64_t> out(kWords);
  auto r = read_around_two_writes<SeedDoubleBuffer>("double_buffer/seed/write/copied", out);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(whole(out), -1) << "the seed's reader validated a copy that is half zeros, half value 2";
  EXPECT_EQ(r->attempts, 1u);
}

class DoubleBufferCrash : public ::testing::TestWithParam<const char*> {};

// Values 1..3 are written, the writer dies inside write 4 (or 5: both buffers get hit).
TEST_P(DoubleBufferCrash, AWriterKilledAnywhereLeavesTheLastCompleteValue) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "crash points compiled out";
  for (std::uint32_t hit : {1u, 2u}) {
    const auto name = harness::unique_name("dbuf-crash");
    auto b = DoubleBuffer::create(name, kWords, quick());
    ASSERT_TRUE(b.ok());
    ASSERT_TRUE(write_in_child<DoubleBuffer>(name, 1, 3, {}).ok());
    const std::string point = GetParam();
    const bool in_claim = point == "double_buffer/claim/taken";
    auto died = write_in_child<DoubleBuffer>(name, 4, 5, harness::CrashAt{point, in_claim ? 1 : hit});
    ASSERT_EQ(died.end, harness::ActorOutcome::End::crashed_at_point) << died.describe();
    std::vector<std::uint64_t> out(kWords);
    auto r = b->read(out);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const long long last_complete = in_claim ? 3 : 3 + hit - 1;
    // "complete": the buffer is done but the control word not switched: the write did not happen yet.
    EXPECT_EQ(whole(out), last_complete) << "hit " << hit;
    // A new writer takes over from the dead one and writes over the interrupted buffer.
    ASSERT_TRUE(b->claim_writer().ok());
    ASSERT_TRUE(b->write(value(9)).ok());
    ASSERT_TRUE(b->read(out).ok());
    EXPECT_EQ(whole(out), 9);
  }
}

INSTANTIATE_TEST_SUITE_P(EveryPoint, DoubleBufferCrash,
                         ::testing::Values("double_buffer/claim/taken", "double_buffer/write/odd",
                                           "double_buffer/write/half", "double_buffer/write/copied",
                                           "double_buffer/write/complete"),
                         [](const auto& info) {
                           std::string s = std::string(info.param).substr(14);
                           for (char& c : s) c = (c == '/') ? '_' : c;
                           return s;
                         });

// A live writer is never displaced.
TEST(SeqlockedDoubleBuffer, OneWriterAtATime) {
  const auto name = harness::unique_name("dbuf");
  auto b = DoubleBuffer::create(name, kWords);
  ASSERT_TRUE(b.ok());
  ASSERT_TRUE(b->claim_writer().ok());
  auto other = harness::run_in_child(
      "second-writer",
      [&](harness::ActorContext&) {
        auto o = DoubleBuffer::open(name);
        SHMC_ACTOR_CHECK(o.ok());
        auto c = o->claim_writer();
        SHMC_ACTOR_CHECK(!c.ok() && c.error().code == Errc::already_exists);
        SHMC_ACTOR_CHECK(o->write(value(1)).error().code == Errc::owner_dead);
        return 0;
      },
      10s);
  EXPECT_TRUE(other.ok()) << other.describe();
  EXPECT_EQ(b->write(std::vector<std::uint64_t>(3)).error().code, Errc::invalid_argument);
  EXPECT_EQ(SeedDoubleBuffer::open(name).error().code, Errc::wrong_kind);
}

// Model: a register. Every read returns the last write.
RC_GTEST_PROP(DoubleBufferModel, ReadsReturnTheLastWrite, ()) {
  const auto ops = *rc::gen::container<std::vector<bool>>(rc::gen::arbitrary<bool>());
  auto b = DoubleBuffer::create(harness::unique_name("dbuf-model"), kWords);
  RC_ASSERT(b.ok());
  RC_ASSERT(b->claim_writer().ok());
  std::uint64_t last = 0;
  std::vector<std::uint64_t> out(kWords);
  for (bool write : ops) {
    if (write) {
      RC_ASSERT(b->write(value(++last)).ok());
    } else {
      auto r = b->read(out);
      RC_ASSERT(r.ok());
      RC_ASSERT(whole(out) == static_cast<long long>(last));
      RC_ASSERT(r->generation == last);
    }
  }
}

// A writer and two readers at full speed: every read is a whole value, never an older one.
TEST(DoubleBufferConcurrent, ReadersNeverSeeATornOrOlderValue) {
  const auto name = harness::unique_name("dbuf-conc");
  auto b = DoubleBuffer::create(name, kWords);
  ASSERT_TRUE(b.ok());
  harness::SharedArray<std::atomic<std::uint64_t>> shared(4);  // [0] readers done, [1] torn, [2] backwards, [3] reads
  harness::Actors actors;
  actors.add("writer", [&](harness::ActorContext& ctx) {
    auto w = DoubleBuffer::open(name);
    SHMC_ACTOR_CHECK(w.ok() && w->claim_writer().ok());
    for (std::uint64_t n = 1; shared[0].load() < 2 && std::chrono::steady_clock::now() < ctx.deadline(); ++n)
      SHMC_ACTOR_CHECK(w->write(value(n)).ok());
    return 0;
  });
  for (int i = 0; i < 2; ++i) {
    actors.add("reader-" + std::to_string(i), [&](harness::ActorContext& ctx) {
      auto r = DoubleBuffer::open(name);
      SHMC_ACTOR_CHECK(r.ok());
      std::vector<std::uint64_t> out(kWords);
      long long last = 0;
      for (int k = 0; k < 20000 && std::chrono::steady_clock::now() < ctx.deadline() - 1s; ++k) {
        auto got = r->read(out);
        if (!got.ok()) {
          SHMC_ACTOR_CHECK(got.error().code == Errc::timed_out);
          continue;
        }
        shared[3].fetch_add(1);
        const long long n = whole(out);
        if (n < 0) shared[1].fetch_add(1);
        else if (n < last) shared[2].fetch_add(1);
        else last = n;
      }
      shared[0].fetch_add(1);
      return 0;
    });
  }
  auto outcomes = actors.run(20s);
  ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
  EXPECT_EQ(shared[1].load(), 0u);
  EXPECT_EQ(shared[2].load(), 0u);
  EXPECT_GT(shared[3].load(), 0u);
}

}  // namespace
}  // namespace shmc::double_buffer
