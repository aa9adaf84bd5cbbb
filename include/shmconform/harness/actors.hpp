// Actors: the concurrent parties of a test, as forked processes (or, in TSan
// builds, as threads of one process so TSan can see races inside the fixtures).
//
//   harness::Actors actors;
//   actors.add("producer-0", [&](harness::ActorContext& ctx) { ...; return 0; });
//   actors.add("consumer", body, harness::CrashAt{"ring/pop/claimed", 3});
//   auto outcomes = actors.run(std::chrono::seconds(10));
//   EXPECT_TRUE(harness::all_ok(outcomes)) << harness::describe(outcomes);
//
// Rules, enforced where they can be:
// - An actor body runs in a child: it must not use gtest assertions (they land
//   in the child's copy of gtest). Return non-zero or throw (SHMC_ACTOR_CHECK);
//   every exception is caught and reported, and the child always _exit()s.
// - Results travel through shared memory (SharedArray, a fixture's segment),
//   never through the child's copies of variables.
// - Every run is bounded: an actor still running at the deadline is SIGKILLed
//   with its whole process group and reported as timed out with what it was
//   doing (ActorContext::doing). Actors die with the harness (PR_SET_PDEATHSIG)
//   even if the test binary is killed.
// - Crash plans (CrashAt, KillAfter) need processes; in thread mode an actor
//   with a crash plan still runs as a process (its races are then invisible to
//   TSan, which cannot see across processes anyway).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace shmc::harness {

enum class ActorMode { processes, threads };
// threads in SHMC_ACTORS_AS_THREADS (TSan) builds, processes otherwise.
ActorMode default_actor_mode();
bool crash_injection_available();  // false in builds without fault injection

// SIGKILL the actor at the hit-th time it reaches the named crash point.
struct CrashAt {
  std::string point;
  std::uint32_t hit = 1;
  friend bool operator==(const CrashAt&, const CrashAt&) = default;
};
// SIGKILL the actor `delay` after all actors were released to start.
struct KillAfter {
  std::chrono::microseconds delay{0};
  friend bool operator==(const KillAfter&, const KillAfter&) = default;
};
// SIGKILL the actor just before its store-th store to a trapped shared range
// (harness/store_crash, store_trap.hpp) inside its operation number `op`: the
// runner only records the numbers (armed_store()); whoever runs the operations
// opens the store-trap window around operation `op` (the campaign engine does,
// over every mapping of the trial's objects; a hand-written body opens its own
// window, and `op` is 0). Dies with crash_point "store/<k>/range/<i>", hit k.
struct StoreAt {
  std::uint32_t op = 0;     // index into the actor's operations
  std::uint32_t store = 1;  // 1-based
  StoreAt() = default;
  explicit StoreAt(std::uint32_t k) : store(k) {}  // a hand-written body's one window: op 0
  StoreAt(std::uint32_t op_index, std::uint32_t k) : op(op_index), store(k) {}
  friend bool operator==(const StoreAt&, const StoreAt&) = default;
};
// The one crash-plan type of actors, plans (harness/plan) and campaigns.
using CrashPlan = std::variant<std::monostate, CrashAt, KillAfter, StoreAt>;
std::string describe(const CrashPlan& plan);  // "crash at <point> hit <n>", for people
// The text form of plans: "none", "at:<point>:<hit>", "after:<microseconds>us", "store:<op>:<k>"
// (parse_crash_plan also takes the older "store:<k>", as op 0).
std::string crash_plan_text(const CrashPlan& plan);
// The inverse of crash_plan_text(); false when the text is none of those forms.
bool parse_crash_plan(std::string_view text, CrashPlan& out);
// In an actor process: the k of its StoreAt plan, 0 when it has none (store_trap reads it).
std::uint32_t armed_store();
// In an actor process: the op of its StoreAt plan, if it has one.
std::optional<std::uint32_t> armed_store_op();

class ActorContext {
 public:
  int index() const { return index_; }
  const std::string& name() const { return name_; }
  // Records what the actor is doing now; shown if it hangs or dies. Cheap
  // (a copy into shared memory); keep it under 100 characters.
  void doing(std::string_view what);
  // When the whole run's deadline falls: bounded waits inside a body should not exceed it.
  std::chrono::steady_clock::time_point deadline() const { return deadline_; }
  bool as_process() const { return as_process_; }
  // Blocks until actor `other` of this run (its index from Actors::add) has ended however it
  // ended (returned, threw, died, was killed, never started), or until `deadline`; true if it
  // ended. A real wait: the harness wakes the waiters when it reaps that actor.
  bool wait_for_end(int other, std::chrono::steady_clock::time_point deadline) const;

 private:
  friend class Actors;
  ActorContext(int index, std::string name, void* slot, void* first_slot, int actors,
               std::chrono::steady_clock::time_point deadline, bool as_process)
      : index_(index), name_(std::move(name)), slot_(slot), first_slot_(first_slot), actors_(actors),
        deadline_(deadline), as_process_(as_process) {}
  int index_;
  std::string name_;
  void* slot_;
  void* first_slot_;
  int actors_;
  std::chrono::steady_clock::time_point deadline_;
  bool as_process_;
};

// Thrown by SHMC_ACTOR_CHECK; reported with its message.
struct ActorCheckFailed : std::runtime_error {
  using std::runtime_error::runtime_error;
};
#define SHMC_ACTOR_CHECK(cond)                                                                          \
  do {                                                                                                  \
    if (!(cond))                                                                                        \
      throw ::shmc::harness::ActorCheckFailed(std::string(__FILE__ ":") + std::to_string(__LINE__) + \
                                              ": check failed: " #cond);                                \
  } while (0)

using ActorBody = std::function<int(ActorContext&)>;

struct ActorOutcome {
  enum class End {
    exited,           // body returned; exit_code is its value
    threw,            // body threw; message says what
    crashed_at_point, // killed at its armed crash point (crash_point, hit)
    killed_on_timer,  // killed by its KillAfter plan
    timed_out,        // still running at the deadline; killed
    signalled,        // died of a signal nobody planned (SIGSEGV, SIGBUS, SIGABRT ...)
    not_started,      // fork failed
  };
  std::string name;
  End end = End::not_started;
  int exit_code = 0;
  int signal = 0;
  std::string crash_point;
  std::uint32_t hit = 0;
  std::string last_doing;  // ActorContext::doing() at the end
  std::string message;
  std::chrono::microseconds ran_for{0};

  bool ok() const { return end == End::exited && exit_code == 0; }
  bool killed_by_plan() const { return end == End::crashed_at_point || end == End::killed_on_timer; }
  std::string describe() const;
};
const char* to_string(ActorOutcome::End end);

class Actors {
 public:
  explicit Actors(ActorMode mode = default_actor_mode());
  ~Actors();  // kills and reaps anything still running
  Actors(const Actors&) = delete;
  Actors& operator=(const Actors&) = delete;

  // Returns the actor's index.
  int add(std::string name, ActorBody body, CrashPlan crash = {});
  // Starts every actor, releases them together, waits at most `timeout` for all
  // to end. Returns one outcome per actor, in the order added. Call once.
  std::vector<ActorOutcome> run(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

bool all_ok(const std::vector<ActorOutcome>& outcomes);
// Every actor either succeeded or was killed by its own crash plan.
bool all_ok_or_planned_kill(const std::vector<ActorOutcome>& outcomes);
std::string describe(const std::vector<ActorOutcome>& outcomes);

// Runs one body in a forked child (always a process) and returns its outcome.
ActorOutcome run_in_child(std::string name, ActorBody body, std::chrono::milliseconds timeout, CrashPlan crash = {});

}  // namespace shmc::harness
