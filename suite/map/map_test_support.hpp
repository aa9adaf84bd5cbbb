// Helpers for the map tests: 8-byte keys and values as integers, and a
// handle opened per actor (a Map object is one process's or thread's handle;
// its stats are not shared).
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>

#include "fixtures/map/map.hpp"

namespace shmc::map::testing {

// Options for tests: a short wait bound, and a liveness check after 200 us of waiting.
inline MapOptions bounded_options(std::chrono::milliseconds bound) {
  MapOptions o;
  o.wait_bound = bound;
  o.liveness_check_after = std::chrono::microseconds(200);
  return o;
}

inline std::span<const std::byte> bytes_of(const std::uint64_t& v) { return std::as_bytes(std::span(&v, 1)); }

template <class M>
Result<Status> insert_u64(M& m, std::uint64_t key, std::uint64_t value) {
  return m.insert(bytes_of(key), bytes_of(value));
}
template <class M>
Result<Status> update_u64(M& m, std::uint64_t key, std::uint64_t value) {
  return m.update(bytes_of(key), bytes_of(value));
}
template <class M>
Result<Status> erase_u64(M& m, std::uint64_t key) {
  return m.erase(bytes_of(key));
}
template <class M>
Result<Status> find_u64(M& m, std::uint64_t key, std::uint64_t* value) {
  return m.find(bytes_of(key), std::as_writable_bytes(std::span(value, 1)));
}
template <class M>
std::uint32_t home_u64(const M& m, std::uint64_t key) {
  return m.home_bucket(bytes_of(key));
}

// Keys whose home bucket is `home`, smallest first, starting the search at `from`.
template <class M>
std::uint64_t nth_key_with_home(const M& m, std::uint32_t home, int n, std::uint64_t from = 1) {
  for (std::uint64_t k = from;; ++k)
    if (home_u64(m, k) == home && n-- == 0) return k;
}

// The status of an operation that must not fail; a failure throws its description
// (gtest and rapidcheck report it; actors report it as "threw").
inline Status must(const Result<Status>& r) {
  if (!r.ok()) throw std::runtime_error(r.error().describe());
  return r.value();
}

inline std::string text(const Error& e) { return e.describe(); }
template <class T>
std::string text(const Result<T>& r) {
  return r.ok() ? std::string("ok") : r.error().describe();
}

}  // namespace shmc::map::testing
