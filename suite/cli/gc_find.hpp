// The decision gc made about one name ("/shmconform-..."), shm or semaphore; nullptr if it made none.
#pragma once

#include <string>
#include <vector>

#include "shmconform/harness/gc.hpp"

namespace shmc::gc_testing {

inline const harness::GcDecision* find(const std::vector<harness::GcDecision>& ds, const std::string& name) {
  for (const auto& d : ds)
    if ("/" + d.entry == name || d.entry == "sem." + name.substr(1)) return &d;
  return nullptr;
}

}  // namespace shmc::gc_testing
