#include "suite/conformance/check_registry.hpp"

#include <exception>

namespace shmc::conformance {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::pass: return "PASS";
    case Verdict::fail: return "FAIL";
    case Verdict::unsupported: return "UNSUPPORTED";
    case Verdict::untested: return "UNTESTED";
    case Verdict::finding: return "FINDING";
  }
  return "?";
}

std::vector<Check>& registry() {
  static std::vector<Check> checks;
  return checks;
}

bool register_check(Check check) {
  registry().push_back(std::move(check));
  return true;
}

Outcome run_check(const Check& check) {
  try {
    return check.run();
  } catch (const std::exception& e) {
    return fail(std::string("exception: ") + e.what());
  } catch (...) {
    return fail("non-standard exception");
  }
}

}  // namespace shmc::conformance
