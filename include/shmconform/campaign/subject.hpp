// A Subject: what a user writes to put a shared-memory structure under the
// campaign engine (campaign.hpp). About the size of a Lincheck test class:
//
//   class CounterSubject : public shmc::campaign::Subject {
//    public:
//     std::vector<Role> roles(const TrialSetup&) const override { return {{"adder", 2}}; }
//     std::vector<Op> operations(const TrialSetup&, const std::string&, int, std::mt19937_64&) const override {
//       return std::vector<Op>(20, Op{check::counter::kAdd, {1, 0}});
//     }
//     std::unique_ptr<check::Model> model(const TrialSetup&) const override { return std::make_unique<check::counter::Model>(); }
//     Result<void> create(const TrialSetup& s) override { ... make the segment named s.name ... }
//     Result<std::unique_ptr<Instance>> open(const TrialSetup& s) override { ... map it, wrap it ... }
//     std::vector<PointRule> point_rules() const override { return {{.prefix = "counter/", .role = "adder"}}; }
//   };
//
// The engine generates each actor's operations before any fork, runs the
// actors as processes (threads in TSan builds), records every operation in a
// crash-surviving history (invoke before perform(), complete after), kills
// the victim where the schedule says, and judges the trial: survivors' results,
// recovery, drain, the subject's own validate(), the delivery checker for item
// queues, and the linearizability checker against model(). docs/campaign.md
// has the whole route; examples/ has a complete out-of-tree subject.
//
// Life cycle of one trial, and where each call runs:
//   test process: create(setup)
//   each actor:   open(setup), then perform(op) for each of its operations
//   test process: open(setup), recover(), audit ops, drain(), validate(); the Subject is then destroyed
//                 (its destructor removes what create() made; it runs in the test process only:
//                 actors always _exit()).
// In thread-actor builds (TSan) open() and perform() run on several threads at
// once: they must not share mutable state of the Subject object.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "shmconform/campaign/verdict.hpp"
#include "shmconform/check/delivery.hpp"
#include "shmconform/check/model.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/plan/plan.hpp"
#include "shmconform/runtime/result.hpp"

namespace shmc::campaign {

// One operation: a model code and two argument words (see the model's header).
using Op = plan::PlannedOp;

// What perform() returns: the result the model expects, or why there is none.
struct OpResult {
  enum class Kind {
    done,     // status and value are the operation's result, as the model defines them
    stuck,    // it waited its whole bound (OpContext::deadline) although progress was possible
    corrupt,  // the structure returned or detected something nobody wrote
  };
  Kind kind = Kind::done;
  std::uint32_t status = 0;
  std::array<std::uint64_t, 2> value{};
  std::string detail{};  // for stuck/corrupt: what it saw ("pop stalled at tail 7 for 2000 ms")

  static OpResult done(std::uint32_t status, std::uint64_t v0 = 0, std::uint64_t v1 = 0) {
    return OpResult{Kind::done, status, {v0, v1}, {}};
  }
  static OpResult stuck(std::string what) { return OpResult{Kind::stuck, 0, {}, std::move(what)}; }
  static OpResult corrupt(std::string what) { return OpResult{Kind::corrupt, 0, {}, std::move(what)}; }
};

// What an operation may ask the engine while it runs.
class OpContext {
 public:
  virtual ~OpContext() = default;
  // Every other actor of `role` has ended (returned or died): nothing more will come from them.
  // A consumer's "empty" is final only then.
  virtual bool role_ended(std::string_view role) const = 0;
  // Past this instant, waiting while progress was possible is OpResult::stuck.
  virtual std::chrono::steady_clock::time_point deadline() const = 0;
  // What the actor is doing now; shown if it gets stuck or hangs. Under 100 characters.
  virtual void doing(std::string_view what) = 0;
  virtual int actor() const = 0;  // this actor's index in the plan
};

// The structure as opened in one process.
class Instance {
 public:
  virtual ~Instance() = default;
  // Throwing is a harness error (a bug in the subject), not a verdict about the structure.
  virtual OpResult perform(const Op& op, OpContext& ctx) = 0;
};

struct Role {
  std::string name{};  // one word: "producer"
  std::uint32_t count = 1;
};

// Who else waits for the armed actor to end before starting: so that it is
// the only actor of its role until it dies, and surely reaches its hit.
enum class Gate { none, same_role_waits, all_wait };

// How the campaign arms the crash points whose names start with `prefix`
// (the first matching rule of point_rules() wins; a point of the subject that
// no rule matches is a harness error, so a new point is never silently untested).
struct PointRule {
  std::string prefix{};
  std::string role{};         // the first actor of this role is armed; empty: skipped, skip_reason says why
  std::string skip_reason{};  // "the plain variant keeps no undo record"
  Gate gate = Gate::none;
  // Reached only after an earlier death: an actor of prior_role runs alone
  // first and must die at `prior` (a dead claimant the armed actor then repairs).
  std::string prior_role{};
  harness::CrashAt prior{};
  bool prior_per_hit = false;  // hit n gets n such deaths (n things to repair)
  std::uint32_t max_hit = 0;   // 0: the campaign's hits
  std::string profile{};         // TrialSetup::profile for these trials
};

// Random-kill trials: a SIGKILL of a random actor, this long after all actors were released,
// in this set-up (enough work that the kill lands mid-run; a victim that finished first is a harness error).
struct RandomKills {
  std::chrono::microseconds min{500}, max{15000};
  std::string profile{};
};

struct TrialSetup {
  std::string name{};     // unique /shmconform-... name: everything the trial creates is named from it
  std::string profile{};  // a PointRule's profile ("" by default)
  std::chrono::milliseconds op_bound{2000};  // OpContext::deadline is this far from an operation's start
};

// A finding of a hook below: its kind and what it saw.
struct Problem {
  VerdictKind kind = VerdictKind::invariant_broken;
  std::string detail{};
};

class Subject {
 public:
  virtual ~Subject() = default;

  // ---- required ----
  virtual std::vector<Role> roles(const TrialSetup& setup) const = 0;
  // The operations of one actor, from a seeded generator (called before any fork).
  // `actor` is unique within a trial: items a producer makes should carry it.
  virtual std::vector<Op> operations(const TrialSetup& setup, const std::string& role, int actor,
                                     std::mt19937_64& rng) const = 0;
  // The sequential specification: the models in include/shmconform/check/ or the subject's own.
  virtual std::unique_ptr<check::Model> model(const TrialSetup& setup) const = 0;
  // In the test process, before any actor starts.
  virtual Result<void> create(const TrialSetup& setup) = 0;
  // In each actor, and in the test process after the run.
  virtual Result<std::unique_ptr<Instance>> open(const TrialSetup& setup) = 0;

  // ---- optional ----
  // Which crash points to arm, and how. Default: none (random kills only).
  virtual std::vector<PointRule> point_rules() const { return {}; }
  virtual RandomKills random_kills() const { return {}; }
  // After the run, in the test process: what a survivor or monitor does after a peer's death
  // (unblock a dead claimant's slot, take a dead holder's lock over). Bounded like every wait.
  virtual std::optional<Problem> recover(Instance&) { return std::nullopt; }
  // Operations the test process performs after recovery, recorded like an actor's (the map reads every key).
  virtual std::vector<Op> audit(const TrialSetup&) const { return {}; }
  // A queue of check::delivery items: drain() returns what is left, and the delivery checker runs
  // (lost, duplicated, corrupted). Push arguments must be delivery::encode(item) words.
  virtual bool delivers_items() const { return false; }
  virtual std::optional<Problem> drain(Instance&, std::vector<check::delivery::Item>&) { return std::nullopt; }
  // The structure's own invariant check on the final state.
  virtual std::optional<Problem> validate(Instance&) { return std::nullopt; }
};

}  // namespace shmc::campaign
