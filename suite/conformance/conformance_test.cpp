// One gtest per registered conformance check, registered at run time so that
// ctest (gtest_discover_tests) lists every check by its id.
//   PASS -> test passes (the detail, if any, is printed)
//   FAIL -> test fails with the reason
//   FINDING -> test passes (the hazard was reproduced; printed)
//   UNSUPPORTED / UNTESTED -> test skipped with the reason
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "shmconform/harness/test_registrars.hpp"
#include "suite/conformance/check_registry.hpp"

namespace {

using namespace shmc::conformance;

// gtest names must be identifiers (filters split on '.', ':' and '-').
std::string identifier(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

class CheckTest : public ::testing::Test {
 public:
  explicit CheckTest(const Check* check) : check_(check) {}
  void TestBody() override {
    RecordProperty("check_id", check_->id);
    RecordProperty("statement", check_->statement);
    if (!check_->refs.ltp.empty()) RecordProperty("ltp", check_->refs.ltp);
    const Outcome outcome = run_check(*check_);
    const std::string line = check_->id + ": " + check_->statement;
    switch (outcome.verdict) {
      case Verdict::pass:
        if (!outcome.reason.empty()) std::printf("[   INFO   ] %s -> %s\n", check_->id.c_str(), outcome.reason.c_str());
        return;
      case Verdict::finding:
        std::printf("[ FINDING  ] %s -> %s\n", check_->id.c_str(), outcome.reason.c_str());
        return;
      case Verdict::fail:
        ADD_FAILURE() << line << "\n  FAIL: " << outcome.reason;
        return;
      case Verdict::unsupported:
        GTEST_SKIP() << "UNSUPPORTED: " << outcome.reason;
      case Verdict::untested:
        GTEST_SKIP() << "UNTESTED: " << outcome.reason;
    }
  }

 private:
  const Check* check_;
};

void register_check_tests() {
  for (const Check& check : registry()) {
    const Check* c = &check;
    // No value parameter: ctest would append it to the test name.
    ::testing::RegisterTest(identifier(check.section).c_str(), identifier(check.id).c_str(), nullptr, nullptr,
                            __FILE__, __LINE__,
                            [c]() -> ::testing::Test* { return new CheckTest(c); });
  }
}

[[maybe_unused]] const bool registered = (shmc::harness::add_test_registrar(&register_check_tests), true);

}  // namespace
