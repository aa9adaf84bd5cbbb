#include "shmconform/harness/leak_guard.hpp"

#include <algorithm>
#include <cerrno>
#include <dirent.h>
#include <string_view>
#include <unistd.h>

#include "shmconform/runtime/crash_point.hpp"

namespace shmc::harness {

std::vector<std::string> leftovers_with_prefix(const std::string& prefix) {
  std::string_view bare{prefix};
  if (bare.starts_with("/")) bare.remove_prefix(1);
  std::vector<std::string> out;
  // The planted bug of issue 14, class 6 (tests only): "contains the prefix" taken for "is ours".
  const bool planted_anywhere =
      SHMC_FAULT_POINT("leak/planted_prefix_anywhere", "planted bug: a name containing the prefix anywhere counts as ours");
  DIR* dir = ::opendir(kDevShm);
  if (dir == nullptr) return out;
  while (dirent* e = ::readdir(dir)) {
    std::string_view name{e->d_name};
    std::string_view object = name.starts_with("sem.") ? name.substr(4) : name;
    if (object.starts_with(bare) || (planted_anywhere && object.find(bare) != std::string_view::npos))
      out.emplace_back(name);
  }
  ::closedir(dir);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> remove_entries(const std::vector<std::string>& entries) {
  std::vector<std::string> failed;
  for (const auto& e : entries) {
    std::string path = std::string{kDevShm} + "/" + e;
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) failed.push_back(e);
  }
  return failed;
}

std::string join(const std::vector<std::string>& entries) {
  std::string out;
  for (const auto& e : entries) {
    if (!out.empty()) out += ", ";
    out += e;
  }
  return out;
}

}  // namespace shmc::harness
