// The memo of the linearizability search: which (linearised set, model state)
// configurations were already explored (Lowe's memoisation).
//
// A configuration is kept as a 128-bit fingerprint, not as a full bitset plus
// state: for a 10 000-operation queue history a bitset is 1.25 KB and the
// memo holds up to millions of them. The linearised set is fingerprinted by
// Zobrist hashing (xor of a random word per operation, updated in O(1) on
// each lift), the state by two independently seeded hashes. A collision would
// prune one branch of the search; with 128 bits and at most ~10^8 entries the
// odds are below 10^-20 per check.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "shmconform/check/model.hpp"

namespace shmc::check {

struct Fingerprint {
  std::uint64_t a = 0;
  std::uint64_t b = 0;
};

std::uint64_t splitmix64(std::uint64_t x);
// Two independent hashes of a state.
Fingerprint hash_state(const State& state);

// Open addressing, linear probing; grows at 50% load.
class FingerprintSet {
 public:
  FingerprintSet() : slots_(1024) {}
  // True if it was not there before.
  bool insert(Fingerprint f);
  std::size_t size() const { return used_; }

 private:
  void grow();
  std::vector<Fingerprint> slots_;  // {0, 0} marks an empty slot
  std::size_t used_ = 0;
};

}  // namespace shmc::check
