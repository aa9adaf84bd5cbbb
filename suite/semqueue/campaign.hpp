// Campaign sizes: the default run (ctest, dev preset) and the long one
// (label `long`, or SHMC_SEMQ_LONG=1 in the environment). docs/semqueue.md lists both.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "shmconform/runtime/crash_catalog.hpp"

namespace shmc::semqueue::test {

struct CampaignSize {
  std::vector<std::uint32_t> hits;
  int random_kills;
};

inline bool long_campaign_requested() {
  const char* v = std::getenv("SHMC_SEMQ_LONG");
  return v != nullptr && std::string(v) == "1";
}
inline CampaignSize default_campaign() { return {{1, 2}, 6}; }
inline CampaignSize long_campaign() { return {{1, 2, 3, 5, 8}, 60}; }

// Points of one variant, in catalog order.
inline std::vector<std::string> points_of(const char* prefix) {
  std::vector<std::string> out;
  for (const auto& p : crash::crash_points_with_prefix(prefix)) out.emplace_back(p.name);
  return out;
}

}  // namespace shmc::semqueue::test
