// run_plan(): one trial of any subject. Set up, run the prior deaths one by
// one, run the concurrent actors with the victim armed, then judge in a fixed
// order: the plan fired, every survivor finished, recovery, audit, drain, the
// subject's validate(), the delivery checker, the linearizability checker.
// The first problem found is the verdict; the others go into its detail.
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>

#include "harness/campaign/store_schedule.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/history/history_log.hpp"
#include "shmconform/runtime/process_identity.hpp"

namespace shmc::campaign {

namespace {

using Clock = std::chrono::steady_clock;

// One per actor, in anonymous shared memory: who it is and whether it ended.
struct Participant {
  std::atomic<std::uint64_t> identity;  // packed ProcessIdentity, 0 until the body started
  std::atomic<std::uint32_t> finished;
};

// How an actor's body ended, written by the body itself before it returns.
// unreached: a store-crash victim still alive after its armed op (it made fewer stores than k).
enum class Ending : std::uint32_t { none, ok, stuck, corrupt, error, unreached };
struct ActorReport {
  std::atomic<std::uint32_t> ending;
  std::uint32_t op;  // the operation it stopped at
  char detail[240];
  std::atomic<std::uint32_t> counted;  // 1: `stores` holds the store count of its counted op (a dry run)
  std::uint64_t stores;
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free && std::atomic<std::uint32_t>::is_always_lock_free);

void report(ActorReport& r, Ending ending, std::size_t op, std::string_view detail) {
  const std::size_t n = std::min(detail.size(), sizeof r.detail - 1);
  std::memcpy(r.detail, detail.data(), n);
  r.detail[n] = '\0';
  r.op = static_cast<std::uint32_t>(op);
  r.ending.store(static_cast<std::uint32_t>(ending), std::memory_order_release);
}

// Blocks until a signal ends this process (the SIGKILL a random-kill victim is waiting for), or `until`.
void await_kill(Clock::time_point until) {
  sigset_t none;
  sigemptyset(&none);
  for (auto now = Clock::now(); now < until; now = Clock::now()) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(until - now).count();
    const struct timespec left{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    static_cast<void>(::sigtimedwait(&none, nullptr, &left));  // EAGAIN at the bound, EINTR after a handled signal
  }
}

check::Operation as_operation(int actor, const Op& op) {
  check::Operation o;
  o.actor = actor;
  o.code = op.code;
  o.arg = op.arg;
  return o;
}

std::string actor_name(const plan::Plan& p, std::size_t i) {
  int k = 0;
  for (std::size_t j = 0; j < i; ++j) k += p.actors[j].role == p.actors[i].role && p.actors[j].prior == p.actors[i].prior;
  return (p.actors[i].prior ? "prior-" : "") + p.actors[i].role + "-" + std::to_string(k);
}

// Everything one trial's actors share; lives in the test process, inherited by fork.
struct Trial {
  const plan::Plan& plan;
  Subject& subject;
  const check::Model& model;
  TrialSetup setup;
  history::HistoryLog& log;
  harness::SharedArray<Participant> participants;
  harness::SharedArray<ActorReport> reports;
  detail::StoreCount* count = nullptr;  // a dry run: this actor counts the stores of this op
  std::vector<int> run_index;  // plan index -> index in the concurrent harness::Actors run (-1: a prior actor)

  // never_started_is_gone: an actor SIGKILLed before its first instruction never registers;
  // after a while, waiting for it is pointless (whatever it does later is drained and checked).
  bool ended(std::size_t j, bool never_started_is_gone) const {
    if (participants[j].finished.load(std::memory_order_acquire) != 0) return true;
    const std::uint64_t id = participants[j].identity.load(std::memory_order_acquire);
    if (id == 0) return never_started_is_gone;
    return liveness(unpack(id)) == Liveness::dead;  // unknown is not dead
  }

  int run_actor(std::size_t i, harness::ActorContext& ctx);
};

class Context final : public OpContext {
 public:
  Context(const Trial& t, std::size_t me, Clock::time_point actor_started, bool is_audit)
      : t_(t), me_(me), actor_started_(actor_started), deadline_(Clock::now() + t.setup.op_bound), audit_(is_audit) {}
  bool role_ended(std::string_view role) const override {
    if (audit_) return true;  // the test process audits after every actor ended
    // An actor SIGKILLed before it registered never will: after a while, stop waiting for it.
    const bool give_up_on_unstarted =
        Clock::now() - actor_started_ > std::min<std::chrono::milliseconds>(t_.setup.op_bound / 2, std::chrono::milliseconds(250));
    for (std::size_t j = 0; j < t_.plan.actors.size(); ++j) {
      const auto& a = t_.plan.actors[j];
      if (j == me_ || a.prior || a.role != role) continue;
      if (!t_.ended(j, give_up_on_unstarted)) return false;
    }
    return true;
  }
  Clock::time_point deadline() const override { return deadline_; }
  void doing(std::string_view what) override {
    if (ctx_ != nullptr) ctx_->doing(what);
  }
  int actor() const override { return static_cast<int>(me_); }
  harness::ActorContext* ctx_ = nullptr;

 private:
  const Trial& t_;
  std::size_t me_;
  Clock::time_point actor_started_;
  Clock::time_point deadline_;
  bool audit_;
};

int Trial::run_actor(std::size_t i, harness::ActorContext& ctx) {
  Participant& me = participants[i];
  ActorReport& rep = reports[i];
  me.identity.store(pack(self_identity()), std::memory_order_release);
  struct Finish {  // marks the participant finished however the body leaves
    Participant& p;
    ~Finish() { p.finished.store(1, std::memory_order_release); }
  } finish{me};
  const auto started = Clock::now();
  const plan::ActorPlan& a = plan.actors[i];
  if (a.waits_for >= 0) {
    const auto j = static_cast<std::size_t>(a.waits_for);
    ctx.doing("waiting for " + actor_name(plan, j) + " to end");
    // A concurrent actor's end is reported by the harness when it reaps it (a real wait); a prior
    // actor ended before this run started.
    const bool gone = j < run_index.size() && run_index[j] >= 0 ? ctx.wait_for_end(run_index[j], ctx.deadline())
                                                                 : ended(j, false);
    if (!gone) {
      report(rep, Ending::error, 0, "waited for " + actor_name(plan, static_cast<std::size_t>(a.waits_for)) +
                                        " to end until the run's deadline");
      return 0;
    }
  }
  ctx.doing("open");
  auto inst = subject.open(setup);
  if (!inst) {
    report(rep, Ending::error, 0, "open: " + inst.error().describe());
    return 0;
  }
  auto rec = log.recorder(static_cast<int>(i));
  for (std::size_t k = 0; k < a.ops.size(); ++k) {
    const Op& op = a.ops[k];
    ctx.doing("op " + std::to_string(k) + ": " + model.describe_call(as_operation(static_cast<int>(i), op)));
    if (auto r = rec.invoke(op.code, op.arg[0], op.arg[1]); !r) {
      report(rep, Ending::error, k, "history: " + r.error().describe());
      return 0;
    }
    Context octx(*this, i, started, false);
    octx.ctx_ = &ctx;
    const auto* store_at = std::get_if<harness::StoreAt>(&a.crash);
    const bool counting = count != nullptr && count->actor == static_cast<int>(i) && count->op == k;
    OpResult r;
    if ((store_at == nullptr || store_at->op != k) && !counting) {
      r = (*inst)->perform(op, octx);
    } else {  // the store-trap window: dies before store k of this op (StoreAt), or counts them
      auto trapped = detail::perform_trapped(**inst, op, octx, setup.name, store_at != nullptr ? store_at->store : 0);
      if (!trapped) {
        report(rep, Ending::error, k, "store trap around op " + std::to_string(k) + ": " + trapped.error().describe());
        return 0;
      }
      if (store_at != nullptr) {  // still alive: the op made fewer stores than the plan's k
        const char* how = trapped->result.kind == OpResult::Kind::done ? "" : " before it gave up";
        rep.stores = trapped->stores;
        report(rep, Ending::unreached, k, "op " + std::to_string(k) + " " + model.describe_call(as_operation(static_cast<int>(i), op)) +
                                          " made only " + std::to_string(trapped->stores) + " stores" + how +
                                          " (armed to die before store " + std::to_string(store_at->store) + ")");
        return 0;
      }
      r = trapped->result;
      rep.stores = trapped->stores;
      if (r.kind == OpResult::Kind::done) rep.counted.store(1, std::memory_order_release);  // a stuck op proves no count
    }
    if (r.kind == OpResult::Kind::stuck) {  // the operation stays pending: it may or may not have happened
      report(rep, Ending::stuck, k, r.detail);
      return 0;
    }
    if (r.kind == OpResult::Kind::corrupt) {
      report(rep, Ending::corrupt, k, r.detail);
      return 0;
    }
    if (auto c = rec.complete(r.status, r.value[0], r.value[1]); !c) {
      report(rep, Ending::error, k, "history: " + c.error().describe());
      return 0;
    }
  }
  ctx.doing("done");
  report(rep, Ending::ok, a.ops.size(), "");
  // A random-kill victim that finished its work before its kill waits for it, bounded: its death after
  // its last operation is a crash state too, and the trial's kill always fires.
  if (const auto* kill = std::get_if<harness::KillAfter>(&a.crash)) {
    ctx.doing("done; waiting for its SIGKILL");
    await_kill(std::min(ctx.deadline(), started + kill->delay + std::chrono::seconds(2)));
  }
  return 0;
}

struct Finding {
  VerdictKind kind;
  std::string summary;
};

// Severity order: a signal or a corrupt value is worse than a stuck peer, which is a real finding;
// a harness error says the trial proved nothing.
int severity(VerdictKind k) {
  switch (k) {
    case VerdictKind::unexpected_signal: return 0;
    case VerdictKind::corrupted: return 1;
    case VerdictKind::duplicated: return 2;
    case VerdictKind::lost: return 3;
    case VerdictKind::survivor_stuck: return 4;
    case VerdictKind::not_linearizable: return 5;
    case VerdictKind::invariant_broken: return 6;
    case VerdictKind::harness_error: return 7;
    case VerdictKind::not_reached: return 8;
    case VerdictKind::ok: return 9;
  }
  return 8;
}

bool armed(const plan::ActorPlan& a) { return !std::holds_alternative<std::monostate>(a.crash); }

// Whether actor i runs while another actor of the run does (one that does not wait for it to end).
bool with_peers(const plan::Plan& p, std::size_t i) {
  for (std::size_t j = 0; j < p.actors.size(); ++j)
    if (j != i && !p.actors[j].prior && p.actors[j].waits_for != static_cast<int>(i)) return true;
  return false;
}

std::string crash_summary(const plan::Plan& p, const std::vector<harness::ActorOutcome>& outcomes) {
  std::string s;
  for (std::size_t i = 0; i < p.actors.size(); ++i) {
    if (!armed(p.actors[i])) continue;
    if (!s.empty()) s += ", ";
    const bool died = i < outcomes.size() && outcomes[i].killed_by_plan();
    s += actor_name(p, i) + (died ? " died: " : " was armed: ") + harness::describe(p.actors[i].crash);
  }
  return s.empty() ? "no crash" : s;
}

std::string signal_name(int sig) {
  const char* text = ::strsignal(sig);
  return "signal " + std::to_string(sig) + (text != nullptr ? std::string(" (") + text + ")" : std::string());
}

}  // namespace

namespace {
TrialResult run_plan_impl(const SubjectVariant& variant, const plan::Plan& p, bool require_fired,
                          detail::StoreCount* count);
}

TrialResult run_plan(const SubjectVariant& variant, const plan::Plan& p, bool require_fired) {
  TrialResult r = run_plan_impl(variant, p, require_fired, nullptr);
  // A store crash among running peers: the op's stores vary with the interleaving (a consumer that
  // finds an item at once makes fewer than one that waits for it), so a run that never reached store k
  // is run again, four times at most. A crash state no run reached stands as not_reached, with the
  // store counts of every run; any other unfired crash as a harness error.
  const bool stores = std::any_of(p.actors.begin(), p.actors.end(),
                                  [](const auto& a) { return std::holds_alternative<harness::StoreAt>(a.crash); });
  std::vector<std::uint64_t> short_paths = r.short_paths;
  for (int again = 0; stores && require_fired && again < 4 && !r.fired &&
                      (r.verdict.kind == VerdictKind::harness_error || r.verdict.kind == VerdictKind::not_reached);
       ++again) {
    r = run_plan_impl(variant, p, require_fired, nullptr);
    short_paths.insert(short_paths.end(), r.short_paths.begin(), r.short_paths.end());
  }
  if (r.verdict.kind == VerdictKind::not_reached) {
    std::string counts;
    for (const std::uint64_t n : short_paths) counts += (counts.empty() ? "" : ", ") + std::to_string(n);
    r.verdict.summary = "crash state not reached in " + std::to_string(short_paths.size()) +
                        " runs (the armed op made " + counts + " stores): " + r.verdict.summary;
  }
  r.short_paths = std::move(short_paths);
  return r;
}

TrialResult detail::run_plan_counting(const SubjectVariant& variant, const plan::Plan& p, StoreCount& count) {
  return run_plan_impl(variant, p, true, &count);
}

namespace {
TrialResult run_plan_impl(const SubjectVariant& variant, const plan::Plan& p, bool require_fired,
                          detail::StoreCount* count) {
  const auto t0 = Clock::now();
  TrialResult out;
  std::vector<Finding> findings;
  std::string detail;
  history::HistoryLog* log_of_trial = nullptr;
  auto done = [&]() -> TrialResult& {
    out.wall = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
    if (out.history.empty() && log_of_trial != nullptr) {  // stopped before the checkers: keep what was recorded
      if (auto h = log_of_trial->collect()) out.history = std::move(*h);
    }
    if (findings.empty()) {
      out.verdict = Verdict{VerdictKind::ok, "ok", detail};
      return out;
    }
    std::stable_sort(findings.begin(), findings.end(),
                     [](const Finding& a, const Finding& b) { return severity(a.kind) < severity(b.kind); });
    std::string all;
    for (const auto& f : findings) all += std::string("  ") + to_string(f.kind) + ": " + f.summary + "\n";
    out.verdict = Verdict{findings.front().kind, findings.front().summary, all + detail};
    return out;
  };
  auto harness_error = [&](std::string why) -> TrialResult& {
    findings.push_back({VerdictKind::harness_error, std::move(why)});
    return done();
  };
  if (p.actors.empty()) return harness_error("the plan has no actors");
  const bool stores = count != nullptr || std::any_of(p.actors.begin(), p.actors.end(), [](const auto& a) {
    return std::holds_alternative<harness::StoreAt>(a.crash);
  });
  if (stores)
    if (auto why = detail::store_traps_unsupported()) return harness_error(*why);
  for (const auto& a : p.actors)
    if (std::holds_alternative<harness::CrashAt>(a.crash) && !harness::crash_injection_available())
      return harness_error("crash points are compiled out in this build");

  const auto subject = variant.make();
  TrialSetup setup{harness::unique_name(variant.subject), p.profile, variant.op_bound};
  if (auto created = subject->create(setup); !created) return harness_error("create: " + created.error().describe());
  const std::shared_ptr<const check::Model> model = subject->model(setup);
  out.model = model;
  const auto audit_ops = subject->audit(setup);
  std::size_t longest = audit_ops.size();
  for (const auto& a : p.actors) longest = std::max(longest, a.ops.size());
  const auto n = p.actors.size();
  auto log = history::HistoryLog::create(harness::unique_name("hist"), static_cast<std::uint32_t>(n + 1),
                                         static_cast<std::uint32_t>(2 * longest + 4));
  if (!log) return harness_error("history log: " + log.error().describe());
  log_of_trial = &*log;
  Trial trial{p, *subject, *model, setup, *log, harness::SharedArray<Participant>(n),
              harness::SharedArray<ActorReport>(n), count, {}};
  auto body = [&trial](std::size_t i) {
    return [&trial, i](harness::ActorContext& ctx) { return trial.run_actor(i, ctx); };
  };
  const auto run_timeout = std::max<std::chrono::milliseconds>(std::chrono::seconds(30), variant.op_bound * 10);

  out.outcomes.resize(n);
  for (std::size_t i = 0; i < n; ++i) {  // the earlier deaths, one at a time
    if (!p.actors[i].prior) continue;
    out.outcomes[i] = harness::run_in_child(actor_name(p, i), body(i), run_timeout, p.actors[i].crash);
    out.outcomes[i].name = actor_name(p, i);
    if (!out.outcomes[i].killed_by_plan())
      return harness_error(actor_name(p, i) + " was to die first (" + harness::describe(p.actors[i].crash) +
                           ") but " + out.outcomes[i].describe() + " (its " + std::to_string(p.actors[i].ops.size()) +
                           " ops never reached the point)");
  }
  {
    harness::Actors actors;
    std::vector<std::size_t> index;
    trial.run_index.assign(n, -1);
    for (std::size_t i = 0; i < n; ++i) {
      if (p.actors[i].prior) continue;
      trial.run_index[i] = actors.add(actor_name(p, i), body(i), p.actors[i].crash);
      index.push_back(i);
    }
    auto outcomes = actors.run(run_timeout);
    for (std::size_t k = 0; k < index.size(); ++k) out.outcomes[index[k]] = std::move(outcomes[k]);
  }
  detail += harness::describe(out.outcomes) + "\n";
  const std::string after = crash_summary(p, out.outcomes);
  if (count != nullptr && count->actor >= 0 && static_cast<std::size_t>(count->actor) < n) {
    const ActorReport& counted = trial.reports[static_cast<std::size_t>(count->actor)];
    if (counted.counted.load(std::memory_order_acquire) != 0) count->stores = counted.stores;
    else count->why = out.outcomes[static_cast<std::size_t>(count->actor)].describe() + ": " + counted.detail;
  }

  out.fired = true;
  for (std::size_t i = 0; i < n; ++i) {
    if (p.actors[i].prior || !armed(p.actors[i]) || out.outcomes[i].killed_by_plan()) continue;
    out.fired = false;
    if (!require_fired) continue;
    const std::string planned = harness::describe(p.actors[i].crash);
    if (std::holds_alternative<harness::StoreAt>(p.actors[i].crash)) {
      const std::string why = trial.reports[i].detail[0] != '\0' ? std::string("its ") + trial.reports[i].detail
                                                                   : out.outcomes[i].describe();
      // Only among running peers is a shorter path the interleaving's doing; alone, the op's stores are
      // the same in every run, so fewer than counted says the count (or the subject) is wrong.
      const bool short_path = static_cast<Ending>(trial.reports[i].ending.load(std::memory_order_acquire)) == Ending::unreached &&
                              out.outcomes[i].end == harness::ActorOutcome::End::exited;
      if (short_path) out.short_paths.push_back(trial.reports[i].stores);
      findings.push_back({short_path && with_peers(p, i) ? VerdictKind::not_reached : VerdictKind::harness_error,
                          actor_name(p, i) + " was armed (" + planned + ") but " + why});
      continue;
    }
    findings.push_back({VerdictKind::harness_error,
                        std::holds_alternative<harness::CrashAt>(p.actors[i].crash)
                            ? actor_name(p, i) + " was armed (" + planned + ") but the point was never reached in its " +
                                  std::to_string(p.actors[i].ops.size()) + " ops: " + out.outcomes[i].describe()
                            : actor_name(p, i) + " finished before its " + planned + ": " + out.outcomes[i].describe()});
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (p.actors[i].prior || out.outcomes[i].killed_by_plan()) continue;
    const auto& o = out.outcomes[i];
    const std::string who = actor_name(p, i);
    const auto& rep = trial.reports[i];
    const auto ending = static_cast<Ending>(rep.ending.load(std::memory_order_acquire));
    const std::string at_op =
        rep.op < p.actors[i].ops.size()
            ? "op " + std::to_string(rep.op) + " " +
                  model->describe_call(as_operation(static_cast<int>(i), p.actors[i].ops[rep.op]))
            : "its end";
    if (o.end == harness::ActorOutcome::End::signalled) {
      findings.push_back({VerdictKind::unexpected_signal, who + " died of " + signal_name(o.signal) + " while '" +
                                                              o.last_doing + "', after " + after});
    } else if (o.end == harness::ActorOutcome::End::timed_out) {
      out.stuck_actors.push_back(static_cast<int>(i));
      findings.push_back({VerdictKind::survivor_stuck, who + " was still running at the run's deadline, doing '" +
                                                           o.last_doing + "', after " + after});
    } else if (o.end == harness::ActorOutcome::End::threw) {
      findings.push_back({VerdictKind::harness_error, who + " threw: " + o.message});
    } else if (o.end != harness::ActorOutcome::End::exited) {
      findings.push_back({VerdictKind::harness_error, who + ": " + o.describe()});
    } else if (ending == Ending::stuck) {
      out.stuck_actors.push_back(static_cast<int>(i));
      findings.push_back({VerdictKind::survivor_stuck, who + " stuck at " + at_op + ": " + rep.detail + ", after " + after});
    } else if (ending == Ending::corrupt) {
      findings.push_back({VerdictKind::corrupted, who + " at " + at_op + ": " + rep.detail + ", after " + after});
    } else if (ending == Ending::unreached && require_fired) {
      continue;  // judged with the crashes that did not fire
    } else if (ending != Ending::ok) {
      findings.push_back({VerdictKind::harness_error, who + " at " + at_op + ": " + (ending == Ending::error || ending == Ending::unreached ? std::string(rep.detail) : o.describe())});
    }
  }
  if (!findings.empty()) return done();

  // The test process, now the only one left: recovery, audit, drain, validation.
  auto inst = subject->open(setup);
  if (!inst) return harness_error("open after the run: " + inst.error().describe());
  if (auto problem = subject->recover(**inst)) {
    findings.push_back({problem->kind, "recovery after " + after + ": " + problem->detail});
    return done();
  }
  auto rec = log->recorder(static_cast<int>(n));
  for (std::size_t k = 0; k < audit_ops.size(); ++k) {
    const Op& op = audit_ops[k];
    if (auto r = rec.invoke(op.code, op.arg[0], op.arg[1]); !r) return harness_error("history: " + r.error().describe());
    Context octx(trial, n, Clock::now(), true);
    const OpResult r = (*inst)->perform(op, octx);
    const std::string what = "the audit's " + model->describe_call(as_operation(static_cast<int>(n), op));
    if (r.kind == OpResult::Kind::stuck) {
      findings.push_back({VerdictKind::survivor_stuck, what + " stuck: " + r.detail + ", after " + after});
      return done();
    }
    if (r.kind == OpResult::Kind::corrupt) {
      findings.push_back({VerdictKind::corrupted, what + ": " + r.detail + ", after " + after});
      return done();
    }
    if (auto c = rec.complete(r.status, r.value[0], r.value[1]); !c) return harness_error("history: " + c.error().describe());
  }
  check::delivery::Options delivery_options;
  if (subject->delivers_items()) {
    if (auto problem = subject->drain(**inst, delivery_options.remaining)) {
      findings.push_back({problem->kind, "drain after " + after + ": " + problem->detail});
      return done();
    }
  }
  if (auto problem = subject->validate(**inst)) {
    findings.push_back({problem->kind, "validate after " + after + ": " + problem->detail});
    return done();
  }
  auto history = log->collect();
  if (!history) return harness_error("history: " + history.error().describe());
  out.history = std::move(*history);
  out.remaining = delivery_options.remaining;
  if (subject->delivers_items()) {
    const auto d = check::delivery::check_delivery(out.history, delivery_options);
    const std::string text = d.problems.empty() ? d.text() : d.problems.front();
    if (d.malformed != 0) findings.push_back({VerdictKind::harness_error, "delivery: " + text});
    else if (d.corrupted != 0) findings.push_back({VerdictKind::corrupted, text + ", after " + after});
    else if (d.duplicated != 0) findings.push_back({VerdictKind::duplicated, text + ", after " + after});
    else if (d.lost != 0) findings.push_back({VerdictKind::lost, text + ", after " + after});
    else if (d.misordered != 0) findings.push_back({VerdictKind::not_linearizable, text + ", after " + after});
    if (!d.ok()) {
      detail += d.text();
      return done();
    }
  }
  check::CheckOptions budget;
  budget.max_configurations = 2'000'000;
  const auto& lin = out.linearizability.emplace(check::check_linearizable(out.history, *model, budget));
  if (lin.verdict == check::Verdict::not_linearizable) {
    detail += lin.report;
    std::string first_line = lin.report.substr(0, lin.report.find('\n'));
    findings.push_back({VerdictKind::not_linearizable, first_line + ", after " + after});
  } else if (lin.verdict == check::Verdict::unknown) {
    findings.push_back({VerdictKind::harness_error, "the linearizability search gave up after " +
                                                        std::to_string(lin.configurations) + " configurations"});
  }
  return done();
}
}  // namespace

}  // namespace shmc::campaign
