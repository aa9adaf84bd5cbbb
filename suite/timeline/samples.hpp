// Failing trials for the timeline tests, shaped like the planted bugs: a ring
// whose producer died mid-push and whose consumer then popped an item twice
// (the queue pre-check's "value popped twice"), a survivor left stuck behind
// the dead producer's slot, a repair by the test process; a map that loses
// one key's insert; and the same ring history stretched to any length.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/map_model.hpp"
#include "shmconform/check/queue_model.hpp"
#include "shmconform/harness/timeline.hpp"
#include "suite/check/histories.hpp"

namespace shmc::timeline_test {

// A trial: the input and everything it points to.
struct Trial {
  check::History history;
  std::unique_ptr<check::Model> model;
  check::LinearizabilityResult result;
  harness::TimelineInput input;

  // After the members above are final: point the input at them.
  void bind() {
    result = check::check_linearizable(history, *model);
    input.history = &history;
    input.model = model.get();
    input.check = &result;
  }
};

// How often `what` occurs in a page or a DOM.
inline std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

inline harness::ActorOutcome outcome(std::string name, harness::ActorOutcome::End end, std::string doing = {}) {
  harness::ActorOutcome o;
  o.name = std::move(name);
  o.end = end;
  o.last_doing = std::move(doing);
  return o;
}

inline harness::TimelineActor actor(std::string role, harness::ActorOutcome o) {
  harness::TimelineActor a;
  a.role = std::move(role);
  a.outcome = std::move(o);
  return a;
}

// `rounds` extra push/pop rounds before the failure make it as long as wanted
// (each round: 2 producers push one item each, the consumer pops both).
inline void ring_planted_bug(Trial& t, std::size_t rounds = 0) {
  using namespace check::testing;
  using End = harness::ActorOutcome::End;
  t.model = std::make_unique<check::queue::Model>(check::queue::Options{.capacity = 8});
  std::uint64_t now = 1, item = 100;
  for (std::size_t r = 0; r < rounds; ++r) {
    const std::uint64_t a = item++, b = item++;
    t.history.push_back(push(0, a, now, now + 2));
    t.history.push_back(push(1, b, now + 1, now + 3));
    t.history.push_back(pop(2, a, now + 4, now + 5));
    t.history.push_back(pop(2, b, now + 6, now + 7));
    now += 8;
  }
  t.history.push_back(push(0, 7, now, now + 2));                 // producer-0: push(7) ok
  t.history.push_back(crashed(push(0, 8, now + 3, 0)));          // producer-0 dies mid-push(8)
  t.history.push_back(push(1, 9, now + 1, now + 4));             // producer-1: push(9) ok
  t.history.push_back(pop(2, 7, now + 5, now + 6));              // consumer-0: 7
  t.history.push_back(pop(2, 7, now + 7, now + 9));              // consumer-0: 7 again: the planted bug
  t.history.push_back(crashed(pop(3, 0, now + 8, 0)));           // consumer-1: stuck behind the dead slot
  t.history.push_back(pop(4, 9, now + 12, now + 13));            // test process: audit pop after the repair

  auto victim = actor("producer", outcome("producer-0", End::crashed_at_point));
  victim.outcome->crash_point = "ring/push/claimed";
  victim.outcome->hit = 2;
  victim.crash = harness::TimelineCrash::at_point("ring/push/claimed", 2);
  t.input.actors.push_back(victim);
  t.input.actors.push_back(actor("producer", outcome("producer-1", End::exited)));
  t.input.actors.push_back(actor("consumer", outcome("consumer-0", End::exited)));
  auto stuck = actor("consumer", outcome("consumer-1", End::timed_out, "pop: waiting for slot 3 claimed by producer-0"));
  t.input.actors.push_back(stuck);
  t.input.actors.push_back(actor("test", outcome("test process", End::exited)));
  t.input.events.push_back({4, now + 10, "repaired slot 3 of dead producer-0"});
  t.input.title = "ring:planted_double_pop ring_push_claimed_hit2";
  t.input.verdict_kind = "duplicated";
  t.input.verdict_summary = "item 7 delivered twice after producer-0 died at ring/push/claimed hit 2";
  t.input.plan_text = "shmconform-plan 2\nactor producer crash=at:ring/push/claimed:2 ops=1:7:0,1:8:0\n";
  t.input.replay_line = "shmconform replay ring:planted_double_pop --trial ring_push_claimed_hit2 --seed 0x5eed0005";
  t.bind();
}

// Keys 1..4 behave; key 3's insert is acknowledged and then not found.
inline void map_lost_insert(Trial& t) {
  using namespace check::testing;
  using End = harness::ActorOutcome::End;
  t.model = std::make_unique<check::map::Model>();
  t.history = {insert(0, 1, 10, 1, 2),  insert(1, 2, 20, 1, 3),  find(0, 1, 4, 5, 10),
               insert(0, 3, 30, 6, 7),  find(1, 2, 6, 8, 20),    find(1, 3, 9, 10, 0, check::map::kNotFound),
               insert(0, 4, 40, 11, 12), erase(1, 1, 11, 13),    find(0, 4, 14, 15, 40)};
  t.input.actors.push_back(actor("writer", outcome("writer-0", End::exited)));
  t.input.actors.push_back(actor("writer", outcome("writer-1", End::exited)));
  t.input.title = "map:planted_lost_insert";
  t.input.verdict_kind = "not_linearizable";
  t.input.verdict_summary = "find(3) after an acknowledged insert(3, 30) reports not_found";
  t.bind();
}

}  // namespace shmc::timeline_test
