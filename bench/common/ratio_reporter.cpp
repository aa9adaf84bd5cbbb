#include "bench/common/ratio_reporter.hpp"

#include <cstdio>

namespace shmc::bench {

namespace {
// "robust/1to1/manual_time" -> {"robust", "1to1/manual_time"}
std::pair<std::string, std::string> split_family(const std::string& name) {
  const auto slash = name.find('/');
  if (slash == std::string::npos) return {name, ""};
  return {name.substr(0, slash), name.substr(slash + 1)};
}
}  // namespace

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const auto& run : runs) {
    if (run.run_type != Run::RT_Iteration || run.error_occurred) continue;
    auto it = run.counters.find("items_per_second");
    if (it != run.counters.end()) rates_.emplace_back(run.benchmark_name(), it->second.value);
  }
}

void RatioReporter::Finalize() {
  std::map<std::string, double> baseline;
  for (const auto& [name, rate] : rates_) {
    auto [family, shape] = split_family(name);
    if (family == baseline_) baseline[shape] = rate;
  }
  std::printf("\nThroughput relative to %s (same shape, same run; > 1 is faster):\n", baseline_.c_str());
  for (const auto& [name, rate] : rates_) {
    auto [family, shape] = split_family(name);
    auto b = baseline.find(shape);
    if (b == baseline.end() || b->second <= 0) continue;
    std::printf("  %-40s %6.2fx  (%.0f msg/s)\n", name.c_str(), rate / b->second, rate);
  }
  ConsoleReporter::Finalize();
}

}  // namespace shmc::bench
