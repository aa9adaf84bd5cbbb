// Arms a syscall fault point (harness/runtime/sys.cpp) in this process for a scope.
//
//   { harness::ScopedFault f("sys/ftruncate", ENOSPC); auto s = Segment::create(...); }
//
// In builds without fault injection, available() is false and tests skip.
#pragma once

#include <string>

namespace shmc::harness {

class ScopedFault {
 public:
  // Fails every call reaching `point` with errno `err` (after `skip` successful calls).
  ScopedFault(std::string point, int err, unsigned skip = 0);
  ~ScopedFault();
  ScopedFault(const ScopedFault&) = delete;
  ScopedFault& operator=(const ScopedFault&) = delete;
  static bool available();
  unsigned failures() const;  // how many calls were made to fail

 private:
  std::string point_;
};

}  // namespace shmc::harness
