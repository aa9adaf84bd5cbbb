// The registry of platform checks shared by ctest and `shmconform report`.
//
// A check is one assertion about the platform (or a finding about a fixture),
// with an id and a one-line statement. It runs the same way under gtest (one
// test per check, registered dynamically) and in the report (one row per
// check). A check must be self-contained: it creates what it needs with
// harness::unique_name, bounds every wait, forks only through the harness,
// and removes everything it created, whatever happens.
//
//   SHMC_CHECK("shm.open.excl", "shm_open", "O_CREAT|O_EXCL on an existing name fails with EEXIST",
//              "shm_open/22 shm_open/35", "XSH shm_open") {
//     ...; return shmc::conformance::pass();  // or fail("why"), unsupported("why"), untested("why"), finding("why")
//   }
//
// The two trailing arguments are optional: the LTP open_posix_testsuite
// assertions the row covers ("interface/id", space separated) and the POSIX
// reference. docs/conformance.md maps LTP ids to rows from them.
//
// Verdicts: PASS and FAIL are about the statement. FINDING means the statement
// was reproduced and is a hazard a porting engineer must design around (a
// killed holder leaves a semaphore held); it is not a failure of the platform
// and does not make the report exit non-zero, but it is never shown as PASS.
// UNSUPPORTED: the check cannot run here (no second user, no tmpfs mount ...).
//
// Checks live in OBJECT libraries (static registration must not be dropped by the linker).
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace shmc::conformance {

enum class Verdict { pass, fail, unsupported, untested, finding };
const char* to_string(Verdict v);

struct Outcome {
  Verdict verdict = Verdict::untested;
  std::string reason;  // required for anything but pass; optional detail for pass
};
inline Outcome pass(std::string detail = {}) { return {Verdict::pass, std::move(detail)}; }
inline Outcome fail(std::string why) { return {Verdict::fail, std::move(why)}; }
inline Outcome unsupported(std::string why) { return {Verdict::unsupported, std::move(why)}; }
inline Outcome untested(std::string why) { return {Verdict::untested, std::move(why)}; }
inline Outcome finding(std::string why) { return {Verdict::finding, std::move(why)}; }

// Where a row comes from: LTP assertion ids ("shm_open/22 shm_open/35") and the POSIX page.
struct Refs {
  Refs(std::string ltp_ids = {}, std::string posix_ref = {}) : ltp(std::move(ltp_ids)), posix(std::move(posix_ref)) {}
  std::string ltp;
  std::string posix;
};

struct Check {
  std::string id;         // "shm.open.excl": section.subject.case, unique
  std::string section;    // groups rows in the report: "shm_open", "semaphores", "findings: named queue" ...
  std::string statement;  // one line: what the platform is asserted to do
  std::function<Outcome()> run;
  Refs refs = {};
};

// Registered checks, in registration order within a translation unit.
std::vector<Check>& registry();
bool register_check(Check check);

// Runs one check, turning any escaping exception into a FAIL with its message.
Outcome run_check(const Check& check);

}  // namespace shmc::conformance

#define SHMC_CHECK_CAT2(a, b) a##b
#define SHMC_CHECK_CAT(a, b) SHMC_CHECK_CAT2(a, b)
#define SHMC_CHECK(id, section, statement, ...)                                                   \
  static ::shmc::conformance::Outcome SHMC_CHECK_CAT(shmc_check_fn_, __LINE__)();                 \
  [[maybe_unused]] static const bool SHMC_CHECK_CAT(shmc_check_reg_, __LINE__) =                  \
      ::shmc::conformance::register_check({id, section, statement, &SHMC_CHECK_CAT(shmc_check_fn_, __LINE__), \
                                           ::shmc::conformance::Refs{__VA_ARGS__}});                          \
  static ::shmc::conformance::Outcome SHMC_CHECK_CAT(shmc_check_fn_, __LINE__)()
