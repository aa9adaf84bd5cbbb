// The CAS ring as a campaign subject (docs/ring.md, "Campaigns"): two
// producers push tagged items, two consumers pop until the producers have
// ended and the ring is empty. Variants: robust (crash-safe) and non_robust
// (the planted bug: no repair, so a dead claimant jams its slot and a
// survivor's bounded wait reports it stuck).
#include <array>
#include <cstdio>

#include "fixtures/ring/ring.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/queue_model.hpp"
#include "suite/ring/ring_message.hpp"

namespace shmc::ring::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;
using Clock = std::chrono::steady_clock;

// Set-ups. "": a small ring, so producers wrap around onto a dead consumer's slot within a few
// items. "repair": no wrap-around, so only the armed consumer can meet the dead claimant first.
// "long": enough items that a random kill lands mid-run. "shape-P-C-N-K": P producers of N items
// each, C consumers, capacity K (the concurrency properties and the seed's exercise).
struct Shape {
  std::uint32_t producers = 2, consumers = 2, per_producer = 50, capacity = 4;
};
Shape shape_of(const std::string& profile) {
  if (profile == "repair") return {2, 2, 20, 64};
  if (profile == "long") return {2, 2, 400, 8};
  Shape s;
  if (std::sscanf(profile.c_str(), "shape-%u-%u-%u-%u", &s.producers, &s.consumers, &s.per_producer, &s.capacity) == 4)
    return s;
  return Shape{};
}
// One bounded pop while producers may still push. The end of the producers is only looked at
// between pops, so after the last one died or returned a consumer of an empty ring waits out the
// rest of its slice: keep it short (a blocked pop sleeps on the ring's futex, so a slice costs a
// wake-up, not a spinning CPU), but three stall bounds (options() below) long, so the ring's stall
// check still repairs a dead claimant inside one pop.
constexpr auto kPopSlice = 1ms;

template <Variant V>
class RingInstance final : public campaign::Instance {
 public:
  explicit RingInstance(BasicRing<V> ring) : ring_(std::move(ring)) {}

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    return op.code == check::queue::kPush ? push(op, ctx) : pop(ctx);
  }
  BasicRing<V>& ring() { return ring_; }

 private:
  OpResult push(const Op& op, campaign::OpContext& ctx) {
    const auto item = check::delivery::decode(op.arg[0], op.arg[1]);
    const Message msg = make_message(item.producer, item.seq);
    const auto left = std::chrono::duration_cast<std::chrono::microseconds>(ctx.deadline() - Clock::now());
    auto r = ring_.push(msg, std::max(left, std::chrono::microseconds(1)));
    if (!r) return OpResult::corrupt("push: " + r.error().describe());
    if (*r == PushStatus::pushed) return OpResult::done(check::queue::kOk);
    return OpResult::stuck("push " + std::string(to_string(*r)) + " until its deadline at head " +
                           std::to_string(ring_.stats().head));
  }

  OpResult pop(campaign::OpContext& ctx) {
    std::array<std::byte, kMessageSize> buf{};
    for (;;) {
      const bool producers_ended = ctx.role_ended("producer");  // before the pop: an item pushed before is seen
      // Once they have, an empty ring is final: look without waiting (a stalled slot still gets the
      // bounded wait, which repairs a dead claimant).
      auto r = producers_ended ? ring_.try_pop(buf) : ring_.pop(buf, kPopSlice);
      if (r && r->status == PopStatus::stalled && producers_ended) r = ring_.pop(buf, kPopSlice);
      if (!r) return OpResult::corrupt("pop: " + r.error().describe());
      if (r->status == PopStatus::popped) {
        auto item = read_message(std::span<const std::byte>(buf.data(), r->size));
        if (!item) return OpResult::corrupt("popped a message whose checksum does not match");
        const auto w = check::delivery::encode(*item);
        return OpResult::done(check::queue::kOk, w[0], w[1]);
      }
      if (r->status == PopStatus::empty && producers_ended) return OpResult::done(check::queue::kEmpty);
      if (Clock::now() >= ctx.deadline())
        return OpResult::stuck("pop " + std::string(to_string(r->status)) + " until its deadline at tail " +
                               std::to_string(ring_.stats().tail) + " head " + std::to_string(ring_.stats().head));
    }
  }

  BasicRing<V> ring_;
};

template <Variant V>
class RingSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup& setup) const override {
    const Shape s = shape_of(setup.profile);
    return {{"producer", s.producers}, {"consumer", s.consumers}};
  }

  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64&) const override {
    const Shape s = shape_of(setup.profile);
    std::vector<Op> ops;
    if (role == "producer") {
      for (std::uint32_t seq = 0; seq < s.per_producer; ++seq) {
        const auto w = check::delivery::encode(check::delivery::make_item(static_cast<std::uint32_t>(actor), seq));
        ops.push_back(Op{check::queue::kPush, {w[0], w[1]}});
      }
    } else {  // enough pops for every item; the ones after the producers ended return empty at once
      ops.assign(s.producers * s.per_producer + 1, Op{check::queue::kPop, {0, 0}});
    }
    return ops;
  }

  // A bounded FIFO whose full/empty may be spurious (Vyukov; a skipped or abandoned slot holds
  // capacity until it is passed).
  std::unique_ptr<check::Model> model(const campaign::TrialSetup& setup) const override {
    return std::make_unique<check::queue::Model>(
        check::queue::Options{.capacity = shape_of(setup.profile).capacity, .strict_full = false, .strict_empty = false});
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto r = BasicRing<V>::create(setup.name, {shape_of(setup.profile).capacity, kMessageSize}, options());
    if (!r) return r.error();
    owner_ = std::make_unique<BasicRing<V>>(std::move(*r));
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto r = BasicRing<V>::open(setup.name, options());
    if (!r) return r.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<RingInstance<V>>(std::move(*r)));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    using campaign::Gate;
    // A dead claimant is met at the slot it left: producer-0 dies holding its third claim.
    const campaign::PointRule after_dead_claim{.prefix = "",
                                               .role = "consumer",
                                               .gate = Gate::same_role_waits,
                                               .prior_role = "producer",
                                               .prior = {"ring/push/claimed", 3},
                                               .max_hit = 1,
                                               .profile = "repair"};
    std::vector<campaign::PointRule> rules;
    if constexpr (V == Variant::robust) {
      for (const char* p : {"ring/repair/", "ring/pop/skip_claimed"}) {
        auto r = after_dead_claim;
        r.prefix = p;
        rules.push_back(r);
      }
    } else {
      for (const char* p : {"ring/repair/", "ring/pop/skip_claimed", "ring/push/stamped", "ring/pop/stamped",
                            "ring/push/published", "ring/pop/released"})
        rules.push_back({.prefix = p, .role = "", .skip_reason = "the non-robust ring has no stamps and no repair"});
    }
    rules.push_back({.prefix = "ring/push/", .role = "producer"});
    // Two consumers racing may leave the armed one with fewer than `hit` items: the other starts after it died.
    rules.push_back({.prefix = "ring/pop/", .role = "consumer", .gate = Gate::same_role_waits});
    return rules;
  }

  campaign::RandomKills random_kills() const override { return {200us, 3000us, "long"}; }

  std::optional<campaign::Problem> recover(campaign::Instance& inst) override {
    auto r = static_cast<RingInstance<V>&>(inst).ring().unblock();
    if (!r) return campaign::Problem{campaign::VerdictKind::invariant_broken, "unblock: " + r.error().describe()};
    return std::nullopt;
  }

  bool delivers_items() const override { return true; }

  std::optional<campaign::Problem> drain(campaign::Instance& inst, std::vector<check::delivery::Item>& out) override {
    auto& ring = static_cast<RingInstance<V>&>(inst).ring();
    std::array<std::byte, kMessageSize> buf{};
    for (std::size_t n = 0; n <= ring.capacity() + 1; ++n) {
      // Every actor has ended: look without waiting; only a stalled slot gets the bounded wait that repairs it.
      auto r = ring.try_pop(buf);
      if (r && r->status == PopStatus::stalled) r = ring.pop(buf, 50ms);
      if (!r) return campaign::Problem{campaign::VerdictKind::corrupted, "drain: " + r.error().describe()};
      if (r->status == PopStatus::empty) return std::nullopt;
      if (r->status == PopStatus::stalled)
        return campaign::Problem{campaign::VerdictKind::survivor_stuck,
                                 "drain: the ring stayed stalled at tail " + std::to_string(ring.stats().tail)};
      auto item = read_message(std::span<const std::byte>(buf.data(), r->size));
      if (!item) return campaign::Problem{campaign::VerdictKind::corrupted, "drain: a corrupt item was left in the ring"};
      out.push_back(*item);
    }
    return campaign::Problem{campaign::VerdictKind::corrupted, "drain: more items than the ring can hold"};
  }

  std::optional<campaign::Problem> validate(campaign::Instance& inst) override {
    auto r = static_cast<RingInstance<V>&>(inst).ring().validate();
    if (!r) return campaign::Problem{campaign::VerdictKind::invariant_broken, r.error().describe()};
    return std::nullopt;
  }

 private:
  static RingOptions options() {
    RingOptions o;
    o.stall_bound = 300us;
    return o;
  }
  std::unique_ptr<BasicRing<V>> owner_;  // the creator's handle: its destructor unlinks the segment
};

}  // namespace

SHMC_REGISTER_SUBJECT(ring_robust, {.subject = "ring",
                                    .variant = "robust",
                                    .description = "CAS ring with claimant stamps and unblock() repair: crash-safe",
                                    .make = [] { return std::make_unique<RingSubject<Variant::robust>>(); }});
SHMC_REGISTER_SUBJECT(ring_non_robust,
                      {.subject = "ring",
                       .variant = "non_robust",
                       .description = "planted bug: the same ring without repair; a dead claimant jams its slot",
                       .make = [] { return std::make_unique<RingSubject<Variant::non_robust>>(); },
                       .expect = campaign::Expectation::finding({campaign::VerdictKind::survivor_stuck}),
                       .op_bound = 300ms});

}  // namespace shmc::ring::testing
