// The ticket counter as a shmconform campaign subject: what a user writes.
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/counter_model.hpp"
#include "ticket_counter.hpp"

namespace {

using namespace shmc::campaign;
namespace counter = shmc::check::counter;

struct TicketInstance final : Instance {
  explicit TicketInstance(TicketCounter c) : counter_(std::move(c)) {}
  OpResult perform(const Op& op, OpContext& ctx) override {
    const int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        ctx.deadline() - std::chrono::steady_clock::now()).count());
    auto got = op.code == counter::kFetchAdd ? counter_.take(ms) : counter_.peek(ms);
    if (!got) return OpResult::stuck("the counter's lock was not free until the deadline");
    return OpResult::done(counter::kOk, *got);
  }
  TicketCounter counter_;
};

struct TicketSubject final : Subject {
  std::vector<Role> roles(const TrialSetup&) const override { return {{"taker", 2}}; }
  std::vector<Op> operations(const TrialSetup&, const std::string&, int, std::mt19937_64&) const override {
    std::vector<Op> ops(10, Op{counter::kFetchAdd, {1, 0}});  // take a ticket: fetch_add(1) -> the ticket
    ops.push_back(Op{counter::kRead, {0, 0}});
    return ops;
  }
  std::unique_ptr<shmc::check::Model> model(const TrialSetup&) const override { return std::make_unique<counter::Model>(); }
  // After the run the test process reads the counter too: a lock left held blocks it.
  std::vector<Op> audit(const TrialSetup&) const override { return {Op{counter::kRead, {0, 0}}}; }
  shmc::Result<void> create(const TrialSetup& s) override {
    std::string error;
    auto c = TicketCounter::create(s.name, error);
    if (!c) return shmc::make_error(shmc::Errc::invalid_argument, error);
    owner_ = std::make_unique<TicketCounter>(std::move(*c));
    return {};
  }
  shmc::Result<std::unique_ptr<Instance>> open(const TrialSetup& s) override {
    std::string error;
    auto c = TicketCounter::open(s.name, error);
    if (!c) return shmc::make_error(shmc::Errc::invalid_argument, error);
    return std::unique_ptr<Instance>(std::make_unique<TicketInstance>(std::move(*c)));
  }
  std::vector<PointRule> point_rules() const override {
    return {{.prefix = "ticket/repair/", .role = "taker", .gate = Gate::all_wait, .prior_role = "taker",
             .prior = {"ticket/take/locked", 1}, .max_hit = 1},  // reached only after a holder died
            {.prefix = "ticket/", .role = "taker"}};
  }
  std::unique_ptr<TicketCounter> owner_;  // the creator unlinks
};

}  // namespace

#if defined(TICKET_COUNTER_PLANTED_SPINLOCK)
// The planted build: a dead holder's spinlock stays locked; every crash-point trial must catch it.
SHMC_REGISTER_SUBJECT(ticket_planted, {.subject = "ticket_counter", .variant = "planted_spinlock",
                                       .make = [] { return std::make_unique<TicketSubject>(); },
                                       .expect = Expectation::finding({VerdictKind::survivor_stuck}),
                                       .op_bound = std::chrono::milliseconds(300)});
#else
SHMC_REGISTER_SUBJECT(ticket, {.subject = "ticket_counter", .variant = "robust",
                               .make = [] { return std::make_unique<TicketSubject>(); }});
#endif
