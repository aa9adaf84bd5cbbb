#include "shmconform/runtime/crash_catalog.hpp"

#include <algorithm>
#include <deque>
#include <mutex>

#include "shmconform/runtime/crash_point.hpp"

namespace shmc::crash {

namespace {

// Function-local statics: registrations run from other translation units' static initialisers.
// A deque, so find_point's pointers stay valid while later registrations (a dlopen) append.
std::deque<PointInfo>& registry() {
  static std::deque<PointInfo> points;
  return points;
}
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

}  // namespace

detail::Registration::Registration(const char* name, const char* why, const char* file, bool is_syscall_fault) noexcept {
  std::lock_guard lock(registry_mutex());
  registry().push_back(PointInfo{name, file, why, is_syscall_fault});
}

std::vector<PointInfo> catalog() {
  std::vector<PointInfo> out;
  {
    std::lock_guard lock(registry_mutex());
    out.assign(registry().begin(), registry().end());
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const PointInfo& a, const PointInfo& b) { return std::string_view{a.name} < b.name; });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const PointInfo& a, const PointInfo& b) { return std::string_view{a.name} == b.name; }),
            out.end());
  return out;
}

std::vector<PointInfo> crash_points_with_prefix(std::string_view prefix) {
  std::vector<PointInfo> out;
  for (const auto& p : catalog())
    if (!p.is_syscall_fault && std::string_view{p.name}.starts_with(prefix)) out.push_back(p);
  return out;
}

const PointInfo* find_point(std::string_view name) {
  std::lock_guard lock(registry_mutex());
  for (const auto& p : registry())
    if (name == p.name) return &p;
  return nullptr;
}

std::string catalog_markdown() {
  auto cell = [](const char* text) {
    std::string s;
    for (const char* c = text; *c != '\0'; ++c) s += *c == '|' ? std::string("\\|") : std::string(1, *c);
    return s;
  };
  std::string crash_rows, fault_rows;
  for (const auto& p : catalog()) {
    std::string row = "| `" + std::string(p.name) + "` | " + cell(p.why) + " | `" + p.file + "` |\n";
    (p.is_syscall_fault ? fault_rows : crash_rows) += row;
  }
  return "# Crash points and fault points\n\n"
         "Generated from the built code (`shmconform crash-points --markdown`); do not edit.\n"
         "The test `docs.crash_points_catalog_is_fresh` fails when this copy differs from what the\n"
         "`shmconform` command links in: build the target `update-crash-point-docs` and commit the result.\n"
         "A point placed in any code linked into a program (a user's structure too) registers itself\n"
         "and is listed by that program's catalog.\n\n"
         "## Crash points\n\n"
         "A process may die at each of these steps. In fault-injection builds the harness arms one\n"
         "in one actor, at its Nth hit, and the actor SIGKILLs itself there; in release builds they never fire.\n\n"
         "| point | state of the structure when the process dies there | source |\n|---|---|---|\n" +
         crash_rows +
         "\n## Syscall fault points\n\n"
         "Each system call the project makes goes through `harness/runtime/sys.cpp`; arming one of these makes\n"
         "the call fail with an errno the test chooses (EIO by default).\n\n"
         "| point | failure | source |\n|---|---|---|\n" +
         fault_rows;
}

}  // namespace shmc::crash
