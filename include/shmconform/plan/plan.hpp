// A test plan: everything random about a concurrent run, fixed before any fork.
//
// Actors with their operation lists (codes and arguments are the model's, see
// include/shmconform/check/*_model.hpp) and, per actor, at most one crash
// (harness::CrashPlan: SIGKILL at the hit-th pass of a crash point, or after a
// delay). Campaigns add two things: actors that run alone, one after another,
// before the concurrent run and must die there (`prior`: the earlier death a
// repair point needs), and actors that start only once another has ended
// (`waits_for`: so an armed actor is the only one of its role until it dies).
//
// A plan prints readably (for humans and rapidcheck counterexamples) and
// round-trips through a one-line-per-actor text form, which `replay` takes.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/result.hpp"

namespace shmc::plan {

struct PlannedOp {
  std::uint32_t code = 0;
  std::array<std::uint64_t, 2> arg{};
  friend bool operator==(const PlannedOp&, const PlannedOp&) = default;
};

struct ActorPlan {
  std::string role;  // one word, e.g. "producer"
  std::vector<PlannedOp> ops;
  harness::CrashPlan crash;
  bool prior = false;  // runs alone before the concurrent run, and must die by its crash
  int waits_for = -1;  // index of the actor whose end this one waits for before its first operation
  friend bool operator==(const ActorPlan&, const ActorPlan&) = default;
};

struct Plan {
  std::vector<ActorPlan> actors;
  std::string profile{};  // the subject's set-up variant for this plan ("" = its default)
  friend bool operator==(const Plan&, const Plan&) = default;
  std::size_t op_count() const;
  std::size_t crash_count() const;
};

// Readable, several lines: one per actor with its crash and operations.
std::string describe(const Plan& plan);
// Found by rapidcheck (ADL) when it prints a counterexample.
void showValue(const Plan& plan, std::ostream& os);

// Text form, for replay:
//   shmconform-plan 2
//   profile <name>                       (optional)
//   actor <role> crash=none|at:<point>:<hit>|after:<microseconds>us [prior] [waits-for=<n>] ops=<code>:<arg0>:<arg1>,...
// An operation repeated k times in a row may be written <code>:<arg0>:<arg1>*k.
// Version 1 texts (no profile, prior or waits-for) are still read.
std::string to_text(const Plan& plan);
Result<Plan> parse_plan(std::string_view text);

}  // namespace shmc::plan
