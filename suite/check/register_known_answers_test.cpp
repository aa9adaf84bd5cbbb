// Known answers for the register model (check::reg), each reasoned by hand, and a planted
// wrong model (a read may return any value ever written: a "safe" register) that must get
// the stale-read answers wrong, so these tests can fail.
#include <gtest/gtest.h>

#include <algorithm>

#include "harness/check/brute_force.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/register_model.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check {
namespace {

using testing::crashed;
using testing::op;

Operation wr(int a, std::uint64_t r, std::uint64_t v, std::uint64_t i, std::uint64_t t) {
  return op(a, reg::kWrite, r, v, reg::kOk, 0, i, t);
}
Operation rd(int a, std::uint64_t r, std::uint64_t v, std::uint64_t i, std::uint64_t t) {
  return op(a, reg::kRead, r, 0, reg::kOk, v, i, t);
}
Operation rd_empty(int a, std::uint64_t r, std::uint64_t i, std::uint64_t t) {
  return op(a, reg::kRead, r, 0, reg::kEmpty, 0, i, t);
}
Operation rd_unseen(int a, std::uint64_t r, std::uint64_t i, std::uint64_t t) {
  return op(a, reg::kRead, r, 0, reg::kUnseen, 0, i, t);
}

// Planted: a read may return any value the register ever held (no recency).
class EverWrittenModel final : public Model {
 public:
  std::string name() const override { return "planted ever-written registers"; }
  State initial() const override { return {}; }
  void step(const State& s, const Operation& o, std::vector<State>& next) const override {
    if (o.code == reg::kWrite) {
      State n = s;
      n.push_back(o.arg[0]);
      n.push_back(o.arg[1]);
      next.push_back(std::move(n));
      return;
    }
    bool seen = false, any = false;
    for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
      any = any || s[i] == o.arg[0];
      seen = seen || (s[i] == o.arg[0] && s[i + 1] == o.value[0]);
    }
    if (o.pending || o.status == reg::kUnseen || (o.status == reg::kOk && seen) || (o.status == reg::kEmpty && !any))
      next.push_back(s);
  }
  std::string describe_call(const Operation&) const override { return "op"; }
  std::string describe_result(const Operation&) const override { return "r"; }
  std::string describe_state(const State&) const override { return "s"; }
};

struct Case {
  const char* name;
  History h;
  bool linearizable;
};

std::vector<Case> cases() {
  return {
      {"sequential write then read", {wr(0, 1, 7, 1, 2), rd(1, 1, 7, 3, 4)}, true},
      {"read before any write is empty", {rd_empty(1, 1, 1, 2), wr(0, 1, 7, 3, 4)}, true},
      {"empty after a completed write is not", {wr(0, 1, 7, 1, 2), rd_empty(1, 1, 3, 4)}, false},
      {"a value nobody wrote is not", {wr(0, 1, 7, 1, 2), rd(1, 1, 8, 3, 4)}, false},
      {"stale value after a newer write completed is not",
       {wr(0, 1, 7, 1, 2), wr(0, 1, 8, 3, 4), rd(1, 1, 7, 5, 6)}, false},
      {"value going back is not",
       {wr(0, 1, 7, 1, 2), wr(0, 1, 8, 3, 8), rd(1, 1, 8, 4, 5), rd(1, 1, 7, 6, 7)}, false},
      {"concurrent write may be seen or not",
       {wr(0, 1, 7, 1, 2), wr(0, 1, 8, 3, 8), rd(1, 1, 7, 4, 5), rd(1, 1, 8, 6, 7)}, true},
      {"crashed write never seen", {wr(0, 1, 7, 1, 2), crashed(wr(0, 1, 8, 3, 0)), rd(1, 1, 7, 4, 5)}, true},
      {"crashed write seen", {wr(0, 1, 7, 1, 2), crashed(wr(0, 1, 8, 3, 0)), rd(1, 1, 8, 4, 5)}, true},
      {"crashed write seen, then not",
       {wr(0, 1, 7, 1, 2), crashed(wr(0, 1, 8, 3, 0)), rd(1, 1, 8, 4, 5), rd(1, 1, 7, 6, 7)}, false},
      {"registers are independent", {wr(0, 1, 7, 1, 2), wr(0, 2, 9, 3, 4), rd(1, 1, 7, 5, 6), rd(1, 2, 9, 7, 8)}, true},
      {"a value of another register is not", {wr(0, 1, 7, 1, 2), wr(0, 2, 9, 3, 4), rd(1, 1, 9, 5, 6)}, false},
      {"unseen constrains nothing", {wr(0, 1, 7, 1, 2), rd_unseen(1, 1, 3, 4), rd(1, 1, 7, 5, 6)}, true},
  };
}

TEST(RegisterKnownAnswers, EveryCaseBothCheckers) {
  const reg::Model m;
  for (const Case& c : cases()) {
    auto r = check_linearizable(c.h, m);
    EXPECT_EQ(r.ok(), c.linearizable) << c.name << "\n" << r.report;
    EXPECT_EQ(brute_force_linearizable(c.h, m), c.linearizable) << c.name;
  }
}

TEST(RegisterKnownAnswers, ReportNamesTheRegisterAndItsValue) {
  auto r = check_linearizable({wr(0, 3, 7, 1, 2), wr(0, 3, 8, 3, 4), rd(1, 3, 7, 5, 6)}, reg::Model{});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.report.find("read(3)"), std::string::npos) << r.report;
  EXPECT_NE(r.report.find("-> 7"), std::string::npos) << r.report;
}

TEST(RegisterKnownAnswers, PlantedEverWrittenModelFailsTheStaleReads) {
  const EverWrittenModel planted;
  std::vector<std::string> wrong;
  for (const Case& c : cases())
    if (check_linearizable(c.h, planted).ok() != c.linearizable) wrong.push_back(c.name);
  EXPECT_NE(std::find(wrong.begin(), wrong.end(), "stale value after a newer write completed is not"), wrong.end());
  EXPECT_NE(std::find(wrong.begin(), wrong.end(), "value going back is not"), wrong.end());
}

}  // namespace
}  // namespace shmc::check
