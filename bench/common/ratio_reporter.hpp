// Console output plus, at the end, every run's throughput as a ratio to the
// baseline run of the same shape measured in the same process: speed claims
// are ratios, never absolute numbers from one machine.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace shmc::bench {

class RatioReporter : public ::benchmark::ConsoleReporter {
 public:
  // A run named "<family>/<shape>" is compared with "<baseline>/<shape>".
  explicit RatioReporter(std::string baseline) : baseline_(std::move(baseline)) {}
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::string baseline_;
  std::vector<std::pair<std::string, double>> rates_;  // run name -> items per second, in run order
};

}  // namespace shmc::bench
