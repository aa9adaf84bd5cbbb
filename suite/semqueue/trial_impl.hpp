// run_trial<V>(): the template half of trial.hpp (included from there).
#pragma once

#include <algorithm>
#include <optional>
#include <thread>

#include "shmconform/runtime/process_identity.hpp"

#include "shmconform/harness/shared_region.hpp"
#include "shmconform/check/queue_model.hpp"
#include "shmconform/history/history_log.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "suite/semqueue/message_codec.hpp"

namespace shmc::semqueue::test {

namespace detail {

// A producer: pushes its items in order; a push that cannot finish within the
// bound (a consumer is running) means the queue is stuck.
template <class V>
int produce(const std::string& queue_name, history::Recorder rec, std::uint32_t producer, const TrialPlan& plan,
            TrialShared& shared, harness::ActorContext& ctx) {
  auto q = V::open(queue_name);
  if (!q) throw std::runtime_error("open: " + q.error().describe());
  for (std::uint32_t seq = 0; seq < plan.items_per_producer; ++seq) {
    const auto item = check::delivery::make_item(producer, seq);
    const auto w = check::delivery::encode(item);
    ctx.doing("push p" + std::to_string(producer) + "#" + std::to_string(seq));
    SHMC_ACTOR_CHECK(rec.invoke(check::queue::kPush, w[0], w[1]).ok());
    auto r = q->push(to_message(item), Clock::now() + plan.op_bound);
    SHMC_ACTOR_CHECK(rec.complete(r ? check::queue::kOk : check::queue::kFull).ok());
    if (!r && r.error().code == Errc::timed_out) return kActorStuck;
    if (!r) throw std::runtime_error("push: " + r.error().describe());
  }
  shared.producers_done.fetch_add(1, std::memory_order_acq_rel);
  return 0;
}

// A consumer: pops until the producers expected to finish have finished and
// the queue stays empty for one slice; waiting longer than the bound with no
// message while producers still run means the queue is stuck.
enum class Gate { none, victim, wait_for_victim };

// Polls (with backoff, bounded by the run's deadline) until the armed consumer has died or finished.
inline void wait_for_victim(const TrialShared& shared, harness::ActorContext& ctx) {
  ctx.doing("waiting for the armed consumer to die");
  (void)harness::poll_until(
      [&] {
        const std::uint64_t id = shared.victim_identity.load(std::memory_order_acquire);
        return shared.victim_finished.load(std::memory_order_acquire) != 0 ||
               (id != 0 && liveness(unpack(id)) == Liveness::dead);
      },
      ctx.deadline());
}

template <class V>
int consume(const std::string& queue_name, history::Recorder rec, std::uint32_t producers_expected,
            const TrialPlan& plan, TrialShared& shared, Gate gate, harness::ActorContext& ctx) {
  auto q = V::open(queue_name);
  if (!q) throw std::runtime_error("open: " + q.error().describe());
  if (gate == Gate::victim) shared.victim_identity.store(pack(self_identity()), std::memory_order_release);
  if (gate == Gate::wait_for_victim) wait_for_victim(shared, ctx);
  struct FinishFlag {
    TrialShared& shared;
    bool set;
    ~FinishFlag() {
      if (set) shared.victim_finished.store(1, std::memory_order_release);
    }
  } finish{shared, gate == Gate::victim};
  auto last_progress = Clock::now();
  for (;;) {
    ctx.doing("pop");
    SHMC_ACTOR_CHECK(rec.invoke(check::queue::kPop).ok());
    Message m;
    auto r = q->pop(m, Clock::now() + plan.poll_slice);
    if (r) {
      const auto w = checker_words(m);
      SHMC_ACTOR_CHECK(rec.complete(check::queue::kOk, w[0], w[1]).ok());
      last_progress = Clock::now();
      continue;
    }
    SHMC_ACTOR_CHECK(rec.complete(check::queue::kEmpty).ok());
    if (r.error().code != Errc::timed_out) throw std::runtime_error("pop: " + r.error().describe());
    if (shared.producers_done.load(std::memory_order_acquire) >= producers_expected) return 0;
    if (Clock::now() - last_progress > plan.op_bound) return kActorStuck;
  }
}

// For the robust queue's recovery points: one process dies holding the lock,
// a second dies inside the recovery of it. Both run before the workload.
template <class V>
std::string stage_recovery_crash(const std::string& queue_name, const history::HistoryLog& log, int first_actor,
                                 const TrialPlan& plan, bool& fired) {
  std::string report;
  const std::string points[2] = {std::string(V::kPointPrefix) + "push/locked", plan.point};
  for (int k = 0; k < 2; ++k) {
    const auto producer = static_cast<std::uint32_t>(first_actor + k);
    auto o = harness::run_in_child(
        "stager-" + std::to_string(k),
        [&](harness::ActorContext& ctx) {
          auto q = V::open(queue_name);
          if (!q) throw std::runtime_error("open: " + q.error().describe());
          auto rec = log.recorder(first_actor + k);
          const auto item = check::delivery::make_item(producer, 0);
          const auto w = check::delivery::encode(item);
          ctx.doing("push to die at " + points[k]);
          SHMC_ACTOR_CHECK(rec.invoke(check::queue::kPush, w[0], w[1]).ok());
          auto r = q->push(to_message(item), Clock::now() + plan.op_bound);
          SHMC_ACTOR_CHECK(rec.complete(r ? check::queue::kOk : check::queue::kFull).ok());
          return 0;
        },
        std::chrono::seconds(10), harness::CrashAt{points[k], 1});
    report += o.describe() + "; ";
    if (k == 1) fired = o.end == harness::ActorOutcome::End::crashed_at_point;
  }
  return report;
}

}  // namespace detail

template <class V>
TrialResult run_trial(const TrialPlan& plan) {
  TrialResult result;
  const int producers = V::kProducers, consumers = V::kConsumers, stagers = 2;
  const std::string queue_name = harness::unique_name(std::string("semq-") + V::kName);
  auto q = V::create(queue_name, plan.capacity);
  if (!q) throw std::runtime_error("create: " + q.error().describe());
  // Two records per operation; a consumer may pop every item, plus its idle polls.
  const auto log_capacity = static_cast<std::uint32_t>(2 * producers * plan.items_per_producer + 1024);
  auto log = history::HistoryLog::create(harness::unique_name("semq-hist"), producers + consumers + stagers, log_capacity);
  if (!log) throw std::runtime_error("history log: " + log.error().describe());
  harness::SharedArray<TrialShared> shared(1);

  const Role role = plan.point.empty() ? Role::producer : role_of_point(plan.point);
  int victim = plan.victim;
  harness::CrashPlan crash;
  if (!plan.point.empty()) {
    result.what = plan.point + " hit " + std::to_string(plan.hit);
    if (role == Role::recovery) {
      result.actors = detail::stage_recovery_crash<V>(queue_name, *log, producers + consumers, plan, result.fired);
    } else {
      victim = role == Role::producer ? 0 : producers;
      crash = harness::CrashAt{plan.point, plan.hit};
    }
  } else if (victim >= 0) {
    result.what = std::string("SIGKILL of ") + (victim < producers ? "producer" : "consumer") + " after " +
                  std::to_string(plan.kill_after.count()) + " us";
    crash = harness::KillAfter{plan.kill_after};
  } else {
    result.what = "no kill";
    result.fired = true;
  }
  const auto producers_expected = static_cast<std::uint32_t>(victim >= 0 && victim < producers ? producers - 1 : producers);

  const bool consumer_armed = !plan.point.empty() && role == Role::consumer;
  harness::Actors actors;
  for (int i = 0; i < producers + consumers; ++i) {
    const bool is_producer = i < producers;
    const std::string name = (is_producer ? "producer-" : "consumer-") + std::to_string(is_producer ? i : i - producers);
    const detail::Gate gate =
        !consumer_armed ? detail::Gate::none : (i == victim ? detail::Gate::victim : detail::Gate::wait_for_victim);
    auto body = [&, i, is_producer, gate](harness::ActorContext& ctx) {
      auto rec = log->recorder(i);
      return is_producer ? detail::produce<V>(queue_name, rec, static_cast<std::uint32_t>(i), plan, shared[0], ctx)
                         : detail::consume<V>(queue_name, rec, producers_expected, plan, shared[0], gate, ctx);
    };
    actors.add(name, body, i == victim ? crash : harness::CrashPlan{});
  }
  const auto outcomes = actors.run(plan.op_bound * 6 + std::chrono::seconds(10));
  result.actors += harness::describe(outcomes);
  for (std::size_t i = 0; i < outcomes.size(); ++i) {
    const auto& o = outcomes[i];
    if (static_cast<int>(i) == victim) {
      result.fired = o.killed_by_plan() || (victim >= 0 && plan.point.empty() && o.ok());
      if (o.killed_by_plan() || o.ok()) continue;
    }
    if (o.ok()) continue;
    if (o.end == harness::ActorOutcome::End::exited && o.exit_code == kActorStuck) {
      result.stuck = true;
    } else if (o.end == harness::ActorOutcome::End::timed_out) {
      result.stuck = result.broken = true;  // our bounded waits should have ended it first
    } else {
      result.broken = true;
    }
  }

  // Drain what is left, as a consumer of the history would have.
  check::delivery::Options options;
  // Bounded by a deadline, not by the queue: a broken queue could return items forever.
  const auto drain_deadline = Clock::now() + std::chrono::seconds(10);
  for (;;) {
    Message m;
    if (Clock::now() >= drain_deadline) throw std::runtime_error("drain: the queue kept returning items for 10 s");
    if (!q->pop(m, Clock::now() + std::chrono::milliseconds(20))) break;
    const auto w = checker_words(m);
    options.remaining.push_back(check::delivery::decode(w[0], w[1]));
  }
  result.after_drain = q->snapshot();
  // Every actor has ended: a lock still held belongs to a dead process, and
  // every later operation would wait on it forever.
  if (!result.after_drain.lock_free_now) result.stuck = true;
  auto history = log->collect();
  if (!history) throw std::runtime_error("history: " + history.error().describe());
  result.delivery = check::delivery::check_delivery(*history, options);
  return result;
}

}  // namespace shmc::semqueue::test
