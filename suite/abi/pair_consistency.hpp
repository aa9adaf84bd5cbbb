// Is a 16-byte atomic atomic across processes? Two processes CAS-increment one
// shared pair {n, ~n} and check every value they read: a torn read (hi != ~lo)
// or a lost increment (final count short) proves it is not. libatomic falls
// back to a lock table private to each process for sizes the CPU cannot do in
// one instruction, which excludes threads but not other processes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace shmc::ports {

enum class PairOps {
  atomic16,         // std::atomic of a 16-byte struct (what the check measures)
  planted_two_words, // two separate 8-byte atomics: a planted non-atomic pair, for the can-fail test
};

struct PairConsistency {
  std::uint64_t operations = 0;  // successful increments, both processes
  std::uint64_t torn_reads = 0;
  std::uint64_t lost_updates = 0;
  bool runtime_lock_free = false;  // atomic<16 bytes>::is_lock_free() in this process
  std::string error;               // the measurement itself went wrong (actor failed)

  bool consistent() const { return error.empty() && torn_reads == 0 && lost_updates == 0; }
  std::string describe() const;
};

// Two processes increment for `window` of wall time each, starting together
// (a count would let the first finish before the second starts).
PairConsistency measure_pair_consistency(PairOps ops, std::chrono::milliseconds window);

}  // namespace shmc::ports
