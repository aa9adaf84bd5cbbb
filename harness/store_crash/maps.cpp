// Ranges: page-rounding, finding a named shared-memory object's mapping in
// /proc/self/maps (a library's own mapping, such as Boost's message_queue),
// and the text of a store death's crash point.
#include <charconv>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include "shmconform/harness/store_trap.hpp"

namespace shmc::harness::store_trap {

Range range_of(const void* base, std::size_t size, std::string name) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto b = reinterpret_cast<std::uintptr_t>(base);
  const std::uintptr_t first = b & ~(page - 1);
  const std::uintptr_t end = (b + size + page - 1) & ~(page - 1);
  return Range{first, static_cast<std::size_t>(end - first), std::move(name)};
}

Result<std::vector<Range>> find_mappings(std::string_view shm_name) {
  std::string_view bare = shm_name;
  while (bare.starts_with('/')) bare.remove_prefix(1);
  if (bare.empty() || bare.find('/') != std::string_view::npos)
    return make_error(Errc::invalid_argument, "not a shared-memory object name: '" + std::string(shm_name) + "'");
  const std::string path = "/dev/shm/" + std::string(bare);
  std::ifstream maps("/proc/self/maps");
  if (!maps) return sys_error("open", "/proc/self/maps");
  std::vector<Range> pieces;
  std::uint64_t last_offset = 0;  // file offset of pieces.back()
  std::string line;
  while (std::getline(maps, line)) {
    // "start-end perms offset dev inode   path" (path may end in " (deleted)": then it is not this name).
    const auto slash = line.find('/');
    if (slash == std::string::npos || std::string_view(line).substr(slash) != path) continue;
    std::uintptr_t start = 0, end = 0;
    std::uint64_t offset = 0;
    std::istringstream fields(line.substr(0, slash));
    std::string span, perms, off;
    fields >> span >> perms >> off;
    const auto dash = span.find('-');
    if (dash == std::string::npos) continue;
    std::from_chars(span.data(), span.data() + dash, start, 16);
    std::from_chars(span.data() + dash + 1, span.data() + span.size(), end, 16);
    std::from_chars(off.data(), off.data() + off.size(), offset, 16);
    if (end <= start) continue;
    // One mapping split by mprotect continues in address and in file offset; a second mmap starts again.
    if (!pieces.empty() && pieces.back().begin + pieces.back().size == start &&
        last_offset + pieces.back().size == offset) {
      pieces.back().size += end - start;
    } else {
      pieces.push_back(Range{start, static_cast<std::size_t>(end - start), path});
      last_offset = offset;
    }
  }
  if (pieces.empty()) return make_error(Errc::not_found, path + " is not mapped in this process");
  return pieces;
}

Result<Range> find_mapping(std::string_view shm_name) {
  auto all = find_mappings(shm_name);
  if (!all) return all.error();
  if (all->size() > 1)
    return make_error(Errc::invalid_argument, all->front().name + " is mapped " + std::to_string(all->size()) +
                                                  " times: trap them all (find_mappings) or name one with range_of");
  return all->front();
}

std::string store_point(std::uint64_t k, std::size_t range) {
  return "store/" + std::to_string(k) + "/range/" + std::to_string(range);
}

bool parse_store_point(std::string_view p, std::uint64_t& k, std::size_t& range) {
  if (!p.starts_with("store/")) return false;
  p.remove_prefix(6);
  const auto mid = p.find("/range/");
  if (mid == std::string_view::npos) return false;
  auto [a, e1] = std::from_chars(p.data(), p.data() + mid, k);
  auto [b, e2] = std::from_chars(p.data() + mid + 7, p.data() + p.size(), range);
  return e1 == std::errc{} && a == p.data() + mid && e2 == std::errc{} && b == p.data() + p.size() && k > 0;
}

}  // namespace shmc::harness::store_trap
