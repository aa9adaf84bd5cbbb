// A dead worker's PID recycled onto a live process, then a claim: shared by
// scoreboard_pid_reuse_test and the report row (checks_scoreboard.cpp).
// A worker dies holding the only slot, its PID is forced onto a new live
// process (ns_last_pid, at a later clock tick than the dead worker started),
// and a third process claims. Identity owners reclaim; the planted bare-PID
// owners take the live process for the dead owner and report the board full.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <unistd.h>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/pid_reuse.hpp"

namespace shmc::scoreboard::testing {

// Returns Errc + 1 of that claim (0 = reclaimed), or sets *skipped and *why when the PID could not be
// recycled. Throws std::runtime_error when the set-up itself fails.
template <class Board>
std::uint64_t claim_after_pid_reuse(bool* skipped, std::string* why) {
  using namespace std::chrono_literals;
  const auto name = harness::unique_name("sb-pid-reuse");
  auto b = Board::create(name, 1);
  if (!b.ok()) throw std::runtime_error(b.error().describe());
  // [0] dead pid, [1] recycled pid, [2] done, [3] result, [4] dead start ticks, [5] recycled start ticks, [6] claimed
  harness::SharedArray<std::atomic<std::uint64_t>> shared(7);
  auto died = harness::run_in_child(
      "worker",
      [&](harness::ActorContext&) {
        auto sb = Board::open(name);
        SHMC_ACTOR_CHECK(sb.ok());
        auto w = sb->claim();
        SHMC_ACTOR_CHECK(w.ok());
        shared[0].store(static_cast<std::uint64_t>(::getpid()));
        shared[4].store(self_identity().start_ticks);
        SHMC_ACTOR_CHECK(w->add(0, 1).ok());
        return 0;
      },
      10s, harness::CrashAt{"scoreboard/update/counted", 1});
  if (died.end != harness::ActorOutcome::End::crashed_at_point) throw std::runtime_error(died.describe());
  const auto dead = static_cast<pid_t>(shared[0].load());
  for (int attempt = 0; attempt < 20; ++attempt) {
    for (int k : {1, 2, 3, 5, 6}) shared[k].store(0);
    if (int err = shmc::testing::set_last_pid(dead - 1); err != 0) {
      *skipped = true;
      *why = std::string("writing /proc/sys/kernel/ns_last_pid failed: ") + std::strerror(err);
      return 0;
    }
    harness::Actors actors(harness::ActorMode::processes);
    actors.add("recycled", [&](harness::ActorContext& ctx) {
      shared[5].store(identity_of(::getpid()).start_ticks);
      shared[1].store(static_cast<std::uint64_t>(::getpid()), std::memory_order_release);
      SHMC_ACTOR_CHECK(harness::poll_until([&] { return shared[2].load() != 0; }, ctx.deadline()));
      return 0;
    });
    actors.add("claimant", [&](harness::ActorContext& ctx) {
      SHMC_ACTOR_CHECK(harness::poll_until([&] { return shared[1].load() != 0; }, ctx.deadline()));
      // Only meaningful if the PID really was recycled, at a later clock tick than the dead worker started.
      if (shared[1].load() == static_cast<std::uint64_t>(dead) && shared[5].load() != shared[4].load()) {
        shared[6].store(1);
        auto sb = Board::open(name);
        SHMC_ACTOR_CHECK(sb.ok());
        auto w = sb->claim();
        shared[3].store(w.ok() ? 0 : static_cast<std::uint64_t>(w.error().code) + 1);
      }
      shared[2].store(1);
      return 0;
    });
    auto outcomes = actors.run(20s);
    if (!harness::all_ok(outcomes)) throw std::runtime_error(harness::describe(outcomes));
    if (shared[6].load() != 0) return shared[3].load();
  }
  *skipped = true;
  *why = "could not get pid " + std::to_string(dead) + " recycled at a later clock tick in 20 attempts";
  return 0;
}

}  // namespace shmc::scoreboard::testing
