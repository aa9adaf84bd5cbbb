// A lock word names its holder by (tid, start time), never by a bare PID: a
// process that got the dead holder's PID recycled is not taken for the holder,
// and a live holder is never robbed.
#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <thread>
#include <fcntl.h>
#include <unistd.h>

#include "suite/harness/pid_reuse.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::atomic<std::uint64_t>& lock_word_of(const Map& m, std::uint32_t i) {
  return reinterpret_cast<BucketHead*>(m.segment().payload() + sizeof(MapHeader) +
                                       std::size_t{i} * bucket_stride_for(m.key_size(), m.value_size()))
      ->lock;
}

// Polls a shared flag until it is set or the deadline passes.
bool wait_for(const std::atomic<std::uint64_t>& flag, Clock::time_point deadline) {
  return harness::poll_until([&] { return flag.load(std::memory_order_acquire) != 0; }, deadline);
}

TEST(MapPidReuse, AForgedOwnerWithALiveTidButAnotherStartTimeIsTakenOver) {
  auto m = Map::create(harness::unique_name("map-forged"), {.capacity = 8}, bounded_options(2000ms));
  ASSERT_TRUE(m.ok()) << text(m.error());
  const std::uint64_t key = nth_key_with_home(*m, 3, 0);
  // Our own tid is alive, but this identity started at another tick: it is a dead thread whose PID we now wear.
  ProcessIdentity forged = self_identity();
  forged.start_ticks += 12345;
  ASSERT_EQ(::kill(forged.tid, 0), 0) << "kill(pid, 0) would call the holder alive";
  ASSERT_EQ(liveness(forged), Liveness::dead);
  lock_word_of(*m, 3).store(pack(forged));
  auto r = insert_u64(*m, key, 5);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(*r, Status::ok);
  EXPECT_EQ(m->stats().takeovers, 1u);
}

TEST(MapPidReuse, ALiveHolderIsNeverRobbed) {
  const auto name = harness::unique_name("map-live-holder");
  auto m = Map::create(name, {.capacity = 8}, bounded_options(300ms));
  ASSERT_TRUE(m.ok()) << text(m.error());
  const std::uint64_t key = nth_key_with_home(*m, 4, 0);
  // [0] the holder's packed identity, [1] the prober is done, [2] Errc of the prober's insert + 1, [3] lock word after
  harness::SharedArray<std::atomic<std::uint64_t>> shared(4);
  harness::Actors actors;
  actors.add("holder", [&](harness::ActorContext& ctx) {
    shared[0].store(pack(self_identity()), std::memory_order_release);
    SHMC_ACTOR_CHECK(wait_for(shared[1], ctx.deadline()));
    return 0;
  });
  actors.add("prober", [&](harness::ActorContext& ctx) {
    auto map = Map::open(name, bounded_options(300ms));
    SHMC_ACTOR_CHECK(map.ok());
    SHMC_ACTOR_CHECK(wait_for(shared[0], ctx.deadline()));
    const std::uint64_t holder = shared[0].load();
    lock_word_of(*map, 4).store(holder);  // as if the holder were inside its critical section
    auto r = insert_u64(*map, key, 1);
    shared[2].store(r.ok() ? 0 : static_cast<std::uint64_t>(r.error().code) + 1);
    shared[3].store(lock_word_of(*map, 4).load());
    lock_word_of(*map, 4).store(0);
    shared[1].store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(20s);
  ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
  EXPECT_EQ(shared[2].load(), static_cast<std::uint64_t>(Errc::timed_out) + 1) << "the insert waited out its bound";
  EXPECT_EQ(shared[3].load(), shared[0].load()) << "the live holder kept its lock";
}

using shmc::testing::set_last_pid;

TEST(MapPidReuse, ARealRecycledPidIsNotTakenForTheDeadHolder) {
  if (!harness::crash_injection_available()) GTEST_SKIP() << "needs crash points to kill the holder inside its critical section";
  const auto name = harness::unique_name("map-pid-reuse");
  auto m = Map::create(name, {.capacity = 8}, bounded_options(2000ms));
  ASSERT_TRUE(m.ok()) << text(m.error());
  const std::uint64_t key = nth_key_with_home(*m, 6, 0);
  ASSERT_EQ(must(insert_u64(*m, key, 1)), Status::ok);
  // The holder dies half-way through updating the key, holding its bucket.
  auto died = harness::run_in_child(
      "holder",
      [&](harness::ActorContext&) {
        auto map = Map::open(name);
        SHMC_ACTOR_CHECK(map.ok());
        must(update_u64(*map, key, 2));
        return 0;
      },
      10s, harness::CrashAt{"map/write/value_written", 1});
  ASSERT_EQ(died.end, harness::ActorOutcome::End::crashed_at_point) << died.describe();
  const ProcessIdentity owner = unpack(m->bucket_info(6)->lock_word);
  ASSERT_GT(owner.tid, 0);

  // [0] recycled pid, [1] done, [2] start ticks of the recycled process, [3] liveness of the dead owner,
  // [4] result of the prober's find (Errc + 1, or 0 for ok), [5] value found
  harness::SharedArray<std::atomic<std::uint64_t>> shared(6);
  std::string why_not;
  for (int attempt = 0; attempt < 20; ++attempt) {
    for (std::size_t i = 0; i < shared.size(); ++i) shared[i].store(0);
    if (int err = set_last_pid(owner.tid - 1); err != 0)
      GTEST_SKIP() << "cannot force PID reuse: writing /proc/sys/kernel/ns_last_pid failed: " << std::strerror(err);
    harness::Actors actors(harness::ActorMode::processes);  // the point is a process with a recycled PID
    actors.add("recycled", [&](harness::ActorContext& ctx) {
      shared[2].store(identity_of(::getpid()).start_ticks);
      shared[0].store(static_cast<std::uint64_t>(::getpid()), std::memory_order_release);
      SHMC_ACTOR_CHECK(wait_for(shared[1], ctx.deadline()));
      return 0;
    });
    actors.add("prober", [&](harness::ActorContext& ctx) {
      SHMC_ACTOR_CHECK(wait_for(shared[0], ctx.deadline()));
      // Only meaningful if the PID really was recycled, and at a later clock tick than the owner started.
      if (shared[0].load() == static_cast<std::uint64_t>(owner.tid) && shared[2].load() != owner.start_ticks) {
        shared[3].store(static_cast<std::uint64_t>(liveness(owner)) + 1);
        auto map = Map::open(name, bounded_options(2000ms));
        SHMC_ACTOR_CHECK(map.ok());
        std::uint64_t v = 0;
        auto r = find_u64(*map, key, &v);
        shared[4].store(r.ok() ? 0 : static_cast<std::uint64_t>(r.error().code) + 1);
        shared[5].store(v);
      }
      shared[1].store(1, std::memory_order_release);
      return 0;
    });
    auto outcomes = actors.run(20s);
    ASSERT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
    if (shared[3].load() == 0) {
      why_not = "attempt " + std::to_string(attempt) + ": got pid " + std::to_string(shared[0].load()) + ", wanted " +
                std::to_string(owner.tid) + " (another process took it, or it started in the owner's clock tick)";
      continue;
    }
    EXPECT_EQ(shared[3].load(), static_cast<std::uint64_t>(Liveness::dead) + 1)
        << "pid " << owner.tid << " is alive again, but not as the owner";
    EXPECT_EQ(shared[4].load(), 0u) << "the reader took the dead owner's lock over instead of waiting on the recycled pid";
    EXPECT_EQ(shared[5].load(), 1u) << "the half-done update was rolled back";
    EXPECT_EQ(m->bucket_info(6)->lock_word, 0u);
    return;
  }
  GTEST_SKIP() << "could not get PID " << owner.tid << " recycled in 20 attempts; last: " << why_not;
}

}  // namespace
}  // namespace shmc::map
