// Makes liveness() answer `unknown` in this process for a scope (issue 14,
// class 1), as it does when /proc cannot be read (hidepid, EPERM, EMFILE, an
// owner in another PID namespace). `planted` also arms the planted bug that
// reports such an owner as dead, which every unknown-liveness test must catch.
#pragma once

#include <cerrno>
#include <optional>

#include "shmconform/harness/scoped_fault.hpp"

namespace shmc::liveness_testing {

class UnknownLiveness {
 public:
  explicit UnknownLiveness(bool planted) : read_fails_("identity/liveness/read_fails", EACCES) {
    if (planted) planted_.emplace("identity/liveness/planted_unknown_is_dead", 0);
  }
  static bool available() { return harness::ScopedFault::available(); }

 private:
  harness::ScopedFault read_fails_;
  std::optional<harness::ScopedFault> planted_;
};

}  // namespace shmc::liveness_testing
