// timeline_document(): the JSON every view of a failing trial is drawn from.
#include <algorithm>
#include <map>
#include <stdexcept>

#include "harness/timeline/sections.hpp"
#include "harness/timeline/text.hpp"
#include "shmconform/harness/timeline.hpp"

namespace shmc::harness {

using nlohmann::json;

TimelineCrash TimelineCrash::at_point(std::string point, std::uint32_t hit) {
  TimelineCrash c;
  c.kind = Kind::point;
  c.point = std::move(point);
  c.hit = hit;
  return c;
}

TimelineCrash TimelineCrash::at_store(std::uint64_t store) {
  TimelineCrash c;
  c.kind = Kind::store;
  c.store = store;
  return c;
}

TimelineCrash TimelineCrash::after(std::chrono::microseconds delay) {
  TimelineCrash c;
  c.kind = Kind::kill;
  c.delay = delay;
  return c;
}

std::optional<TimelineCrash> timeline_crash(const CrashPlan& plan) {
  if (const auto* at = std::get_if<CrashAt>(&plan)) return TimelineCrash::at_point(at->point, at->hit);
  if (const auto* after = std::get_if<KillAfter>(&plan)) return TimelineCrash::after(after->delay);
  if (const auto* store = std::get_if<StoreAt>(&plan)) return TimelineCrash::at_store(store->store);
  return std::nullopt;
}

namespace {

json crash_json(const TimelineCrash& c) {
  json j;
  switch (c.kind) {
    case TimelineCrash::Kind::point:
      j = {{"kind", "point"}, {"point", c.point}, {"hit", c.hit},
           {"text", "crash at " + c.point + " hit " + std::to_string(c.hit)}};
      break;
    case TimelineCrash::Kind::store:
      j = {{"kind", "store"}, {"store", c.store}, {"point", c.point},
           {"text", "killed before store " + std::to_string(c.store) + (c.point.empty() ? "" : " (" + c.point + ")")}};
      break;
    case TimelineCrash::Kind::kill:
      j = {{"kind", "kill"}, {"delay_us", c.delay.count()},
           {"text", "random SIGKILL " + std::to_string(c.delay.count()) + " us after the release"}};
      break;
  }
  j["time"] = c.time ? json(*c.time) : json(nullptr);
  return j;
}

json actor_json(int index, const TimelineActor* a, const TimelineLimits& limits) {
  json j = {{"index", index}};
  std::string name = a ? a->name : std::string();
  if (name.empty() && a && a->outcome) name = a->outcome->name;
  if (name.empty()) name = "actor " + std::to_string(index);
  j["name"] = cut(name, 200);
  j["role"] = a ? cut(a->role, 200) : "";
  std::optional<TimelineCrash> crash = a ? a->crash : std::nullopt;
  bool stuck = a && a->stuck;
  if (a && a->outcome) {
    const ActorOutcome& o = *a->outcome;
    j["end"] = to_string(o.end);
    j["exit_code"] = o.exit_code;
    j["signal"] = o.signal;
    j["last_doing"] = cut(o.last_doing, limits.text_chars);
    j["message"] = cut(o.message, limits.text_chars);
    j["ran_for_us"] = o.ran_for.count();
    stuck = stuck || o.end == ActorOutcome::End::timed_out;
    // A death at a point nobody passed in as the plan is still shown.
    if (!crash && o.end == ActorOutcome::End::crashed_at_point)
      crash = TimelineCrash::at_point(o.crash_point, o.hit);
    if (crash && crash->kind != TimelineCrash::Kind::kill && o.end == ActorOutcome::End::crashed_at_point) {
      crash->point = o.crash_point;  // a store trap names its range here
      if (crash->kind == TimelineCrash::Kind::point) crash->hit = o.hit;
    }
    j["died"] = o.killed_by_plan() || o.end == ActorOutcome::End::signalled;
  } else {
    j["end"] = nullptr;
    j["died"] = crash.has_value();
  }
  j["crash"] = crash ? crash_json(*crash) : json(nullptr);
  j["stuck"] = stuck;
  return j;
}

json operation_json(std::size_t i, const check::Operation& op, const check::Model& model) {
  json j = {{"id", i},
            {"actor", op.actor},
            {"call", cut(model.describe_call(op), 400)},
            {"pending", op.pending},
            {"invoke", op.invoke},
            {"code", op.code},
            {"arg", {op.arg[0], op.arg[1]}}};
  if (op.pending) {
    j["result"] = nullptr;
    j["ret"] = nullptr;
  } else {
    j["result"] = cut(model.describe_result(op), 400);
    j["ret"] = op.ret;
    j["status"] = op.status;
    j["value"] = {op.value[0], op.value[1]};
  }
  if (auto key = model.partition_key(op)) j["partition"] = *key;
  return j;
}

void validate(const TimelineInput& in) {
  if (!in.history) throw std::invalid_argument("timeline: no history given");
  if (!in.model) throw std::invalid_argument("timeline: no model given");
  const check::History& h = *in.history;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (h[i].actor < 0)
      throw std::invalid_argument("timeline: operation " + std::to_string(i) + " has a negative actor index");
    if (!h[i].pending && h[i].ret < h[i].invoke)
      throw std::invalid_argument("timeline: operation " + std::to_string(i) + " returns before its invoke");
  }
  for (const TimelineEvent& e : in.events)
    if (e.actor < 0) throw std::invalid_argument("timeline: event \"" + cut(e.text, 60) + "\" has a negative actor");
  if (in.check && in.check->failure) {
    const check::Failure& f = *in.check->failure;
    auto inside = [&](std::size_t i) { return i < h.size(); };
    const bool ok = (f.linearised.empty() || std::all_of(f.linearised.begin(), f.linearised.end(), inside)) &&
                    std::all_of(f.window.begin(), f.window.end(), inside) && (h.empty() || inside(f.stuck));
    if (!ok) throw std::invalid_argument("timeline: the check result names operations outside the history");
  }
}

}  // namespace

json timeline_document(const TimelineInput& in, const TimelineLimits& limits) {
  validate(in);
  const check::History& h = *in.history;
  const check::Model& model = *in.model;

  int lanes = static_cast<int>(in.actors.size());
  std::uint64_t begin = h.empty() ? 0 : h.front().invoke, end = begin;
  auto see = [&](std::uint64_t t) {
    begin = std::min(begin, t);
    end = std::max(end, t);
  };
  json ops = json::array();
  for (std::size_t i = 0; i < h.size(); ++i) {
    lanes = std::max(lanes, h[i].actor + 1);
    see(h[i].invoke);
    if (!h[i].pending) see(h[i].ret);
    ops.push_back(operation_json(i, h[i], model));
  }
  json events = json::array();
  for (const TimelineEvent& e : in.events) {
    lanes = std::max(lanes, e.actor + 1);
    see(e.time);
    events.push_back({{"actor", e.actor}, {"time", e.time}, {"text", cut(e.text, limits.text_chars)}});
  }
  json actors = json::array();
  for (int a = 0; a < lanes; ++a) {
    const TimelineActor* info = a < static_cast<int>(in.actors.size()) ? &in.actors[static_cast<std::size_t>(a)] : nullptr;
    actors.push_back(actor_json(a, info, limits));
    if (info && info->crash && info->crash->time) see(*info->crash->time);
  }

  json doc = {{"schema", kTimelineSchema},
              {"title", cut(in.title, 400)},
              {"verdict",
               {{"kind", cut(in.verdict_kind, 100)},
                {"summary", cut(in.verdict_summary, limits.text_chars)},
                {"detail", cut(in.verdict_detail, 4 * limits.text_chars)}}},
              {"replay", cut(in.replay_line, limits.text_chars)},
              {"plan", cut(in.plan_text, 64 * limits.text_chars)},
              {"model", {{"name", model.name()}, {"initial_state", cut(model.describe_state(model.initial()), limits.state_chars)}}},
              {"clock", {{"begin", begin}, {"end", end}}},
              {"actors", std::move(actors)},
              {"operations", std::move(ops)},
              {"events", std::move(events)},
              {"check", check_json(h, model, in.check, limits)}};
  return doc;
}

}  // namespace shmc::harness
