// The scoreboard in `shmconform report` (section "scoreboard"), one gtest each
// in scoreboard_rows_test: a dead worker's slot is reclaimed even once its PID
// is worn by a live process, a live worker's never (also when its liveness
// cannot be read), and a full board is a clear error naming the owners.
// docs/scoreboard.md has the protocol.
#include "suite/scoreboard/checks_scoreboard.hpp"

#include <atomic>
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/harness/pid_reuse.hpp"
#include "suite/harness/unknown_liveness.hpp"
#include "suite/scoreboard/pid_reuse_claim.hpp"

namespace shmc::scoreboard::rows {

namespace {

using conformance::Outcome;
using namespace std::chrono_literals;

constexpr std::uint32_t kLive = 2;  // live workers, one slot each: the board is full

// Between the live workers and the claimant, in anonymous shared memory.
struct LiveBoard {
  std::atomic<std::uint32_t> held[kLive];        // slot + 1 once worker i holds it
  std::atomic<std::int32_t> tid[kLive];          // worker i's tid
  std::atomic<std::uint32_t> kept[kLive];        // worker i still owned its slot and counter after the claims
  std::atomic<std::uint32_t> claims_done, workers_done, unknown_tried;
  std::atomic<std::int32_t> plain_result, unknown_result;  // Errc + 1 of each claim; 0 = it took a slot
  char plain_message[512], unknown_message[512];
};

void keep_message(char (&to)[512], const std::string& text) {
  const std::size_t n = std::min(text.size(), sizeof to - 1);
  std::memcpy(to, text.data(), n);
  to[n] = '\0';
}

std::int32_t result_of(const Result<Worker>& w, char (&message)[512]) {
  keep_message(message, w ? "claimed slot " + std::to_string(w->slot()) : w.error().describe());
  return w ? 0 : static_cast<std::int32_t>(w.error().code) + 1;
}

constexpr std::int32_t kFull = static_cast<std::int32_t>(Errc::already_exists) + 1;

}  // namespace

template <class Board>
Outcome dead_worker_reclaimed_after_pid_reuse() {
  if (!harness::crash_injection_available())
    return conformance::untested("crash points compiled out: one kills the worker while it holds its slot");
  if (!shmc::testing::can_recycle_pids())
    return conformance::unsupported("forcing a PID onto a new process needs write access to "
                                    "/proc/sys/kernel/ns_last_pid (root in this PID namespace)");
  bool skipped = false;
  std::string why;
  const std::uint64_t r = testing::claim_after_pid_reuse<Board>(&skipped, &why);
  if (skipped) return conformance::unsupported(why);
  if (r != 0)
    return conformance::fail("the claim after the dead worker's PID was recycled failed with " +
                             std::string(to_string(static_cast<Errc>(r - 1))) +
                             ": the live process wearing the PID was taken for the dead owner");
  return conformance::pass("a worker killed at scoreboard/update/counted held the only slot; its PID was recycled "
                           "onto a live process (at a later clock tick); the next claim reclaimed the slot");
}

Outcome live_workers_never_reclaimed(bool planted_unknown_is_dead) {
  const auto name = harness::unique_name("sb-row-full");
  auto b = Scoreboard::create(name, kLive);
  if (!b) return conformance::fail(b.error().describe());
  harness::SharedArray<LiveBoard> shared(1);
  LiveBoard& s = shared[0];
  const bool unknown_available = liveness_testing::UnknownLiveness::available();
  harness::Actors actors(harness::ActorMode::processes);
  for (std::uint32_t i = 0; i < kLive; ++i) {
    actors.add("worker-" + std::to_string(i), [&, i](harness::ActorContext& ctx) {
      auto sb = Scoreboard::open(name);
      SHMC_ACTOR_CHECK(sb.ok());
      auto w = sb->claim();
      SHMC_ACTOR_CHECK(w.ok());
      SHMC_ACTOR_CHECK(w->add(0, 5).ok());
      s.tid[i].store(self_identity().tid);
      s.held[i].store(w->slot() + 1);
      ctx.doing("holding slot " + std::to_string(w->slot()) + " while another process claims");
      SHMC_ACTOR_CHECK(harness::poll_until([&] { return s.claims_done.load() != 0; }, ctx.deadline()));
      const auto v = sb->read_slot(w->slot());
      if (w->add(0, 1).ok() && v && v->tenant == pack(self_identity()) && v->counters[0] == 5) s.kept[i].store(1);
      s.workers_done.fetch_add(1);
      return 0;
    });
  }
  actors.add("claimant", [&](harness::ActorContext& ctx) {
    SHMC_ACTOR_CHECK(harness::poll_until([&] { return s.held[0].load() != 0 && s.held[1].load() != 0; }, ctx.deadline()));
    auto sb = Scoreboard::open(name);
    SHMC_ACTOR_CHECK(sb.ok());
    std::vector<Worker> taken;  // held until the workers have looked: a robbed slot must stay robbed
    auto plain = sb->claim();
    s.plain_result.store(result_of(plain, s.plain_message));
    if (plain) taken.push_back(std::move(*plain));
    if (unknown_available) {
      liveness_testing::UnknownLiveness unknown(planted_unknown_is_dead);
      auto blind = sb->claim();
      s.unknown_result.store(result_of(blind, s.unknown_message));
      s.unknown_tried.store(1);
      if (blind) taken.push_back(std::move(*blind));
    }
    s.claims_done.store(1);
    SHMC_ACTOR_CHECK(harness::poll_until([&] { return s.workers_done.load() == kLive; }, ctx.deadline()));
    return 0;
  });
  auto out = actors.run(10s);
  if (!harness::all_ok(out)) return conformance::fail(harness::describe(out));
  std::string problems;
  const std::string plain_message = s.plain_message;
  if (s.plain_result.load() != kFull) {
    problems += "a claim with both slots held by live workers did not fail as full: " + plain_message + "; ";
  } else {
    if (plain_message.find("full") == std::string::npos) problems += "the full-board error does not say full; ";
    for (std::uint32_t i = 0; i < kLive; ++i)
      if (plain_message.find("tid " + std::to_string(s.tid[i].load()) + " ") == std::string::npos)
        problems += "the full-board error does not name worker " + std::to_string(i) + "; ";
  }
  if (s.unknown_tried.load() != 0 && s.unknown_result.load() != kFull)
    problems += std::string("a claim while the owners' liveness could not be read (unknown) did not fail as full: ") +
                s.unknown_message + "; ";
  for (std::uint32_t i = 0; i < kLive; ++i)
    if (s.kept[i].load() == 0) problems += "live worker " + std::to_string(i) + " lost its slot or its counter; ";
  if (!problems.empty()) return conformance::fail(problems.substr(0, problems.size() - 2));
  return conformance::pass(
      "both slots held by live workers in other processes: a claim said \"" + plain_message + "\"" +
      (s.unknown_tried.load() != 0 ? "; with the owners' liveness unreadable (as under hidepid) it was full too"
                                   : "; unknown liveness not tried (no fault points in this build)") +
      "; both workers kept their slots and counters");
}

template Outcome dead_worker_reclaimed_after_pid_reuse<Scoreboard>();
template Outcome dead_worker_reclaimed_after_pid_reuse<BarePidScoreboard>();

}  // namespace shmc::scoreboard::rows

namespace {

namespace rows = shmc::scoreboard::rows;

constexpr const char* kSection = "scoreboard";

SHMC_CHECK("scoreboard.dead_worker.reclaimed_after_pid_reuse", kSection,
           "a worker SIGKILLed holding the only slot, its PID then worn by a live process: the next claim "
           "reclaims the slot (owners are tid + start time, never a bare PID)") {
  return rows::dead_worker_reclaimed_after_pid_reuse<shmc::scoreboard::Scoreboard>();
}

SHMC_CHECK("scoreboard.live_workers.never_reclaimed", kSection,
           "every slot held by a live worker: a claim fails with a clear \"board full\" naming each owner, also "
           "while the owners' liveness cannot be read; the live workers keep their slots and counters") {
  return rows::live_workers_never_reclaimed(false);
}

}  // namespace
