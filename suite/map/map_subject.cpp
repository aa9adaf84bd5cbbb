// The shared hash map as a campaign subject (docs/map.md, "Campaigns").
//
// Profile "" (operation trials): a victim runs a fixed workload on keys that
// share home buckets and is killed at the armed point; a peer works on other
// keys of the same buckets at the same time. Profile "repair": n breakers each
// die halfway through an update (a torn bucket, locked by the dead); the
// armed reader reads those keys, so it takes their locks over and repairs
// them, and dies at its nth repair step. Profile "long": the operation
// workload 40 times over, for random kills. Profile "plan": rapidcheck plans
// (map_plan_test.cpp) on six raw keys. Afterwards the test process recovers
// every bucket (bounded), reads every key back, and the history, killed
// operations pending, must be linearizable key by key.
//
// Variants: robust; plain_spin (the seed's exchange spinlock: a dead holder's
// bucket stays locked, peers time out); no_rollback (takeover without the
// undo record: a write killed between its two value words is seen torn).
#include "fixtures/map/map.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/map_model.hpp"
#include "suite/map/map_test_support.hpp"
#include "suite/map/recorded_map.hpp"

namespace shmc::map::testing {

namespace {

using namespace std::chrono_literals;
using campaign::Op;
using campaign::OpResult;

constexpr std::uint32_t kCapacity = 16, kPlanCapacity = 8;
constexpr std::uint32_t kValueSize = 16;  // two words, so a write interrupted between them is visible as torn
constexpr std::uint32_t kHome = 5;
constexpr int kRounds = 3;                // every write-path point is reached 33 times by the victim
constexpr std::uint64_t kRepairKeys = 7;  // key indices 7.. are the breakers' (one per breaker)
constexpr std::uint64_t kMaxBreakers = 8;
constexpr std::uint64_t kPlanKeys = 6;

std::uint32_t capacity_of(const std::string& profile) { return profile == "plan" ? kPlanCapacity : kCapacity; }

// Key indices (the history's keys) to real keys: the workload's keys must share home buckets,
// which depends on the map's hash, so they are found on the opened map.
template <class M>
std::vector<std::uint64_t> real_keys(const M& m, const std::string& profile) {
  if (profile == "plan") return {0, 1, 2, 3, 4, 5};
  std::vector<std::uint64_t> k{nth_key_with_home(m, kHome, 0),     nth_key_with_home(m, kHome, 1),
                               nth_key_with_home(m, kHome, 2),     nth_key_with_home(m, kHome + 1, 0),
                               nth_key_with_home(m, kHome, 3),     nth_key_with_home(m, kHome, 4),
                               nth_key_with_home(m, kHome + 1, 1)};
  for (std::uint64_t i = 0; i < kMaxBreakers; ++i) k.push_back(nth_key_with_home(m, (3 * i) % kCapacity, 0));
  return k;
}

template <class M>
class MapInstance final : public campaign::Instance {
 public:
  MapInstance(M map, const std::string& profile) : map_(std::move(map)), keys_(real_keys(map_, profile)) {}

  OpResult perform(const Op& op, campaign::OpContext&) override {
    if (op.arg[0] >= keys_.size()) return OpResult::corrupt("key index " + std::to_string(op.arg[0]) + " out of range");
    const std::uint64_t key = keys_[op.arg[0]];
    words_[0] = op.arg[1];
    words_[1] = ~op.arg[1];
    const auto value = std::as_bytes(std::span(words_));
    Result<Status> r = Status::ok;
    switch (op.code) {
      case check::map::kInsert: r = map_.insert(bytes_of(key), value); break;
      case check::map::kUpdate: r = map_.update(bytes_of(key), value); break;
      case check::map::kErase: r = map_.erase(bytes_of(key)); break;
      default: r = map_.find(bytes_of(key), std::as_writable_bytes(std::span(words_))); break;
    }
    if (!r) {
      const std::string what = "key " + std::to_string(key) + ": " + r.error().describe();
      return r.error().code == Errc::timed_out ? OpResult::stuck(what) : OpResult::corrupt(what);
    }
    if (op.code == check::map::kFind && *r == Status::ok) {
      if (words_[1] != ~words_[0])
        return OpResult::corrupt("torn value for key " + std::to_string(key) + ": halves " + std::to_string(words_[0]) +
                                 " and " + std::to_string(words_[1]));
      return OpResult::done(status_code(*r), words_[0]);
    }
    return OpResult::done(status_code(*r));
  }
  M& map() { return map_; }
  std::uint64_t key(std::uint64_t index) const { return keys_[index]; }

 private:
  M map_;
  std::vector<std::uint64_t> keys_;
  std::uint64_t words_[2] = {0, 0};
};

Op op(std::uint32_t code, std::uint64_t key, std::uint64_t value = 0) { return Op{code, {key, value}}; }

template <class M>
class MapSubject final : public campaign::Subject {
 public:
  std::vector<campaign::Role> roles(const campaign::TrialSetup& setup) const override {
    if (setup.profile == "repair") return {{"reader", 1}};
    if (setup.profile == "plan") return {{"mapper", 2}};
    return {{"victim", 1}, {"peer", 1}};
  }

  std::vector<Op> operations(const campaign::TrialSetup& setup, const std::string& role, int actor,
                             std::mt19937_64& rng) const override {
    using namespace check::map;
    std::uint64_t n = 0;
    auto v = [&] { return (std::uint64_t(actor + 1) << 32) | ++n; };  // every written value is unique
    std::vector<Op> ops;
    if (role == "breaker") {  // insert its key, then die halfway through updating it
      const std::uint64_t k = kRepairKeys + static_cast<std::uint64_t>(actor);
      return {op(kInsert, k, 100 + static_cast<std::uint64_t>(actor)), op(kUpdate, k, 200 + static_cast<std::uint64_t>(actor))};
    }
    if (role == "reader") {
      for (std::uint64_t i = 0; i < kMaxBreakers; ++i) ops.push_back(op(kFind, kRepairKeys + i));
      return ops;
    }
    if (role == "mapper" || setup.profile == "plan") {
      std::uniform_int_distribution<std::uint64_t> key(0, kPlanKeys - 1);
      for (int i = 0; i < 12; ++i)
        ops.push_back(op(std::uniform_int_distribution<std::uint32_t>(kInsert, kErase)(rng), key(rng), v()));
      return ops;
    }
    // Keys 0-2 (k*) share home bucket kHome, 3 (j0) kHome+1; the peer's 4, 5 (p*) and 6 (q0) the same
    // two buckets: both fight over the same locks and chains without changing each other's keys.
    const int rounds = setup.profile == "long" ? 40 * kRounds : kRounds;  // "long": a random kill lands mid-run
    for (int r = 0; r < rounds; ++r) {
      if (role == "victim") {  // insert, update and erase first: hits 1..3 of each write step land in different ops
        for (const Op& o : {op(kInsert, 0, v()), op(kUpdate, 0, v()), op(kErase, 0), op(kInsert, 1, v()),
                            op(kInsert, 2, v()), op(kUpdate, 2, v()), op(kInsert, 3, v()), op(kErase, 1),
                            op(kUpdate, 3, v()), op(kFind, 2), op(kErase, 2), op(kErase, 3)})
          ops.push_back(o);
      } else {
        for (const Op& o : {op(kInsert, 4, v()), op(kInsert, 6, v()), op(kUpdate, 4, v()), op(kFind, 4),
                            op(kErase, 4), op(kInsert, 5, v()), op(kErase, 6), op(kErase, 5)})
          ops.push_back(o);
      }
    }
    return ops;
  }

  std::unique_ptr<check::Model> model(const campaign::TrialSetup& setup) const override {
    return std::make_unique<check::map::Model>(
        check::map::Options{.capacity = capacity_of(setup.profile), .full = check::map::FullPolicy::lenient});
  }

  Result<void> create(const campaign::TrialSetup& setup) override {
    auto m = M::create(setup.name, {.capacity = capacity_of(setup.profile), .key_size = 8, .value_size = kValueSize},
                       options(setup));
    if (!m) return m.error();
    owner_ = std::make_unique<M>(std::move(*m));
    profile_ = setup.profile;
    return {};
  }

  Result<std::unique_ptr<campaign::Instance>> open(const campaign::TrialSetup& setup) override {
    auto m = M::open(setup.name, options(setup));
    if (!m) return m.error();
    return std::unique_ptr<campaign::Instance>(std::make_unique<MapInstance<M>>(std::move(*m), setup.profile));
  }

  std::vector<campaign::PointRule> point_rules() const override {
    std::vector<campaign::PointRule> rules;
    if constexpr (std::is_same_v<M, Map>) {
      rules.push_back({.prefix = "map/repair/",
                       .role = "reader",
                       .prior_role = "breaker",
                       .prior = {"map/write/value_written", 2},
                       .prior_per_hit = true,
                       .max_hit = kMaxBreakers,
                       .profile = "repair"});
    } else {
      rules.push_back({.prefix = "map/repair/", .skip_reason = "this variant never repairs a torn bucket"});
    }
    if constexpr (!M::kKeepsUndoRecord) {
      for (const char* p : {"map/write/saving_undo", "map/write/undo_saved"})
        rules.push_back({.prefix = p, .skip_reason = "this variant keeps no undo record"});
    }
    rules.push_back({.prefix = "map/", .role = "victim"});
    return rules;
  }

  campaign::RandomKills random_kills() const override { return {0us, 3000us, "long"}; }

  std::optional<campaign::Problem> recover(campaign::Instance& inst) override {
    auto& m = static_cast<MapInstance<M>&>(inst).map();
    if (auto r = m.recover(); !r)
      return campaign::Problem{r.error().code == Errc::timed_out ? campaign::VerdictKind::survivor_stuck
                                                                 : campaign::VerdictKind::invariant_broken,
                               "recover: " + r.error().describe()};
    for (std::uint32_t i = 0; i < m.capacity(); ++i) {
      auto info = m.bucket_info(i);
      if (!info || info->lock_word != 0 || info->seq % 2 != 0)
        return campaign::Problem{campaign::VerdictKind::invariant_broken,
                                 "after recover, bucket " + std::to_string(i) + " is still locked or torn"};
    }
    return std::nullopt;
  }

  // Each profile's keys (the workload's and the breakers' may share real keys: never audit both).
  std::vector<Op> audit(const campaign::TrialSetup& setup) const override {
    std::vector<Op> ops;
    const std::uint64_t first = setup.profile == "repair" ? kRepairKeys : 0;
    const std::uint64_t end = setup.profile == "plan" ? kPlanKeys : setup.profile == "repair" ? kRepairKeys + kMaxBreakers : kRepairKeys;
    for (std::uint64_t k = first; k < end; ++k) ops.push_back(op(check::map::kFind, k));
    return ops;
  }

  std::optional<campaign::Problem> validate(campaign::Instance& inst) override {
    return profile_ == "repair" ? rolled_back(static_cast<MapInstance<M>&>(inst)) : std::nullopt;
  }

 private:
  // Stricter than linearizability: an update killed before its commit is rolled back, never half applied.
  std::optional<campaign::Problem> rolled_back(MapInstance<M>& mi) {
    for (std::uint64_t i = 0; i < kMaxBreakers; ++i) {
      std::uint64_t words[2] = {0, 0};
      const std::uint64_t key = mi.key(kRepairKeys + i);
      auto r = mi.map().find(bytes_of(key), std::as_writable_bytes(std::span(words)));
      if (r && *r == Status::ok && words[0] != 100 + i)
        return campaign::Problem{campaign::VerdictKind::corrupted,
                                 "key " + std::to_string(key) + " should hold its inserted value " +
                                     std::to_string(100 + i) + " after the rollback, holds " + std::to_string(words[0])};
    }
    return std::nullopt;
  }

  static MapOptions options(const campaign::TrialSetup& setup) {
    return bounded_options(setup.profile == "plan" ? 300ms : setup.op_bound);
  }
  std::unique_ptr<M> owner_;  // the creator's handle: its destructor unlinks the segment
  std::string profile_;
};

}  // namespace

SHMC_REGISTER_SUBJECT(map_robust, {.subject = "map",
                                   .variant = "robust",
                                   .description = "hash map with dead-holder takeover and undo-record rollback: crash-safe",
                                   .make = [] { return std::make_unique<MapSubject<Map>>(); }});
SHMC_REGISTER_SUBJECT(map_plain_spin,
                      {.subject = "map",
                       .variant = "plain_spin",
                       .description = "planted bug: the seed's exchange spinlock; a dead holder's bucket stays locked",
                       .make = [] { return std::make_unique<MapSubject<PlainSpinMap>>(); },
                       .expect = campaign::Expectation::finding({campaign::VerdictKind::survivor_stuck}),
                       .op_bound = 300ms});
SHMC_REGISTER_SUBJECT(map_no_rollback,
                      {.subject = "map",
                       .variant = "no_rollback",
                       .description = "planted bug: takeover without the undo record; a half-written value survives",
                       .make = [] { return std::make_unique<MapSubject<NoRollbackMap>>(); },
                       .expect = campaign::Expectation::finding(
                           {campaign::VerdictKind::ok, campaign::VerdictKind::corrupted,
                            campaign::VerdictKind::not_linearizable},
                           [](const campaign::TrialSpec& trial) {
                             // Killed between the two value words of its first update (hit 2: hit 1 is an insert,
                             // invisible until its state is written): nobody rolls the half-written value back.
                             return trial.point == "map/write/value_half_written" && trial.hit == 2
                                        ? campaign::VerdictSet{campaign::VerdictKind::corrupted,
                                                               campaign::VerdictKind::not_linearizable}
                                        : campaign::VerdictSet{};
                           })});

}  // namespace shmc::map::testing
