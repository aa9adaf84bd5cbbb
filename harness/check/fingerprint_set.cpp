#include "harness/check/fingerprint_set.hpp"

namespace shmc::check {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

Fingerprint hash_state(const State& state) {
  Fingerprint f{0x243f6a8885a308d3ULL ^ state.size(), 0x13198a2e03707344ULL + state.size()};
  for (std::uint64_t w : state) {
    f.a = splitmix64(f.a ^ w);
    f.b = splitmix64(f.b + w * 0x9fb21c651e98df25ULL);
  }
  return f;
}

bool FingerprintSet::insert(Fingerprint f) {
  if (f.a == 0 && f.b == 0) f.b = 1;
  if (2 * (used_ + 1) > slots_.size()) grow();
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = f.a & mask;; i = (i + 1) & mask) {
    Fingerprint& s = slots_[i];
    if (s.a == 0 && s.b == 0) {
      s = f;
      ++used_;
      return true;
    }
    if (s.a == f.a && s.b == f.b) return false;
  }
}

void FingerprintSet::grow() {
  std::vector<Fingerprint> old(slots_.size() * 2);
  old.swap(slots_);
  used_ = 0;
  for (const Fingerprint& f : old)
    if (f.a != 0 || f.b != 0) insert(f);
}

}  // namespace shmc::check
