// Every crash point and syscall fault point linked into this program, as the
// points registered themselves (crash_point.hpp): the fixtures', the
// harness's, and those in a user's own code alike.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace shmc::crash {

struct PointInfo {
  const char* name;
  const char* file;  // __FILE__ where it was placed (this project builds with paths relative to its root)
  const char* why;
  bool is_syscall_fault;  // false: crash point (SIGKILL there); true: syscall fault point
};

// Sorted by name; a name used at several places is listed once (its first registration).
std::vector<PointInfo> catalog();
// Crash points (not fault points) whose names start with prefix, sorted by name.
std::vector<PointInfo> crash_points_with_prefix(std::string_view prefix);
// nullptr when no point of that name is linked in.
const PointInfo* find_point(std::string_view name);
// docs/crash-points.md: the catalog as markdown (the docs test compares the checked-in copy).
std::string catalog_markdown();

}  // namespace shmc::crash
