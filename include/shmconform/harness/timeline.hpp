// The timeline of a failing trial: one self-contained HTML page (and the same
// data as JSON beside it) showing one lane per actor, each operation as a bar
// from invoke to return, crashes, repairs, stuck survivors, and the checker's
// verdict drawn on top of it. docs/timeline.md describes the page and the JSON.
//
//   harness::TimelineInput in;
//   in.title = "ring:non_robust ring_push_claimed_hit2";
//   in.history = &result.history;  in.model = model.get();  in.check = &lin;  // lin may be nullptr
//   for (i ...) {
//     harness::TimelineActor a;
//     a.role = plan.actors[i].role;  a.outcome = result.outcomes[i];
//     a.crash = harness::timeline_crash(plan.actors[i].crash);
//     in.actors.push_back(std::move(a));
//   }
//   in.verdict_kind = campaign::to_string(v.kind);  in.verdict_summary = v.summary;
//   in.plan_text = plan::to_text(plan);  in.replay_line = line;
//   auto doc = harness::timeline_document(in);
//   if (auto w = harness::write_timeline(dir + "/trial.html", doc); !w) ... w.error().describe() ...
//
// The page is rendered from the embedded JSON by an inline script; a static
// SVG of the lanes and the verdict (in <noscript>) shows without JavaScript.
// Nothing is loaded from the network. Every string from the history, the
// actors or the plan is escaped: a hostile description cannot reach markup.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/model.hpp"
#include "shmconform/check/operation.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/result.hpp"

namespace shmc::harness {

inline constexpr const char* kTimelineSchema = "shmconform-timeline/1";

// How a victim was killed.
struct TimelineCrash {
  enum class Kind { point, store, kill };
  Kind kind = Kind::point;
  std::string point;        // point: the crash point's name; store: where it died ("store/3/range/0"), if known
  std::uint32_t hit = 0;    // point: its hit-th pass
  std::uint64_t store = 0;  // store: killed before its store-th store to shared memory
  std::chrono::microseconds delay{0};  // kill: SIGKILL this long after the release
  std::optional<std::uint64_t> time;   // on the history's clock, when known; else drawn after its last invoke

  static TimelineCrash at_point(std::string point, std::uint32_t hit);
  static TimelineCrash at_store(std::uint64_t store);
  static TimelineCrash after(std::chrono::microseconds delay);
};
// nullopt for a plan without a crash.
std::optional<TimelineCrash> timeline_crash(const CrashPlan& plan);

struct TimelineActor {
  std::string name;  // empty: outcome->name, else "actor <i>"
  std::string role;
  std::optional<ActorOutcome> outcome;  // how it ended (end, crash point and hit, last doing, message)
  std::optional<TimelineCrash> crash;   // the victim's planned crash
  // It could not finish within its bound (drawn with its last "doing" text).
  // An outcome that timed out counts as stuck too.
  bool stuck = false;
};

// A recovery, takeover or repair step, on the lane of the process that did it.
struct TimelineEvent {
  int actor = 0;  // lane: an actor index of the history (the test process may have its own)
  std::uint64_t time = 0;  // on the history's clock
  std::string text;        // "took over the lock of dead producer-0"
};

struct TimelineInput {
  std::string title;
  // Non-owning; must outlive timeline_document(). history and model are required;
  // check may be nullptr (the trial failed before or without the linearizability checker).
  const check::History* history = nullptr;
  const check::Model* model = nullptr;
  const check::LinearizabilityResult* check = nullptr;
  std::vector<TimelineActor> actors;  // by actor index; lanes for other indices of the history are added
  std::vector<TimelineEvent> events;
  std::string verdict_kind;     // campaign::to_string(VerdictKind): "not_linearizable"
  std::string verdict_summary;  // one line
  std::string verdict_detail;   // several lines (the checker's report, the per-actor table)
  std::string plan_text;        // plan::to_text(plan)
  std::string replay_line;
};

// Limits of the document, so a 10 000-operation history stays a few megabytes.
struct TimelineLimits {
  std::size_t state_chars = 240;  // a model state description is cut after this many characters
  std::size_t text_chars = 4000;  // any other free text (messages, detail) likewise
  // Budget of the searches the document runs itself: the longest prefix for a
  // pre-check refutation, and the other partitions of a partitioned model.
  std::size_t search_configurations = 200'000;
};

// Throws std::invalid_argument when history or model is missing, or an index
// of the check result is outside the history.
nlohmann::json timeline_document(const TimelineInput& input, const TimelineLimits& limits = {});
// One self-contained page. Throws std::invalid_argument for a document of another schema.
std::string render_timeline_html(const nlohmann::json& doc);
// Writes html_path and the JSON beside it (".html" replaced by ".json", else ".json" appended).
Result<void> write_timeline(const std::string& html_path, const nlohmann::json& doc);
std::string timeline_json_path(const std::string& html_path);

}  // namespace shmc::harness
