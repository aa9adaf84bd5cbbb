// boost::interprocess::message_queue as a campaign subject (issue 12): code we
// do not own, with no crash points, so only store trials and random kills reach
// inside it. Two senders send tagged items, one receiver takes them until the
// senders have ended. Variant "default" is declared not crash-safe: a sender or
// receiver killed inside send/receive while it holds Boost's queue mutex (a
// process-shared, non-robust pthread mutex, locked with no deadline) leaves
// every peer blocked for ever (boostorg/interprocess #163, #226): survivor_stuck.
//
// Boost's timed_send/timed_receive honour their deadline only while waiting on
// the queue's condition variables, not while locking the mutex, so each call
// runs on a helper thread that the operation waits for until its own deadline:
// a call still inside Boost then is reported stuck, and the thread is left
// where it is (the actor process ends right after; in the test process the
// queue it uses is kept alive with it).
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "fixtures/boost_mq/boost_mq.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/queue_model.hpp"
#include "suite/ring/ring_message.hpp"

namespace shmc::boost_mq::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;
using Clock = std::chrono::steady_clock;
using ring::testing::kMessageSize;

constexpr std::uint32_t kSenders = 2, kItems = 8, kCapacity = 4;
constexpr auto kSlice = 10ms;  // one timed_receive while the senders may still send

// Runs `call` on a helper thread; nothing if it is still running at `deadline`.
template <class T, class F>
std::optional<T> bounded(F call, Clock::time_point deadline) {
  auto task = std::make_shared<std::packaged_task<T()>>(std::move(call));
  auto result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_until(deadline) != std::future_status::ready) return std::nullopt;
  return result.get();
}

class MqInstance final : public campaign::Instance {
 public:
  explicit MqInstance(Queue q) : q_(std::make_shared<Queue>(std::move(q))) {}

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    return op.code == check::queue::kPush ? send(op, ctx) : receive(ctx);
  }

  // One receive of at most `slice`, bounded by `deadline` from outside as well.
  std::optional<Result<std::optional<check::delivery::Item>>> receive_once(std::chrono::microseconds slice,
                                                                          Clock::time_point deadline) {
    auto q = q_;
    using R = Result<std::optional<check::delivery::Item>>;
    return bounded<R>([q, slice]() -> R {
      ring::testing::Message buf{};
      auto r = q->receive(buf, slice);
      if (!r) return r.error();
      if (r->status == ReceiveStatus::timed_out) return std::optional<check::delivery::Item>{};
      auto item = ring::testing::read_message(std::span<const std::byte>(buf.data(), r->size));
      if (!item) return make_error(Errc::corrupt, "a message whose checksum does not match");
      return std::optional<check::delivery::Item>{*item};
    }, deadline);
  }

 private:
  OpResult send(const Op& op, campaign::OpContext& ctx) {
    const auto item = check::delivery::decode(op.arg[0], op.arg[1]);
    const auto msg = ring::testing::make_message(item.producer, item.seq);
    auto q = q_;
    for (;;) {
      const bool receivers_ended = ctx.role_ended("receiver");  // then a full queue stays full
      ctx.doing("timed_send");
      auto r = bounded<Result<SendStatus>>([q, msg] { return q->send(msg, kSlice); }, Clock::now() + kSlice + 50ms +
                                                                                       (ctx.deadline() - Clock::now()));
      if (!r) return OpResult::stuck("timed_send still inside Boost past its deadline (its mutex lock has none)");
      if (!*r) return OpResult::corrupt("timed_send: " + r->error().describe());
      if (**r == SendStatus::sent) return OpResult::done(check::queue::kOk);
      // Boost's own deadline passed while waiting for room: full, a documented status.
      if (receivers_ended || Clock::now() >= ctx.deadline()) return OpResult::done(check::queue::kFull);
    }
  }

  OpResult receive(campaign::OpContext& ctx) {
    for (;;) {
      const bool senders_ended = ctx.role_ended("sender");  // before the receive: an item sent before is seen
      ctx.doing("timed_receive");
      auto r = receive_once(kSlice, std::max(ctx.deadline(), Clock::now()) + kSlice + 50ms);
      if (!r) return OpResult::stuck("timed_receive still inside Boost past its deadline (its mutex lock has none)");
      if (!*r) return OpResult::corrupt("timed_receive: " + r->error().describe());
      if (**r) {
        const auto w = check::delivery::encode(***r);
        return OpResult::done(check::queue::kOk, w[0], w[1]);
      }
      if (senders_ended) return OpResult::done(check::queue::kEmpty);
      if (Clock::now() >= ctx.deadline()) return OpResult::stuck("timed_receive found nothing until its deadline");
    }
  }

  std::shared_ptr<Queue> q_;  // shared with a helper thread that may outlive the call
};

class MqSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup&) const override {
    return {{"sender", kSenders}, {"receiver", 1}};
  }

  std::vector<Op> operations(const campaign::TrialSetup&, const std::string& role, int actor,
                             std::mt19937_64&) const override {
    std::vector<Op> ops;
    if (role == "sender") {
      for (std::uint32_t seq = 0; seq < kItems; ++seq) {
        const auto w = check::delivery::encode(check::delivery::make_item(static_cast<std::uint32_t>(actor), seq));
        ops.push_back(Op{check::queue::kPush, {w[0], w[1]}});
      }
    } else {
      ops.assign(kSenders * kItems + 1, Op{check::queue::kPop, {0, 0}});
    }
    return ops;
  }

  std::unique_ptr<check::Model> model(const campaign::TrialSetup&) const override {
    return std::make_unique<check::queue::Model>(
        check::queue::Options{.capacity = kCapacity, .strict_full = false, .strict_empty = false});
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto q = Queue::create(setup.name, {.max_messages = kCapacity, .max_size = kMessageSize});
    if (!q) return q.error();
    owner_ = std::make_unique<Queue>(std::move(*q));  // its destructor removes Boost's object
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto q = Queue::open(setup.name);
    if (!q) return q.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<MqInstance>(std::move(*q)));
  }

  campaign::RandomKills random_kills() const override { return {100us, 3000us, ""}; }

  bool delivers_items() const override { return true; }

  std::optional<campaign::Problem> drain(campaign::Instance& inst, std::vector<check::delivery::Item>& out) override {
    auto& mq = static_cast<MqInstance&>(inst);
    for (std::uint32_t n = 0; n <= kCapacity; ++n) {
      auto r = mq.receive_once(1ms, Clock::now() + 500ms);
      if (!r)
        return campaign::Problem{campaign::VerdictKind::survivor_stuck,
                                 "drain: timed_receive still inside Boost after 500 ms (its mutex lock has no deadline)"};
      if (!*r) return campaign::Problem{campaign::VerdictKind::corrupted, "drain: " + r->error().describe()};
      if (!**r) return std::nullopt;
      out.push_back(***r);
    }
    return campaign::Problem{campaign::VerdictKind::corrupted, "drain: more messages than the queue holds"};
  }

 private:
  std::unique_ptr<Queue> owner_;
};

}  // namespace

SHMC_REGISTER_SUBJECT(boost_message_queue,
                      {.subject = "boost.message_queue",
                       .variant = "default",
                       .description = "boost::interprocess::message_queue as shipped: not crash-safe, a peer "
                                      "killed holding its mutex blocks the others",
                       .make = [] { return std::make_unique<MqSubject>(); },
                       .expect = campaign::Expectation::finding({campaign::VerdictKind::survivor_stuck}),
                       .op_bound = 500ms});

}  // namespace shmc::boost_mq::testing
