#include "suite/ring/ring_workload.hpp"

#include <array>
#include <atomic>
#include <stdexcept>
#include <thread>

#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "shmconform/check/queue_model.hpp"
#include "shmconform/history/history_log.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/ring/ring_message.hpp"

namespace shmc::ring::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::uint32_t kRecordsPerActor = 1u << 14;
constexpr std::chrono::milliseconds kPopSlice{10};

// One per actor, in anonymous shared memory: who it is and whether it ended.
struct Participant {
  std::atomic<std::uint64_t> identity;  // packed ProcessIdentity, 0 until the body started
  std::atomic<std::uint32_t> finished;
};

// never_started_is_gone: an actor SIGKILLed before its first instruction never
// registers; after a while, waiting for it is pointless (if it is merely slow,
// what it pushes later is drained and checked after the run).
bool gone(const Participant& p, bool never_started_is_gone = false) {
  if (p.finished.load(std::memory_order_acquire) != 0) return true;
  const std::uint64_t id = p.identity.load(std::memory_order_acquire);
  if (id == 0) return never_started_is_gone;
  return liveness(unpack(id)) == Liveness::dead;
}

struct Finish {  // marks the participant finished however the body leaves
  Participant& p;
  ~Finish() { p.finished.store(1, std::memory_order_release); }
};

void check_ok(const Result<void>& r, const char* what) {
  if (!r) throw harness::ActorCheckFailed(std::string(what) + ": " + r.error().describe());
}

template <Variant V>
int producer_body(BasicRing<V>& ring, history::Recorder rec, Participant& me, std::uint32_t producer,
                  const WorkloadPlan& plan, harness::ActorContext& ctx) {
  me.identity.store(pack(self_identity()), std::memory_order_release);
  Finish finish{me};
  for (std::uint32_t seq = 0; seq < plan.messages_per_producer; ++seq) {
    const Message msg = make_message(producer, seq);
    const auto words = check::delivery::encode(check::delivery::make_item(producer, seq));
    ctx.doing("push p" + std::to_string(producer) + "#" + std::to_string(seq));
    check_ok(rec.invoke(check::queue::kPush, words[0], words[1]), "history invoke");
    auto r = ring.push(msg, plan.progress_bound);
    if (!r) throw harness::ActorCheckFailed("push: " + r.error().describe());
    if (*r != PushStatus::pushed) {
      check_ok(rec.complete(check::queue::kFull), "history complete");
      ctx.doing("stuck: push " + std::string(to_string(*r)) + " for " + std::to_string(plan.progress_bound.count()) +
                " ms at head " + std::to_string(ring.stats().head));
      return kStuckExit;
    }
    check_ok(rec.complete(check::queue::kOk), "history complete");
  }
  ctx.doing("done");
  return 0;
}

template <Variant V>
int consumer_body(BasicRing<V>& ring, history::Recorder rec, Participant* all, Participant& me, bool wait_for_first,
                  const WorkloadPlan& plan, harness::ActorContext& ctx) {
  me.identity.store(pack(self_identity()), std::memory_order_release);
  Finish finish{me};
  Participant& first_consumer = all[plan.producers];
  if (wait_for_first) {
    ctx.doing("waiting for consumer 0 to end");
    if (!harness::poll_until([&] { return gone(first_consumer); }, ctx.deadline()))
      throw harness::ActorCheckFailed("consumer 0 never ended");
  }
  const auto started = Clock::now();
  auto producers_gone = [&] {
    const bool give_up_on_unstarted = Clock::now() - started > plan.progress_bound / 2;
    for (std::uint32_t p = 0; p < plan.producers; ++p)
      if (!gone(all[p], give_up_on_unstarted)) return false;
    return true;
  };
  std::array<std::byte, kMessageSize> buf{};
  auto last_progress = Clock::now();
  for (;;) {
    const bool all_done = producers_gone();  // before the pop: an item pushed before "done" is seen by it
    ctx.doing("pop");
    check_ok(rec.invoke(check::queue::kPop), "history invoke");
    auto r = ring.pop(buf, kPopSlice);
    if (!r) throw harness::ActorCheckFailed("pop: " + r.error().describe());
    if (r->status == PopStatus::popped) {
      auto item = read_message(std::span<const std::byte>(buf.data(), r->size));
      // A corrupt payload is recorded as an item nobody pushed: the delivery checker names it.
      const auto words = item ? check::delivery::encode(*item)
                              : std::array<std::uint64_t, 2>{std::uint64_t{1} << 63 | 0x7fffffffULL << 32, 0};
      check_ok(rec.complete(check::queue::kOk, words[0], words[1]), "history complete");
      last_progress = Clock::now();
      continue;
    }
    check_ok(rec.complete(check::queue::kEmpty), "history complete");
    if (r->status == PopStatus::empty && all_done) break;
    if (Clock::now() - last_progress > plan.progress_bound) {
      ctx.doing("stuck: pop " + std::string(to_string(r->status)) + " for " +
                std::to_string(plan.progress_bound.count()) + " ms at tail " + std::to_string(ring.stats().tail) +
                " head " + std::to_string(ring.stats().head));
      return kStuckExit;
    }
  }
  ctx.doing("done");
  return 0;
}

const harness::CrashPlan& plan_of(const std::vector<harness::CrashPlan>& plans, std::size_t i) {
  static const harness::CrashPlan none{};
  return i < plans.size() ? plans[i] : none;
}

template <Variant V>
void drain(BasicRing<V>& ring, WorkloadResult& out) {
  std::array<std::byte, kMessageSize> buf{};
  for (std::size_t n = 0; n <= ring.capacity() + 1; ++n) {
    auto r = ring.pop(buf, std::chrono::milliseconds(50));
    if (!r) {
      out.drain_problem = "drain: " + r.error().describe();
      return;
    }
    if (r->status == PopStatus::empty) return;
    if (r->status == PopStatus::stalled) {
      out.drain_problem = "drain: the ring stayed stalled at tail " + std::to_string(ring.stats().tail);
      return;
    }
    auto item = read_message(std::span<const std::byte>(buf.data(), r->size));
    if (!item) {
      out.drain_problem = "drain: a corrupt item was left in the ring";
      return;
    }
    out.remaining.push_back(*item);
  }
  out.drain_problem = "drain: more items than the ring can hold";
}

}  // namespace

bool WorkloadResult::someone_stuck() const {
  for (const auto& o : outcomes)
    if (o.end == harness::ActorOutcome::End::exited && o.exit_code == kStuckExit) return true;
  return false;
}

bool WorkloadResult::clean() const {
  return setup_problem.empty() && harness::all_ok_or_planned_kill(outcomes) && delivery.ok() &&
         drain_problem.empty() && validate_problem.empty();
}

std::string WorkloadResult::describe() const {
  std::string s;
  if (!setup_problem.empty()) s += "setup: " + setup_problem + "\n";
  s += harness::describe(outcomes) + "\n";
  s += "delivery: " + delivery.text() + "\n";
  s += "ring: head " + std::to_string(stats.head) + " tail " + std::to_string(stats.tail) + " skipped " +
       std::to_string(stats.skipped) + " abandoned " + std::to_string(stats.abandoned) + " stamps cleared " +
       std::to_string(stats.stamps_cleared) + ", " + std::to_string(remaining.size()) + " drained\n";
  if (!drain_problem.empty()) s += drain_problem + "\n";
  if (!validate_problem.empty()) s += "validate: " + validate_problem + "\n";
  return s;
}

template <Variant V>
WorkloadResult run_workload(const WorkloadPlan& plan) {
  WorkloadResult out;
  RingOptions options;
  options.stall_bound = plan.stall_bound;
  auto ring = BasicRing<V>::create(harness::unique_name("ring"), {plan.capacity, kMessageSize}, options);
  if (!ring) {
    out.setup_problem = ring.error().describe();
    return out;
  }
  const std::uint32_t actors_n = plan.producers + plan.consumers;
  auto log = history::HistoryLog::create(harness::unique_name("ring-hist"), actors_n, kRecordsPerActor);
  if (!log) {
    out.setup_problem = log.error().describe();
    return out;
  }
  harness::SharedArray<Participant> participants(actors_n);
  {
    harness::Actors actors;
    for (std::uint32_t p = 0; p < plan.producers; ++p) {
      auto rec = log->recorder(static_cast<int>(p));
      actors.add("producer-" + std::to_string(p),
                 [&, rec, p](harness::ActorContext& ctx) {
                   return producer_body<V>(*ring, rec, participants[p], p, plan, ctx);
                 },
                 plan_of(plan.producer_crash, p));
    }
    for (std::uint32_t c = 0; c < plan.consumers; ++c) {
      const std::uint32_t index = plan.producers + c;
      auto rec = log->recorder(static_cast<int>(index));
      const bool wait = plan.others_wait_for_first_consumer && c > 0;
      actors.add("consumer-" + std::to_string(c),
                 [&, rec, index, wait](harness::ActorContext& ctx) {
                   return consumer_body<V>(*ring, rec, participants.data(), participants[index], wait, plan, ctx);
                 },
                 plan_of(plan.consumer_crash, c));
    }
    out.outcomes = actors.run(plan.run_timeout);
  }
  drain(*ring, out);
  if (auto repaired = ring->unblock(); !repaired) out.validate_problem = "unblock: " + repaired.error().describe();
  if (auto valid = ring->validate(); !valid) out.validate_problem += valid.error().describe();
  out.stats = ring->stats();
  auto history = log->collect();
  if (!history) {
    out.setup_problem = "history: " + history.error().describe();
    return out;
  }
  out.history = std::move(history.value());
  check::delivery::Options delivery_options;
  delivery_options.remaining = out.remaining;
  out.delivery = check::delivery::check_delivery(out.history, delivery_options);
  return out;
}

template WorkloadResult run_workload<Variant::robust>(const WorkloadPlan&);
template WorkloadResult run_workload<Variant::non_robust>(const WorkloadPlan&);

}  // namespace shmc::ring::testing
