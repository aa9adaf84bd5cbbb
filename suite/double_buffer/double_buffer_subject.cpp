// The double buffers as a campaign subject (docs/double_buffer.md, "Campaign").
//
// One writer and two readers; every written value's words derive from its
// first, so a reader tells a torn copy from a whole one. The model is one
// register (check::reg): a killed write either never happened or completed,
// and a read returns the newest completed value or one being written.
// After the run the test process claims the writer word (from the dead
// writer) and reads again.
//
// Variants: seqlocked (the design; readers run during the writes and after
// the death); seed (seed 001's one version increment per write, planted).
// For the seed the readers start after the writer died, so each trial's
// outcome is fixed by how many writes completed: after n complete writes the
// current buffer's version is ceil(n / 2), and readers accept only even ones,
// so for n mod 4 in {1, 2} no read can ever complete (survivor_stuck).
#include "fixtures/double_buffer/double_buffer.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/register_model.hpp"

namespace shmc::double_buffer::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;

constexpr std::uint32_t kWords = 64;

std::uint64_t word_of(std::uint64_t v, std::uint32_t i) { return i == 0 ? v : v * 0x9e3779b97f4a7c15ULL + i; }

template <Design D>
class BufferInstance final : public campaign::Instance {
 public:
  explicit BufferInstance(BasicDoubleBuffer<D> buffer) : buffer_(std::move(buffer)) {}

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    if (op.code == check::reg::kWrite) {
      if (!writer_) {
        ctx.doing("claiming the writer word");
        if (auto r = buffer_.claim_writer(); !r) return OpResult::corrupt("claim_writer: " + r.error().describe());
        writer_ = true;
      }
      for (std::uint32_t i = 0; i < kWords; ++i) words_[i] = word_of(op.arg[1], i);
      if (auto r = buffer_.write(words_); !r) return OpResult::corrupt("write: " + r.error().describe());
      return OpResult::done(check::reg::kOk);
    }
    auto r = buffer_.read(words_);
    if (!r) {
      const std::string what = "read: " + r.error().describe();
      return r.error().code == Errc::timed_out ? OpResult::stuck(what) : OpResult::corrupt(what);
    }
    if (words_[0] == 0) {
      for (std::uint64_t w : words_)
        if (w != 0) return OpResult::corrupt("torn read: first word 0 (never written) but others are not");
      return OpResult::done(check::reg::kEmpty);
    }
    for (std::uint32_t i = 1; i < kWords; ++i)
      if (words_[i] != word_of(words_[0], i))
        return OpResult::corrupt("torn read: word " + std::to_string(i) + " is not of the value " +
                                 std::to_string(words_[0]) + " (generation " + std::to_string(r->generation) + ")");
    return OpResult::done(check::reg::kOk, words_[0]);
  }

  std::optional<campaign::Problem> take_over() {
    if (auto r = buffer_.claim_writer(); !r)
      return campaign::Problem{campaign::VerdictKind::invariant_broken, "claim_writer after the run: " + r.error().describe()};
    if (auto r = buffer_.release_writer(); !r)
      return campaign::Problem{campaign::VerdictKind::invariant_broken, "release_writer: " + r.error().describe()};
    return std::nullopt;
  }

 private:
  BasicDoubleBuffer<D> buffer_;
  bool writer_ = false;
  std::uint64_t words_[kWords] = {};
};

template <Design D>
class BufferSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup&) const override {
    return {{"writer", 1}, {"reader", 2}};
  }

  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64&) const override {
    const std::uint64_t n = setup.profile == "long" ? 4000 : 200;
    std::vector<Op> ops;
    if (role == "writer") {
      for (std::uint64_t i = 1; i <= n; ++i) ops.push_back(Op{check::reg::kWrite, {0, (static_cast<std::uint64_t>(actor + 1) << 40) | i}});
    } else {
      ops.assign(D == Design::seed ? 3 : n, Op{check::reg::kRead, {0, 0}});
    }
    return ops;
  }

  std::unique_ptr<check::Model> model(const campaign::TrialSetup&) const override {
    return std::make_unique<check::reg::Model>();
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto b = BasicDoubleBuffer<D>::create(setup.name, kWords, options(setup));
    if (!b) return b.error();
    owner_ = std::make_unique<BasicDoubleBuffer<D>>(std::move(*b));
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto b = BasicDoubleBuffer<D>::open(setup.name, options(setup));
    if (!b) return b.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<BufferInstance<D>>(std::move(*b)));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    using campaign::Gate;
    const char* other = D == Design::seed ? "double_buffer/write/" : "double_buffer/seed/";
    return {{.prefix = other, .skip_reason = "the other design's write path"},
            {.prefix = "double_buffer/claim/", .role = "writer", .gate = gate(), .max_hit = 1},  // one claim
            {.prefix = "double_buffer/", .role = "writer", .gate = gate()}};
  }

  campaign::RandomKills random_kills() const override { return {300us, 5000us, "long"}; }

  std::optional<campaign::Problem> recover(campaign::Instance& inst) override {
    return static_cast<BufferInstance<D>&>(inst).take_over();
  }

  std::vector<Op> audit(const campaign::TrialSetup&) const override { return {Op{check::reg::kRead, {0, 0}}}; }

 private:
  // The seed's readers start after the death: its outcome then depends only on the completed writes.
  static campaign::Gate gate() { return D == Design::seed ? campaign::Gate::all_wait : campaign::Gate::none; }
  static Options options(const campaign::TrialSetup& setup) {
    Options o;
    o.read_bound = setup.op_bound;
    return o;
  }
  std::unique_ptr<BasicDoubleBuffer<D>> owner_;  // the creator's handle: its destructor unlinks the segment
};

// Seed design, a write killed at hit h of a write point: h - 1 writes completed.
campaign::VerdictSet seed_outcome(const campaign::TrialSpec& trial) {
  using campaign::VerdictKind;
  if (!trial.point.starts_with("double_buffer/seed/")) return {VerdictKind::ok};  // killed claiming: nothing written
  const std::uint32_t complete = trial.hit - 1;
  const bool odd_version = complete % 4 == 1 || complete % 4 == 2;
  return odd_version ? campaign::VerdictSet{VerdictKind::survivor_stuck} : campaign::VerdictSet{VerdictKind::ok};
}

}  // namespace

SHMC_REGISTER_SUBJECT(double_buffer_seqlocked,
                      {.subject = "double_buffer",
                       .variant = "seqlocked",
                       .description = "per-buffer seqlock, generation and index in one word: crash-safe",
                       .make = [] { return std::make_unique<BufferSubject<Design::seqlocked>>(); }});
SHMC_REGISTER_SUBJECT(double_buffer_seed,
                      {.subject = "double_buffer",
                       .variant = "seed",
                       .description = "planted bug: seed 001's one version increment per write; reads never complete",
                       .make = [] { return std::make_unique<BufferSubject<Design::seed>>(); },
                       .expect = campaign::Expectation::finding(
                           {campaign::VerdictKind::ok, campaign::VerdictKind::survivor_stuck,
                            campaign::VerdictKind::corrupted, campaign::VerdictKind::not_linearizable},
                           seed_outcome),
                       .op_bound = 200ms});

}  // namespace shmc::double_buffer::testing
