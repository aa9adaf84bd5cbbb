// Console output plus, at the end, every run's throughput as a ratio to the
// baseline run of the same shape measured in the same process: speed claims
// are ratios, never absolute numbers from one machine. With repetitions, only
// the medians are compared.
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace shmc::bench {

class RatioReporter : public ::benchmark::ConsoleReporter {
 public:
  // A run named "<family>/<shape>" is compared with "<baseline>/<shape>"; `unit` names what
  // items_per_second counts in the printed rates.
  // Coloured only on a terminal: a reporter passed in does not get --benchmark_color.
  explicit RatioReporter(std::string baseline, std::string unit = "msg/s");
  void ReportRuns(const std::vector<Run>& runs) override;
  void Finalize() override;

 private:
  std::string baseline_;
  std::string unit_;
  struct Rate {
    std::string name;
    double per_second;
    bool median;  // the median of a benchmark's repetitions
  };
  std::vector<Rate> rates_;  // in report order
};

// A benchmark program's main(): five repetitions, randomly interleaved across
// contenders, unless the command line says otherwise (the machine is shared: a
// change of load then hits every contender alike instead of one), then the
// ratio table of the medians.
int run_with_ratios(int argc, char** argv, std::string baseline, std::string unit);

}  // namespace shmc::bench
