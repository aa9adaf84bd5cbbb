// What `shmconform report` knows about its rows, apart from running them:
// counts per verdict and per section, and the JUnit XML a CI system reads
// (one <testsuite> per section, one <testcase> per row).
#pragma once

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "suite/conformance/check_registry.hpp"

namespace shmc::conformance {

struct ReportRow {
  const Check* check = nullptr;
  Outcome outcome;
  double seconds = 0;
};

struct Counts {
  int pass = 0, fail = 0, finding = 0, unsupported = 0, untested = 0;
  void add(Verdict v);
  int of(Verdict v) const;
  int total() const { return pass + fail + finding + unsupported + untested; }
};
// "12 PASS, 0 FAIL, 3 FINDING, 1 UNSUPPORTED, 0 UNTESTED"
std::string counts_text(const Counts& c);

// Sections in the order their first row appears, with their counts.
std::vector<std::pair<std::string, Counts>> section_counts(const std::vector<ReportRow>& rows);

// "shm_open/22 shm_open/35" -> {"shm_open/22", "shm_open/35"}
std::vector<std::string> split_words(const std::string& text);

// PASS and FINDING are passing test cases (a FINDING says so in <system-out>),
// FAIL a <failure>, UNSUPPORTED and UNTESTED <skipped>.
void write_junit(std::ostream& out, const std::vector<ReportRow>& rows, double total_seconds,
                 const std::string& platform, const std::string& timestamp);

// XML text with &, <, >, " and ' escaped and control characters dropped.
std::string xml_escape(const std::string& text);

const char* tool_version();  // the project's version (CMake project VERSION)
const char* tool_commit();   // the source commit at build time, "-dirty" if modified, or "unknown"

}  // namespace shmc::conformance
