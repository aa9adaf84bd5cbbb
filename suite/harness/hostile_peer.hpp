// A hostile peer (issue 14): a process that scribbles random bytes into a live
// shared-memory payload while honest peers operate on it, for a bounded time.
// Header-only so each structure's hostile test includes it and nothing else.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <random>
#include <thread>

namespace shmc::hostile {

// What an honest peer saw, in shared memory (SharedArray<Tally>).
struct Tally {
  std::atomic<std::uint64_t> calls{0};
  std::atomic<std::uint64_t> refusals{0};      // a call returned an error (Errc::corrupt and the like)
  std::atomic<std::uint64_t> validate_corrupt{0};  // validate() said corrupt
  std::atomic<std::uint64_t> garbage{0};       // an answer the structure accepted but the test's checksum refutes
  std::atomic<std::int64_t> slowest_call_us{0};
  void took(std::chrono::steady_clock::duration d) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    std::int64_t seen = slowest_call_us.load();
    while (us > seen && !slowest_call_us.compare_exchange_weak(seen, us)) {
    }
  }
};

// Scribbles 1..8 random bytes at a random offset of [base, base + size) until
// `until`, one write every `pace` (pacing the damage, not synchronising
// anything). Returns how many writes it made.
inline std::uint64_t scribble(std::byte* base, std::size_t size, std::chrono::steady_clock::time_point until,
                              std::uint64_t seed, std::chrono::microseconds pace = std::chrono::microseconds(100)) {
  std::mt19937_64 rng(seed);
  std::uint64_t writes = 0;
  while (std::chrono::steady_clock::now() < until) {
    const std::size_t at = static_cast<std::size_t>(rng() % size);
    const std::size_t n = std::min<std::size_t>(1 + rng() % 8, size - at);
    const std::uint64_t bits = rng();
    auto* p = reinterpret_cast<volatile std::uint8_t*>(base + at);
    for (std::size_t i = 0; i < n; ++i) p[i] = static_cast<std::uint8_t>(bits >> (8 * i));
    ++writes;
    std::this_thread::sleep_for(pace);
  }
  return writes;
}

// An 8-byte item whose halves must agree: a scribbled item is caught by the test
// even where the structure has no way to tell.
inline std::uint64_t item_for(std::uint32_t n) { return (std::uint64_t{~n} << 32) | n; }
inline bool item_ok(std::uint64_t v) { return static_cast<std::uint32_t>(v >> 32) == ~static_cast<std::uint32_t>(v); }

}  // namespace shmc::hostile
