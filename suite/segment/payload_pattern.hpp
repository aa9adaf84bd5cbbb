// A payload every byte of which says where it belongs, for tests and report rows
// that must show a peer's attack changed nothing (or exactly what it changed).
#pragma once

#include <cstddef>

#include "shmconform/runtime/result.hpp"
#include "shmconform/runtime/segment.hpp"

namespace shmc::testing {

inline std::byte pattern_byte(std::size_t i) { return std::byte{static_cast<unsigned char>(i % 251 + 1)}; }

// A Segment::Initialiser.
inline Result<void> fill_pattern(std::byte* p, std::size_t size) {
  for (std::size_t i = 0; i < size; ++i) p[i] = pattern_byte(i);
  return {};
}

// Every payload byte where fill_pattern put it (a SIGBUS here is the caller's death).
inline bool pattern_intact(const Segment& seg) {
  for (std::size_t i = 0; i < seg.payload_size(); ++i)
    if (seg.payload()[i] != pattern_byte(i)) return false;
  return true;
}

}  // namespace shmc::testing
