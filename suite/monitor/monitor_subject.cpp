// The monitor (robust mutex + condition variable around a two-account record)
// as a campaign subject (docs/monitor.md, "Campaign").
//
// Profile "": two transferrers move amounts between the accounts, a waiter
// waits on the condition variable for the transfers to reach a count (timed
// waits that re-check the predicate) and reads the record. The armed
// transferrer dies at the armed point, mostly holding the mutex; the next
// locker gets EOWNERDEAD and repairs from the undo copy. Profile "repair": a
// breaker dies between debit and credit, and the armed transferrer dies in the
// repair. The model (below): two accounts; a killed transfer happened or not,
// never half. Every read also checks a + b == total itself.
//
// Variants: undo (the design) and no_repair (planted: makes the mutex
// consistent without looking at the record; a death between debit and credit
// leaves a + b != total).
#include "fixtures/monitor/monitor.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/format.hpp"

namespace shmc::monitor::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;

constexpr std::uint64_t kTotal = 1000;

// Two accounts a and b (a starts with everything).
//   transfer(a_to_b, n) -> ok | insufficient     read() -> ok(a, b)
class AccountsModel final : public check::Model {
 public:
  enum Code : std::uint32_t { kTransfer = 1, kRead = 2 };
  enum Status : std::uint32_t { kOk = 0, kInsufficient = 1 };
  std::string name() const override { return "two accounts"; }
  check::State initial() const override { return {kTotal, 0}; }
  void step(const check::State& s, const check::Operation& op, std::vector<check::State>& next) const override {
    if (op.code == kRead) {
      if (op.pending || (op.status == kOk && op.value[0] == s[0] && op.value[1] == s[1])) next.push_back(s);
      return;
    }
    const std::size_t from = op.arg[0] != 0 ? 0 : 1;
    const bool enough = s[from] >= op.arg[1];
    if ((op.pending || op.status == kOk) && enough) {
      check::State n = s;
      n[from] -= op.arg[1];
      n[1 - from] += op.arg[1];
      next.push_back(std::move(n));
    } else if (!op.pending && op.status == kInsufficient && !enough) {
      next.push_back(s);
    }
  }
  std::string describe_call(const check::Operation& op) const override {
    if (op.code == kRead) return "read()";
    return std::string(op.arg[0] != 0 ? "a->b " : "b->a ") + check::format_word(op.arg[1]);
  }
  std::string describe_result(const check::Operation& op) const override {
    if (op.pending) return "?";
    if (op.code == kRead) return "a=" + check::format_word(op.value[0]) + " b=" + check::format_word(op.value[1]);
    return op.status == kOk ? "ok" : "insufficient";
  }
  std::string describe_state(const check::State& s) const override {
    return "a=" + check::format_word(s[0]) + " b=" + check::format_word(s[1]);
  }
};

template <Repair R>
class MonitorInstance final : public campaign::Instance {
 public:
  explicit MonitorInstance(BasicMonitor<R> m) : m_(std::move(m)) {}

  OpResult perform(const Op& op, campaign::OpContext& ctx) override {
    if (op.code == AccountsModel::kTransfer) {
      auto r = m_.transfer(op.arg[0] != 0, op.arg[1]);
      if (!r) return failed("transfer", r.error());
      return OpResult::done(*r == TransferStatus::ok ? AccountsModel::kOk : AccountsModel::kInsufficient);
    }
    if (op.arg[0] != 0) {  // a waiter: until op.arg[0] transfers, or until no transferrer is left to make them
      ctx.doing("waiting for " + std::to_string(op.arg[0]) + " transfers");
      for (;;) {
        const bool ended = ctx.role_ended("transferrer");
        auto w = m_.wait_for_ops(op.arg[0], std::min(ctx.deadline(), Clock::now() + 50ms));
        if (w || ended) break;
        if (w.error().code != Errc::timed_out) return failed("wait_for_ops", w.error());
        if (Clock::now() >= ctx.deadline()) return OpResult::stuck("wait_for_ops: " + w.error().describe());
      }
    }
    auto v = m_.read();
    if (!v) return failed("read", v.error());
    const Record& rec = v->record;
    if (rec.a + rec.b != rec.total)
      return OpResult::corrupt("a + b != total: a=" + std::to_string(rec.a) + " b=" + std::to_string(rec.b) +
                               " total=" + std::to_string(rec.total));
    return OpResult::done(AccountsModel::kOk, rec.a, rec.b);
  }

  BasicMonitor<R>& monitor() { return m_; }

 private:
  static OpResult failed(const char* what, const Error& e) {
    const std::string text = std::string(what) + ": " + e.describe();
    return e.code == Errc::timed_out ? OpResult::stuck(text) : OpResult::corrupt(text);
  }
  BasicMonitor<R> m_;
};

template <Repair R>
class MonitorSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup& setup) const override {
    if (setup.profile == "repair") return {{"transferrer", 1}};
    return {{"transferrer", 2}, {"waiter", 1}};
  }

  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64& rng) const override {
    std::vector<Op> ops;
    const int n = setup.profile == "long" ? 400 : 12;
    if (role == "waiter") {
      for (int i = 1; i <= 4; ++i) ops.push_back(Op{AccountsModel::kRead, {static_cast<std::uint64_t>(i * n / 4), 0}});
      return ops;
    }
    if (role == "breaker") return {Op{AccountsModel::kTransfer, {1, 100}}};
    std::uniform_int_distribution<std::uint64_t> amount(1, 400);
    for (int i = 0; i < n; ++i) {
      ops.push_back(Op{AccountsModel::kTransfer, {static_cast<std::uint64_t>((i + actor) % 2 == 0), amount(rng)}});
      if (i % 3 == 2) ops.push_back(Op{AccountsModel::kRead, {0, 0}});
    }
    return ops;
  }

  std::unique_ptr<check::Model> model(const campaign::TrialSetup&) const override {
    return std::make_unique<AccountsModel>();
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto m = BasicMonitor<R>::create(setup.name, kTotal, options(setup));
    if (!m) return m.error();
    owner_ = std::make_unique<BasicMonitor<R>>(std::move(*m));
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto m = BasicMonitor<R>::open(setup.name, options(setup));
    if (!m) return m.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<MonitorInstance<R>>(std::move(*m)));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    std::vector<campaign::PointRule> rules;
    if constexpr (R == Repair::undo) {
      rules.push_back({.prefix = "monitor/repair/",
                       .role = "transferrer",
                       .prior_role = "breaker",
                       .prior = {"monitor/transfer/debited", 1},
                       .max_hit = 1,
                       .profile = "repair"});
    } else {
      rules.push_back({.prefix = "monitor/repair/", .skip_reason = "this variant never repairs the record"});
    }
    rules.push_back({.prefix = "monitor/", .role = "transferrer"});
    return rules;
  }

  campaign::RandomKills random_kills() const override { return {300us, 4000us, "long"}; }

  std::vector<Op> audit(const campaign::TrialSetup&) const override { return {Op{AccountsModel::kRead, {0, 0}}}; }

  std::optional<campaign::Problem> validate(campaign::Instance& inst) override {
    auto v = static_cast<MonitorInstance<R>&>(inst).monitor().read();
    if (!v) return campaign::Problem{campaign::VerdictKind::invariant_broken, "read: " + v.error().describe()};
    if (v->lost || v->record.a + v->record.b != v->record.total)
      return campaign::Problem{campaign::VerdictKind::invariant_broken, "record " + std::string(v->lost ? "lost" : "broken") +
                                                                            ": a=" + std::to_string(v->record.a) +
                                                                            " b=" + std::to_string(v->record.b)};
    return std::nullopt;
  }

 private:
  static MonitorOptions options(const campaign::TrialSetup& setup) {
    MonitorOptions o;
    o.lock_bound = setup.op_bound;
    return o;
  }
  std::unique_ptr<BasicMonitor<R>> owner_;  // the creator's handle: its destructor unlinks the segment
};

}  // namespace

SHMC_REGISTER_SUBJECT(monitor_undo,
                      {.subject = "monitor",
                       .variant = "undo",
                       .description = "robust mutex + condition variable; EOWNERDEAD repaired from the undo copy",
                       .make = [] { return std::make_unique<MonitorSubject<Repair::undo>>(); }});
SHMC_REGISTER_SUBJECT(
    monitor_no_repair,
    {.subject = "monitor",
     .variant = "no_repair",
     .description = "planted bug: EOWNERDEAD made consistent without repair; a half transfer survives",
     .make = [] { return std::make_unique<MonitorSubject<Repair::none>>(); },
     .expect = campaign::Expectation::finding(
         {campaign::VerdictKind::ok, campaign::VerdictKind::corrupted, campaign::VerdictKind::not_linearizable,
          campaign::VerdictKind::invariant_broken},
         [](const campaign::TrialSpec& trial) {
           // Killed between debit and credit: nobody gives the amount back.
           return trial.point == "monitor/transfer/debited"
                      ? campaign::VerdictSet{campaign::VerdictKind::corrupted, campaign::VerdictKind::not_linearizable,
                                             campaign::VerdictKind::invariant_broken}
                      : campaign::VerdictSet{};
         })});

}  // namespace shmc::monitor::testing
