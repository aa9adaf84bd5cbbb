// Test values for the blackboard: every word is derived from (publisher, n),
// so a reader can tell a torn copy from a whole one without trusting the
// structure's own checksum.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace shmc::blackboard::testing {

inline std::uint64_t value_word(std::uint64_t publisher, std::uint64_t n, std::size_t i) {
  return (publisher << 48) ^ (n << 16) ^ (i * 0x9e37u);
}

inline std::vector<std::uint64_t> make_value(std::uint64_t publisher, std::uint64_t n, std::size_t words) {
  std::vector<std::uint64_t> v(words);
  v[0] = (publisher << 48) | n;
  for (std::size_t i = 1; i < words; ++i) v[i] = value_word(publisher, n, i);
  return v;
}

// The value's n if `words` is a whole make_value() result; -1 if torn or foreign.
inline long long whole_value(std::span<const std::uint64_t> words) {
  if (words.empty()) return -1;
  const std::uint64_t publisher = words[0] >> 48, n = words[0] & 0xffffffffffffULL;
  for (std::size_t i = 1; i < words.size(); ++i)
    if (words[i] != value_word(publisher, n, i)) return -1;
  return static_cast<long long>(n);
}

}  // namespace shmc::blackboard::testing
