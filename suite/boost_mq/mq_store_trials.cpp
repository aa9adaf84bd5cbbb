#include "suite/boost_mq/mq_store_trials.hpp"

#include <array>
#include <cstring>

#include "fixtures/boost_mq/boost_mq.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace shmc::boost_mq::testing {

namespace {

using namespace std::chrono_literals;
namespace trap = harness::store_trap;

constexpr std::size_t kSize = 32;
constexpr auto kOpDeadline = 50ms;   // Boost's own deadline for each timed call
constexpr auto kPeerBound = 1000ms;  // far past it: a peer still inside then is blocked
using Message = std::array<std::byte, kSize>;

Message message(std::uint8_t tag) {
  Message m{};
  std::memset(m.data(), tag, m.size());
  return m;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw harness::ActorCheckFailed(what);
}

}  // namespace

const char* to_string(VictimOp op) { return op == VictimOp::send ? "send" : "receive"; }
const char* role_of(VictimOp op) { return op == VictimOp::send ? "sender" : "receiver"; }

std::string StoreTrial::describe() const {
  std::string s = std::string(to_string(op)) + " killed before store " + std::to_string(k) + ": peer " +
                  (peer_blocked() ? "BLOCKED" : "ok") + "\n";
  s += "  victim " + victim.describe() + "\n  peer " + peer.describe();
  return s;
}

StoreTrial run_store_trial(VictimOp op, std::uint32_t k) {
  StoreTrial t;
  t.op = op;
  t.k = k;
  const std::string name = harness::unique_name("boost-mq");
  auto queue = Queue::create(name, {.max_messages = 4, .max_size = kSize});
  if (!queue) throw std::runtime_error(queue.error().describe());
  // The receiver needs something to take: one message is queued before it starts.
  if (op == VictimOp::receive) check(queue->send(message(1), kOpDeadline).ok(), "prefill");
  harness::SharedArray<std::uint64_t> counted(1);

  const harness::CrashPlan plan = k == 0 ? harness::CrashPlan{} : harness::CrashPlan{harness::StoreAt{k}};
  t.victim = harness::run_in_child(role_of(op), [&](harness::ActorContext& ctx) {
    auto q = Queue::open(name);
    check(q.ok(), "open");
    // The parent's mapping, inherited, and the one open() made: a store through either is a store to the queue.
    auto ranges = trap::find_mappings(q->boost_name());
    check(ranges.ok(), "the queue's mappings");
    auto session = trap::Session::start(*ranges);
    check(session.ok(), "store-trap session");
    Message buf{};
    ctx.doing(to_string(op));
    {
      trap::Window w(**session);
      if (op == VictimOp::send) check(q->send(message(2), kOpDeadline).ok(), "send");
      else check(q->receive(buf, kOpDeadline).ok(), "receive");
    }
    counted[0] = (*session)->stores();
    return 0;
  }, 10s, plan);
  t.stores_counted = counted[0];

  // The peer: a receive (whatever is there, or a timeout at Boost's deadline), then a send and a receive of its own.
  t.peer = harness::run_in_child("peer", [&](harness::ActorContext& ctx) {
    auto q = Queue::open(name);
    check(q.ok(), "open");
    Message buf{};
    ctx.doing("timed_receive (50 ms deadline)");
    check(q->receive(buf, kOpDeadline).ok(), "receive");
    ctx.doing("timed_send (50 ms deadline)");
    auto sent = q->send(message(3), kOpDeadline);
    check(sent.ok() && *sent == SendStatus::sent, "send");
    ctx.doing("timed_receive (50 ms deadline)");
    auto got = q->receive(buf, kOpDeadline);
    check(got.ok() && got->status == ReceiveStatus::received, "receive after send");
    return 0;
  }, kPeerBound);
  return t;
}

std::uint64_t stores_of(VictimOp op) {
  StoreTrial t = run_store_trial(op, 0);
  if (!t.victim.ok()) throw std::runtime_error("counting run failed: " + t.victim.describe());
  return t.stores_counted;
}

}  // namespace shmc::boost_mq::testing
