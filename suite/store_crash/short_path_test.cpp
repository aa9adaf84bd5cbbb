// A store trial armed past the stores its op made this run: among running peers that is the
// interleaving's choice of path (not_reached after the re-runs, with every run's count, a skip); alone
// it says the count is wrong (harness_error). A one-store counter makes both deterministic: it is armed
// before store 3 of an op that always makes one.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>

#include <gtest/gtest.h>

#include "shmconform/campaign/campaign.hpp"
#include "shmconform/check/counter_model.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace shmc::campaign {
namespace {

namespace counter = check::counter;

struct Word {
  std::atomic<std::uint64_t> value;
};
static_assert(sizeof(Word) == 8 && std::atomic<std::uint64_t>::is_always_lock_free);
constexpr std::size_t kBytes = 4096;

Result<Word*> map_word(const std::string& name, int flags) {
  const int fd = ::shm_open(name.c_str(), flags, 0600);
  if (fd < 0) return sys_error("shm_open", name);
  if ((flags & O_CREAT) != 0 && ::ftruncate(fd, kBytes) != 0) {
    const auto e = sys_error("ftruncate", name);
    ::close(fd);
    return e;
  }
  void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return sys_error("mmap", name);
  return static_cast<Word*>(p);
}

struct OneStore final : Instance {
  explicit OneStore(Word* w) : w_(w) {}
  ~OneStore() override { ::munmap(w_, kBytes); }
  OpResult perform(const Op& op, OpContext&) override {
    if (op.code == counter::kRead) return OpResult::done(counter::kOk, w_->value.load());
    return OpResult::done(counter::kOk, w_->value.fetch_add(op.arg[0]));  // one locked RMW: one store
  }
  Word* w_;
};

struct OneStoreSubject final : Subject {
  std::vector<Role> roles(const TrialSetup&) const override { return {{"adder", 2}}; }
  std::vector<Op> operations(const TrialSetup&, const std::string&, int, std::mt19937_64&) const override {
    return {Op{counter::kFetchAdd, {1, 0}}};
  }
  std::unique_ptr<check::Model> model(const TrialSetup&) const override { return std::make_unique<counter::Model>(); }
  Result<void> create(const TrialSetup& s) override {
    auto w = map_word(s.name, O_RDWR | O_CREAT | O_EXCL);
    if (!w) return w.error();
    ::munmap(*w, kBytes);
    name_ = s.name;
    return {};
  }
  Result<std::unique_ptr<Instance>> open(const TrialSetup& s) override {
    auto w = map_word(s.name, O_RDWR);
    if (!w) return w.error();
    return std::unique_ptr<Instance>(std::make_unique<OneStore>(*w));
  }
  ~OneStoreSubject() override {
    if (!name_.empty()) ::shm_unlink(name_.c_str());
  }
  std::string name_;
};

const SubjectVariant kOneStore{.subject = "one_store_counter",
                               .variant = "test",
                               .make = [] { return std::make_unique<OneStoreSubject>(); },
                               .op_bound = std::chrono::milliseconds(500)};

// The counter's store trial (its op made 1 store in the dry run), re-armed before store 3.
plan::Plan armed_past_its_stores(bool alone) {
  std::vector<TrialSpec> store;
  for (auto& t : plan_trials(kOneStore, CampaignOptions{.hits = 0, .random_kills = 0}))
    if (t.family == "store") store.push_back(std::move(t));
  EXPECT_EQ(store.size(), 1u) << "one op kind of one store";
  if (store.empty()) return {};
  plan::Plan p = store.front().plan;
  const auto victim = static_cast<std::size_t>(store.front().victim);
  std::get<harness::StoreAt>(p.actors[victim].crash).store = 3;
  for (std::size_t i = 0; i < p.actors.size(); ++i)
    if (i != victim) p.actors[i].waits_for = alone ? static_cast<int>(victim) : -1;
  return p;
}

class StoreTrialShortPath : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!harness::store_trap::support().available || harness::default_actor_mode() != harness::ActorMode::processes)
      GTEST_SKIP() << "store traps unsupported here: " << harness::store_trap::support().reason;
  }
};

TEST_F(StoreTrialShortPath, AmongRunningPeersIsNotReachedWithTheStoresOfEveryRun) {
  const TrialResult r = run_plan(kOneStore, armed_past_its_stores(false));
  EXPECT_EQ(r.verdict.kind, VerdictKind::not_reached) << to_string(r.verdict.kind) << ": " << r.verdict.summary;
  EXPECT_FALSE(r.fired);
  EXPECT_EQ(r.short_paths, (std::vector<std::uint64_t>{1, 1, 1, 1, 1})) << "five runs, each one store";
  EXPECT_NE(r.verdict.summary.find("not reached in 5 runs (the armed op made 1, 1, 1, 1, 1 stores)"), std::string::npos)
      << r.verdict.summary;
}

TEST_F(StoreTrialShortPath, AloneIsAHarnessErrorBecauseItsStoresAreTheSameInEveryRun) {
  const TrialResult r = run_plan(kOneStore, armed_past_its_stores(true));
  EXPECT_EQ(r.verdict.kind, VerdictKind::harness_error) << to_string(r.verdict.kind) << ": " << r.verdict.summary;
  EXPECT_NE(r.verdict.summary.find("made only 1 stores"), std::string::npos) << r.verdict.summary;
}

TEST_F(StoreTrialShortPath, ArmedWithinItsStoresItFiresAmongPeers) {
  plan::Plan p = armed_past_its_stores(false);
  for (auto& a : p.actors)
    if (auto* s = std::get_if<harness::StoreAt>(&a.crash)) s->store = 1;
  const TrialResult r = run_plan(kOneStore, p);
  EXPECT_TRUE(r.fired) << to_string(r.verdict.kind) << ": " << r.verdict.summary;
  EXPECT_TRUE(r.short_paths.empty());
}

}  // namespace
}  // namespace shmc::campaign
