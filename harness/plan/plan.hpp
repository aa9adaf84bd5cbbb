// A test plan: everything random about a concurrent run, fixed before any fork.
//
// Actors with their operation lists (codes and arguments are the model's, see
// harness/check/*_model.hpp) and, per actor, at most one crash: SIGKILL at the
// hit-th pass of a crash point, or after a delay. A plan prints readably (for
// humans and for rapidcheck counterexamples) and round-trips through a
// one-line-per-actor text form, which is what `replay` takes.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "fixtures/common/result.hpp"
#include "harness/actors/actors.hpp"

namespace shmc::plan {

struct PlannedOp {
  std::uint32_t code = 0;
  std::array<std::uint64_t, 2> arg{};
  friend bool operator==(const PlannedOp&, const PlannedOp&) = default;
};

struct Crash {
  enum class Kind { none, at_point, after_delay };
  Kind kind = Kind::none;
  std::string point;            // at_point
  std::uint32_t hit = 1;        // at_point
  std::uint64_t delay_us = 0;   // after_delay
  friend bool operator==(const Crash&, const Crash&) = default;
};

struct ActorPlan {
  std::string role;  // one word, e.g. "producer"
  std::vector<PlannedOp> ops;
  Crash crash;
  friend bool operator==(const ActorPlan&, const ActorPlan&) = default;
};

struct Plan {
  std::vector<ActorPlan> actors;
  friend bool operator==(const Plan&, const Plan&) = default;
  std::size_t op_count() const;
  std::size_t crash_count() const;
};

harness::CrashPlan to_crash_plan(const Crash& crash);
std::string describe(const Crash& crash);
// Readable, several lines: one per actor with its crash and operations.
std::string describe(const Plan& plan);
// Found by rapidcheck (ADL) when it prints a counterexample.
void showValue(const Plan& plan, std::ostream& os);

// Text form, for replay:
//   shmconform-plan 1
//   actor <role> crash=none|at:<point>:<hit>|after:<microseconds>us ops=<code>:<arg0>:<arg1>,...
std::string to_text(const Plan& plan);
Result<Plan> parse_plan(std::string_view text);

}  // namespace shmc::plan
