// A test's findings as lines: collected by a scenario, printed by the test that
// runs it, searched by the planted variant that must make it fail.
#pragma once

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "shmconform/harness/scoped_fault.hpp"

namespace shmc::report_lines {

inline std::string lines(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += s + "\n";
  return out;
}

inline bool mentions(const std::vector<std::string>& v, const std::string& text) {
  for (const auto& s : v)
    if (s.find(text) != std::string::npos) return true;
  return false;
}

// The findings of `run` with a planted bug armed (a test-only fault point, in this process and the
// children it forks), printed. The caller skips where harness::ScopedFault::available() is false.
inline std::vector<std::string> with_planted(const char* point, const std::function<std::vector<std::string>()>& run) {
  std::vector<std::string> found;
  {
    harness::ScopedFault plant(point, 0);
    found = run();
  }
  std::printf("with %s:\n%s", point, lines(found).c_str());
  return found;
}

}  // namespace shmc::report_lines
