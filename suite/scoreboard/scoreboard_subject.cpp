// The scoreboard as a campaign subject (docs/scoreboard.md, "Campaign").
//
// Profile "": one slot, two workers and a monitor. Each worker runs rounds of
// claim, five adds, release; the armed worker (worker 0) dies at the armed
// point while it owns the slot, and worker 1 starts after that death, so its
// first claim must reclaim the dead worker's slot. Before that claim it forces
// the dead worker's PID onto a live probe process (ns_last_pid) and lets the
// probe claim: a live process wearing a dead owner's PID must not stop the
// reclaim (the planted bare-PID board reports full, and the worker is stuck).
// The monitor reads the whole board lock-free all along. Profile "long": both
// workers contend for the slot, for random kills.
//
// The model is a register per worker (check::reg): claim writes 0, an add
// writes the worker's running total, and the monitor's read of a worker is the
// counter of the slot tagged with it (counter 1 holds worker + 1), or `unseen`
// when no slot shows it (free, changing tenure, reclaimed by another). So a
// monitor that saw a live worker's counter go backwards, or a value it never
// reached, fails linearizability. Release is recorded as an unseen read.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "fixtures/scoreboard/scoreboard.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/register_model.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "suite/harness/pid_reuse.hpp"

namespace shmc::scoreboard::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;
using Clock = std::chrono::steady_clock;

// Operations: write(k, 0) claims, write(k, n > 0) is the nth add of the tenure, read(k) with
// arg[1] = kReleaseFlag releases; a plain read(k) is the monitor's.
constexpr std::uint64_t kReleaseFlag = 1;
constexpr int kWorkers = 2;
constexpr int kAddsPerRound = 5;
constexpr std::uint32_t kRounds = 3;

// Whether the workers of this build can fork a probe at a recycled PID (forked processes, root).
bool probes_recycled_pids() {
  return harness::default_actor_mode() == harness::ActorMode::processes && shmc::testing::can_recycle_pids();
}

template <class O>
pid_t pid_of(std::uint64_t owner) {
  if constexpr (std::is_same_v<O, IdentityOwners>) return unpack(owner).tid;
  else return static_cast<pid_t>(owner);
}

bool zombie(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/stat", static_cast<int>(pid));
  std::FILE* f = std::fopen(path, "re");
  if (f == nullptr) return false;
  char buf[512] = {};
  const std::size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  const char* close = std::strrchr(buf, ')');  // the state follows the command name, which may hold spaces
  return n > 0 && close != nullptr && close[1] == ' ' && close[2] == 'Z';
}

template <class O>
class BoardInstance final : public campaign::Instance {
 public:
  BoardInstance(BasicScoreboard<O> board, std::string name) : board_(std::move(board)), name_(std::move(name)) {}

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    const std::uint64_t k = op.arg[0];
    if (op.code == check::reg::kRead && op.arg[1] != kReleaseFlag) return monitor_read(k);
    if (op.code == check::reg::kWrite && op.arg[1] == 0) return claim(k, ctx);
    if (!worker_) return OpResult::corrupt("add or release without a slot");
    if (op.code == check::reg::kWrite) {
      if (auto r = worker_->add(0, 1); !r) return OpResult::corrupt("add: " + r.error().describe());
      return OpResult::done(check::reg::kOk);
    }
    auto r = worker_->release();
    worker_.reset();
    if (!r) return OpResult::corrupt("release: " + r.error().describe());
    return OpResult::done(check::reg::kUnseen);
  }

  OpResult monitor_read(std::uint64_t k) {
    for (const SlotView& v : board_.snapshot())
      if (v.state == SlotView::State::held && v.counters[1] == k + 1) return OpResult::done(check::reg::kOk, v.counters[0]);
    return OpResult::done(check::reg::kUnseen);
  }

 private:
  OpResult claim(std::uint64_t k, campaign::OpContext& ctx) {
    if (worker_) return OpResult::corrupt("claim while holding a slot");
    if (probes_recycled_pids()) {
      if (auto stuck = probe_recycled_owners(ctx)) return *stuck;
    }
    ctx.doing("claiming a slot");
    std::string full;
    const bool got = harness::poll_until(
        [&] {
          auto w = board_.claim();
          if (w) {
            worker_.emplace(std::move(*w));
            return true;
          }
          full = w.error().describe();
          return w.error().code != Errc::already_exists;  // anything but "full" ends the wait
        },
        ctx.deadline());
    if (!worker_) return got ? OpResult::corrupt("claim: " + full) : OpResult::stuck("claim until its deadline: " + full);
    if (auto r = worker_->add(1, k + 1); !r) return OpResult::corrupt("tag: " + r.error().describe());
    return OpResult::done(check::reg::kOk);
  }

  // A slot owned by a process the policy calls dead: put its PID on a live probe and let
  // the probe claim. The probe must get the slot (then gives it back); a board that calls
  // the probe the owner never reclaims: stuck.
  std::optional<OpResult> probe_recycled_owners(campaign::OpContext& ctx) {
    for (const SlotView& v : board_.snapshot()) {
      if (v.owner == 0) continue;
      const pid_t dead = pid_of<O>(v.owner);
      // A killed worker not yet reaped is a zombie, which both policies call alive: wait for the reap
      // (bounded) so the probe, not a plain claim, is the first to meet the dead owner.
      if (!O::is_dead(v.owner) && zombie(dead))
        harness::poll_until([&] { return ::kill(dead, 0) != 0 && errno == ESRCH; }, ctx.deadline());
      if (!O::is_dead(v.owner)) continue;
      const std::uint64_t dead_ticks = std::is_same_v<O, IdentityOwners> ? unpack(v.owner).start_ticks : ~0ULL;
      ctx.doing("probing slot of dead pid " + std::to_string(dead) + " from a process wearing its pid");
      // Other processes on the machine may take the PID first (or the probe may start in the dead
      // owner's clock tick): try until the probe wears it, within the operation's bound.
      for (int attempt = 0; attempt < 500 && Clock::now() < ctx.deadline(); ++attempt) {
        if (shmc::testing::set_last_pid(dead - 1) != 0) return std::nullopt;
        auto probe = harness::run_in_child(
            "recycled-pid-probe",
            [&](harness::ActorContext&) {
              // 3: not the PID, or started in the dead owner's clock tick (no identity can tell those apart)
              if (::getpid() != dead || identity_of(::getpid()).start_ticks == dead_ticks) return 3;
              auto b = BasicScoreboard<O>::open(name_);
              if (!b) return 4;
              auto w = b->claim();
              if (w) return w->release() ? 0 : 5;
              return w.error().code == Errc::already_exists ? 1 : 6;
            },
            // A floor, not what is left of the op's bound: after many retries under load that was 7 ms
            // once, and a probe timed out for the machine's sake would read as a corrupt board.
            std::max(std::chrono::milliseconds(1000),
                     std::chrono::duration_cast<std::chrono::milliseconds>(ctx.deadline() - Clock::now())));
        if (probe.end != harness::ActorOutcome::End::exited) return OpResult::corrupt("probe: " + probe.describe());
        if (probe.exit_code == 3) continue;
        if (probe.exit_code == 1)
          return OpResult::stuck("the slot of dead pid " + std::to_string(dead) +
                                 " is never reclaimed: a live process wears that pid, and the board says full");
        if (probe.exit_code != 0) return OpResult::corrupt("probe exited " + std::to_string(probe.exit_code));
        return std::nullopt;
      }
    }
    return std::nullopt;
  }

  BasicScoreboard<O> board_;
  std::string name_;
  std::optional<BasicWorker<O>> worker_;
};


template <class O>
class BoardSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup&) const override {
    return {{"worker", kWorkers}, {"monitor", 1}};
  }

  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64&) const override {
    std::vector<Op> ops;
    const std::uint32_t rounds = setup.profile == "long" ? 40 * kRounds : kRounds;
    if (role == "worker") {
      const auto k = static_cast<std::uint64_t>(actor);
      for (std::uint32_t r = 0; r < rounds; ++r) {
        ops.push_back(Op{check::reg::kWrite, {k, 0}});
        for (std::uint64_t n = 1; n <= kAddsPerRound; ++n) ops.push_back(Op{check::reg::kWrite, {k, n}});
        ops.push_back(Op{check::reg::kRead, {k, kReleaseFlag}});
      }
      return ops;
    }
    for (std::uint32_t i = 0; i < 60 * rounds; ++i)
      ops.push_back(Op{check::reg::kRead, {i % kWorkers, 0}});
    return ops;
  }

  std::unique_ptr<check::Model> model(const campaign::TrialSetup&) const override {
    return std::make_unique<check::reg::Model>();
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto b = BasicScoreboard<O>::create(setup.name, 1);
    if (!b) return b.error();
    owner_ = std::make_unique<BasicScoreboard<O>>(std::move(*b));
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto b = BasicScoreboard<O>::open(setup.name);
    if (!b) return b.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<BoardInstance<O>>(std::move(*b), setup.name));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    using campaign::Gate;
    return {{.prefix = "scoreboard/update/", .role = "worker", .gate = Gate::same_role_waits},
            {.prefix = "scoreboard/", .role = "worker", .gate = Gate::same_role_waits, .max_hit = kRounds}};
  }

  campaign::RandomKills random_kills() const override { return {200us, 3000us, "long"}; }

  std::vector<Op> audit(const campaign::TrialSetup&) const override {
    return {Op{check::reg::kRead, {0, 0}}, Op{check::reg::kRead, {1, 0}}};
  }

 private:
  std::unique_ptr<BasicScoreboard<O>> owner_;  // the creator's handle: its destructor unlinks the segment
};

}  // namespace

SHMC_REGISTER_SUBJECT(scoreboard_identity,
                      {.subject = "scoreboard",
                       .variant = "identity",
                       .description = "worker slots owned by process identities; a dead worker's slot is reclaimed",
                       .make = [] { return std::make_unique<BoardSubject<IdentityOwners>>(); }});
SHMC_REGISTER_SUBJECT(
    scoreboard_bare_pid,
    {.subject = "scoreboard",
     .variant = "bare_pid",
     .description = "planted bug: owners are bare PIDs; once a dead worker's PID is recycled its slot is kept forever",
     .make = [] { return std::make_unique<BoardSubject<BarePidOwners>>(); },
     .expect = campaign::Expectation::finding({campaign::VerdictKind::ok, campaign::VerdictKind::survivor_stuck},
                                              [](const campaign::TrialSpec& trial) {
                                                // Every point leaves the slot owned by the dead worker; the
                                                // probe needs forked actors and ns_last_pid.
                                                return trial.family == "point" && probes_recycled_pids()
                                                           ? campaign::VerdictSet{campaign::VerdictKind::survivor_stuck}
                                                           : campaign::VerdictSet{};
                                              }),
     .op_bound = 500ms});

}  // namespace shmc::scoreboard::testing
