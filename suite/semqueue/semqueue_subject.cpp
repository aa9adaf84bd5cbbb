// The semaphore queues as campaign subjects (docs/semqueue.md): producers push
// tagged items, consumers pop until the producers have ended and the queue is
// empty; afterwards the test process drains what is left and reads the
// queue's counts.
//
// Variants: robust (crash-safe); named, unnamed and named_slot (the textbook
// designs, declared not crash-safe: their campaign expects the finding, a
// survivor stuck behind a dead holder or a slot lost for good); early_publish
// (the planted bug: the robust queue publishing a message before writing it).
#include <cstdio>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/queue_model.hpp"
#include "suite/semqueue/message_codec.hpp"
#include "suite/semqueue/queue_variants.hpp"

namespace shmc::semqueue::test {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;
using campaign::VerdictKind;

// "": the campaign's size. "shape-N-K": N items per producer through a queue of capacity K
// (the delivery tests).
struct Shape {
  std::uint32_t items = 12, capacity = 4;
};
Shape shape_of(const std::string& profile) {
  Shape s;
  if (std::sscanf(profile.c_str(), "shape-%u-%u", &s.items, &s.capacity) != 2) s = Shape{};
  return s;
}
constexpr auto kPollSlice = 40ms;  // how often an idle consumer looks whether the producers have ended

template <class V>
class QueueInstance final : public campaign::Instance {
 public:
  explicit QueueInstance(typename V::Queue q) : q_(std::move(q)) {}

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    if (op.code == check::queue::kPush) {
      auto r = q_.push(to_message(check::delivery::decode(op.arg[0], op.arg[1])), ctx.deadline());
      if (r) return OpResult::done(check::queue::kOk);
      if (r.error().code == Errc::timed_out) return OpResult::stuck("push: " + r.error().describe());
      return OpResult::corrupt("push: " + r.error().describe());
    }
    for (;;) {
      // Once the producers have ended, an empty queue is final: look once, without waiting.
      const bool producers_ended = ctx.role_ended("producer");
      Message m;
      auto r = q_.pop(m, producers_ended ? Clock::now() : std::min(ctx.deadline(), Clock::now() + kPollSlice));
      if (r) {
        const auto w = checker_words(m);
        return OpResult::done(check::queue::kOk, w[0], w[1]);
      }
      if (r.error().code != Errc::timed_out) return OpResult::corrupt("pop: " + r.error().describe());
      if (producers_ended) return OpResult::done(check::queue::kEmpty);
      if (Clock::now() >= ctx.deadline()) return OpResult::stuck("pop: no message while producers still ran");
    }
  }
  typename V::Queue& queue() { return q_; }

 private:
  typename V::Queue q_;
};

template <class V>
class QueueSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup&) const override {
    return {{"producer", static_cast<std::uint32_t>(V::kProducers)}, {"consumer", static_cast<std::uint32_t>(V::kConsumers)}};
  }

  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64&) const override {
    const std::uint32_t items = shape_of(setup.profile).items;
    std::vector<Op> ops;
    if (role == "producer") {
      for (std::uint32_t seq = 0; seq < items; ++seq) {
        const auto w = check::delivery::encode(check::delivery::make_item(static_cast<std::uint32_t>(actor), seq));
        ops.push_back(Op{check::queue::kPush, {w[0], w[1]}});
      }
    } else {
      ops.assign(static_cast<std::size_t>(V::kProducers) * items + 1, Op{check::queue::kPop, {0, 0}});
    }
    return ops;
  }

  // A pop that timed out may have raced a push still in flight: full and empty are lenient.
  std::unique_ptr<check::Model> model(const campaign::TrialSetup& setup) const override {
    return std::make_unique<check::queue::Model>(
        check::queue::Options{.capacity = shape_of(setup.profile).capacity, .strict_full = false, .strict_empty = false});
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    capacity_ = shape_of(setup.profile).capacity;
    auto q = V::create(setup.name, capacity_);
    if (!q) return q.error();
    owner_ = std::make_unique<typename V::Queue>(std::move(*q));
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto q = V::open(setup.name);
    if (!q) return q.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<QueueInstance<V>>(std::move(*q)));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    using campaign::Gate;
    const std::string prefix = V::kPointPrefix;
    std::vector<campaign::PointRule> rules;
    for (const char* other : {"semqueue/robust/", "semqueue/textbook/", "semqueue/slot/"})
      if (prefix != other) rules.push_back({.prefix = other, .skip_reason = "another variant's points"});
    // The recovery points: a producer dies holding the lock, the armed producer repairs it, alone.
    rules.push_back({.prefix = prefix + "recover/",
                     .role = "producer",
                     .gate = Gate::all_wait,
                     .prior_role = "producer",
                     .prior = {prefix + "push/locked", 1},
                     .max_hit = 1});
    // An armed consumer consumes alone until it has died, so its point is reached whatever the scheduler does.
    for (const char* side : {"pop/", "read/"})
      rules.push_back({.prefix = prefix + side, .role = "consumer", .gate = Gate::same_role_waits});
    rules.push_back({.prefix = prefix, .role = "producer"});
    return rules;
  }

  // Enough items that the kill lands mid-run.
  campaign::RandomKills random_kills() const override { return {0us, 3000us, "shape-300-4"}; }

  bool delivers_items() const override { return true; }

  std::optional<campaign::Problem> drain(campaign::Instance& inst, std::vector<check::delivery::Item>& out) override {
    auto& q = static_cast<QueueInstance<V>&>(inst).queue();
    // Bounded by the queue's size, not by what it returns: a broken queue could return items forever.
    for (std::uint32_t n = 0; n <= capacity_ + 1; ++n) {
      Message m;
      if (!q.pop(m, Clock::now())) return std::nullopt;  // every actor has ended: what is there is there now
      const auto w = checker_words(m);
      out.push_back(check::delivery::decode(w[0], w[1]));
    }
    return campaign::Problem{VerdictKind::corrupted, "drain: more messages than the queue can hold"};
  }

  std::optional<campaign::Problem> validate(campaign::Instance& inst) override {
    const QueueSnapshot s = static_cast<QueueInstance<V>&>(inst).queue().snapshot();
    // Every actor has ended: a lock still held belongs to a dead process, and every later operation would block.
    if (!s.lock_free_now)
      return campaign::Problem{VerdictKind::survivor_stuck,
                               "the queue's lock is held by a dead process: every later operation blocks (" +
                                   s.describe() + ")"};
    if (!s.consistent() || s.items != 0)
      return campaign::Problem{VerdictKind::lost, "a slot lost for good (" + s.describe() + ")"};
    return std::nullopt;
  }

 private:
  std::unique_ptr<typename V::Queue> owner_;  // the creator's handle: only the creator unlinks
  std::uint32_t capacity_ = 4;
};

// Which harm a kill at a textbook point does: holding the mutex (or the single slot's only permit)
// blocks every peer; between the two semaphore operations a slot is lost for good.
campaign::VerdictSet textbook_harm(const campaign::TrialSpec& trial) {
  for (const char* step : {"/got_mutex", "/slot_written", "/tail_advanced", "/slot_read", "/head_advanced"})
    if (trial.point.find(step) != std::string::npos) return {VerdictKind::survivor_stuck};
  if (trial.point.starts_with("semqueue/slot/read/")) return {VerdictKind::survivor_stuck};
  return {};
}

template <class V>
campaign::SubjectVariant textbook(const char* description) {
  return {.subject = "semqueue",
          .variant = V::kName,
          .description = description,
          .make = [] { return std::make_unique<QueueSubject<V>>(); },
          .expect = campaign::Expectation::finding({VerdictKind::survivor_stuck, VerdictKind::lost}, textbook_harm),
          .op_bound = 300ms};
}

}  // namespace

SHMC_REGISTER_SUBJECT(semqueue_robust, {.subject = "semqueue",
                                        .variant = "robust",
                                        .description = "robust mutex (EOWNERDEAD repair) queue with futex wake-ups: crash-safe",
                                        .make = [] { return std::make_unique<QueueSubject<RobustVariant>>(); },
                                        .op_bound = 3s});
SHMC_REGISTER_SUBJECT(semqueue_named, textbook<NamedVariant>("textbook queue on three named semaphores: not crash-safe"));
SHMC_REGISTER_SUBJECT(semqueue_unnamed,
                      textbook<UnnamedVariant>("textbook queue on unnamed process-shared semaphores: not crash-safe"));
SHMC_REGISTER_SUBJECT(semqueue_named_slot,
                      textbook<NamedSlotVariant>("seed 002's single slot on two named semaphores: not crash-safe"));
SHMC_REGISTER_SUBJECT(
    semqueue_early_publish,
    {.subject = "semqueue",
     .variant = "early_publish",
     .description = "planted bug: the robust queue publishing a message before writing it",
     .make = [] { return std::make_unique<QueueSubject<EarlyPublishVariant>>(); },
     .expect = campaign::Expectation::finding(
         {VerdictKind::ok, VerdictKind::corrupted, VerdictKind::lost, VerdictKind::duplicated,
          VerdictKind::not_linearizable},
         [](const campaign::TrialSpec& t) {
           return t.point == "semqueue/robust/push/copied"
                      ? campaign::VerdictSet{VerdictKind::corrupted, VerdictKind::lost, VerdictKind::duplicated,
                                             VerdictKind::not_linearizable}
                      : campaign::VerdictSet{};
         }),
     .op_bound = 3s});

}  // namespace shmc::semqueue::test
