// The seqlock blackboard as a campaign subject (docs/blackboard.md, "Campaign").
//
// Profile "" : two publishers, each the one publisher of its own channel, and
// two subscribers reading both channels, all at once. The armed publisher
// (channel 0) dies at the armed point; the other keeps publishing on channel 1
// while the subscribers read, so every trial also races readers against a live
// publisher. Profile "repair": a breaker dies halfway through its second
// publish (channel 0 left odd); the armed publisher takes the channel over and
// dies while repairing it. Profile "long": the same workload ten times over,
// for random kills. Afterwards the test process claims every channel (taking a
// dead publisher's over and repairing it), reads every channel, and the history
// must be linearizable register by register (check::reg): a killed publish
// either never happened or completed, and no read returns a torn value (each
// value's words are derived from its first, and the board checks its checksum).
//
// Variants: seqlock (the design); recheck_before_copy (planted: the reader's
// second sequence load moved before the copy: torn values while a publisher runs).
#include "fixtures/blackboard/blackboard.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/register_model.hpp"
#include "shmconform/harness/poll_until.hpp"
#include "suite/blackboard/blackboard_values.hpp"

namespace shmc::blackboard::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;

constexpr std::uint32_t kWords = 256;  // long copies: a read overlapping a publish is likely within a few hundred
constexpr std::uint32_t kChannels = 2;

struct Shape {
  std::uint32_t publishers, subscribers, publishes, reads;
};
Shape shape_of(const std::string& profile) {
  if (profile == "repair") return {1, 1, 40, 80};
  if (profile == "long") return {2, 2, 3000, 3000};
  return {2, 2, 1000, 1000};
}

template <ReadOrder Order>
class BoardInstance final : public campaign::Instance {
 public:
  BoardInstance(Blackboard board, std::uint32_t busy_channel) : board_(std::move(board)), busy_(busy_channel) {
    for (std::uint32_t c = 0; c < kChannels; ++c) subscribers_.emplace_back(board_, c);
  }

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    const auto ch = static_cast<std::uint32_t>(op.arg[0]);
    if (ch >= kChannels) return OpResult::corrupt("channel " + std::to_string(ch) + " out of range");
    if (op.code == check::reg::kWrite) return publish(ch, op.arg[1], ctx);
    if (!started_) {
      // Start reading once the unarmed publisher has started: its publishes and these reads
      // then overlap (a subscriber that ran before it would only ever see empty channels).
      ctx.doing("waiting for channel " + std::to_string(busy_) + "'s first publish");
      harness::poll_until([&] { return board_.info(busy_)->seq >= 2 || ctx.role_ended("publisher"); }, ctx.deadline());
      started_ = true;
    }
    return read(ch);
  }

  // After the run: take every channel over (repairing a dead publisher's) and give it back.
  std::optional<campaign::Problem> claim_all() {
    for (std::uint32_t c = 0; c < kChannels; ++c) {
      auto p = Publisher::claim(board_, c);
      if (!p) return campaign::Problem{campaign::VerdictKind::invariant_broken, "claim channel " + std::to_string(c) +
                                                                                   " after the run: " + p.error().describe()};
      if (auto r = p->release(); !r)
        return campaign::Problem{campaign::VerdictKind::invariant_broken, "release: " + r.error().describe()};
      if (board_.info(c)->seq & 1)
        return campaign::Problem{campaign::VerdictKind::invariant_broken,
                                 "channel " + std::to_string(c) + " still odd after its takeover"};
    }
    return std::nullopt;
  }

 private:
  OpResult publish(std::uint32_t ch, std::uint64_t tag, campaign::OpContext& ctx) {
    if (!publishers_[ch]) {
      ctx.doing("claiming channel " + std::to_string(ch));
      auto p = Publisher::claim(board_, ch);
      if (!p) return OpResult::corrupt("claim channel " + std::to_string(ch) + ": " + p.error().describe());
      publishers_[ch].emplace(std::move(*p));
    }
    const auto value = make_value(tag >> 48, tag & 0xffffffffffffULL, kWords);
    if (auto r = publishers_[ch]->publish(value); !r) return OpResult::corrupt("publish: " + r.error().describe());
    return OpResult::done(check::reg::kOk);
  }

  OpResult read(std::uint32_t ch) {
    Result<Reading> r = Reading{};
    if constexpr (Order == ReadOrder::correct) r = subscribers_[ch].poll(words_[ch]);
    else r = board_.read<Order>(ch, words_[ch]);
    if (!r) {
      const std::string what = "read channel " + std::to_string(ch) + ": " + r.error().describe();
      return r.error().code == Errc::timed_out ? OpResult::stuck(what) : OpResult::corrupt(what);
    }
    if (r->status == ReadStatus::unchanged) return last_[ch];  // the sequence did not move: the same value
    if (r->status == ReadStatus::empty) return last_[ch] = OpResult::done(check::reg::kEmpty);
    const auto got = std::span<const std::uint64_t>(words_[ch]).first(r->words);
    if (r->words != kWords || whole_value(got) < 0)
      return OpResult::corrupt("torn value on channel " + std::to_string(ch) + " at seq " + std::to_string(r->seq) +
                               ": first word " + std::to_string(words_[ch][0]) + ", words not all of one publish");
    return last_[ch] = OpResult::done(check::reg::kOk, words_[ch][0]);
  }

  Blackboard board_;
  std::uint32_t busy_;
  bool started_ = false;
  std::vector<Subscriber> subscribers_;
  std::optional<Publisher> publishers_[kChannels];
  std::uint64_t words_[kChannels][kWords] = {};
  OpResult last_[kChannels] = {OpResult::done(check::reg::kEmpty), OpResult::done(check::reg::kEmpty)};
};

Op op(std::uint32_t code, std::uint64_t ch, std::uint64_t v = 0) { return Op{code, {ch, v}}; }

template <ReadOrder Order>
class BoardSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup& setup) const override {
    const Shape s = shape_of(setup.profile);
    return {{"publisher", s.publishers}, {"subscriber", s.subscribers}};
  }

  // A publisher's channel: the breaker and the repair profile's publisher share channel 0;
  // otherwise publisher k (actors 0, 1) publishes channel k.
  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64&) const override {
    const Shape s = shape_of(setup.profile);
    std::vector<Op> ops;
    if (role == "breaker") {
      for (std::uint64_t n = 1; n <= 2; ++n) ops.push_back(op(check::reg::kWrite, 0, (std::uint64_t{900} << 48) | n));
      return ops;
    }
    if (role == "publisher") {
      const std::uint64_t ch = setup.profile == "repair" ? 0 : static_cast<std::uint64_t>(actor) % kChannels;
      for (std::uint64_t n = 1; n <= s.publishes; ++n)
        ops.push_back(op(check::reg::kWrite, ch, (static_cast<std::uint64_t>(actor + 1) << 48) | n));
      return ops;
    }
    for (std::uint32_t i = 0; i < s.reads; ++i) ops.push_back(op(check::reg::kRead, (i + static_cast<std::uint32_t>(actor)) % kChannels));
    return ops;
  }

  std::unique_ptr<check::Model> model(const campaign::TrialSetup&) const override {
    return std::make_unique<check::reg::Model>();
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto b = Blackboard::create(setup.name, {{"left", kWords}, {"right", kWords}}, options(setup));
    if (!b) return b.error();
    owner_ = std::make_unique<Blackboard>(std::move(*b));
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto b = Blackboard::open(setup.name, options(setup));
    if (!b) return b.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<BoardInstance<Order>>(std::move(*b), setup.profile == "repair" ? 0 : 1));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    return {{.prefix = "blackboard/repair/",
             .role = "publisher",
             .prior_role = "breaker",
             .prior = {"blackboard/publish/live_half", 2},
             .max_hit = 1,  // one repair per claim
             .profile = "repair"},
            {.prefix = "blackboard/claim/", .role = "publisher", .max_hit = 1},  // one claim per channel
            {.prefix = "blackboard/", .role = "publisher"}};
  }

  campaign::RandomKills random_kills() const override { return {500us, 8000us, "long"}; }

  std::optional<campaign::Problem> recover(campaign::Instance& inst) override {
    return static_cast<BoardInstance<Order>&>(inst).claim_all();
  }

  std::vector<Op> audit(const campaign::TrialSetup&) const override {
    return {op(check::reg::kRead, 0), op(check::reg::kRead, 1)};
  }

 private:
  static BoardOptions options(const campaign::TrialSetup& setup) {
    BoardOptions o;
    o.read_bound = setup.op_bound;
    return o;
  }
  std::unique_ptr<Blackboard> owner_;  // the creator's handle: its destructor unlinks the segment
};

}  // namespace

SHMC_REGISTER_SUBJECT(blackboard_seqlock,
                      {.subject = "blackboard",
                       .variant = "seqlock",
                       .description = "seqlock channels with an undo block and takeover of a dead publisher: crash-safe",
                       .make = [] { return std::make_unique<BoardSubject<ReadOrder::correct>>(); }});
SHMC_REGISTER_SUBJECT(
    blackboard_recheck_before_copy,
    {.subject = "blackboard",
     .variant = "recheck_before_copy",
     .description = "planted bug: the reader's second sequence load before the copy; torn values while a publisher runs",
     .make = [] { return std::make_unique<BoardSubject<ReadOrder::recheck_before_copy>>(); },
     // A race, not a crash bug: any one trial may miss it (the copies must overlap a publish).
     // blackboard_campaign_test requires one of a few concurrent runs to tear.
     .expect = campaign::Expectation::finding(
         {campaign::VerdictKind::ok, campaign::VerdictKind::corrupted, campaign::VerdictKind::not_linearizable})});

}  // namespace shmc::blackboard::testing
