#include "bench/common/ratio_reporter.hpp"

#include <algorithm>
#include <cstdio>
#include <tuple>

#include <unistd.h>

namespace shmc::bench {

namespace {
// "robust/1to1/manual_time" -> {"robust", "1to1/manual_time"}
std::pair<std::string, std::string> split_family(const std::string& name) {
  const auto slash = name.find('/');
  if (slash == std::string::npos) return {name, ""};
  return {name.substr(0, slash), name.substr(slash + 1)};
}
}  // namespace

RatioReporter::RatioReporter(std::string baseline, std::string unit)
    : ConsoleReporter(::isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
      baseline_(std::move(baseline)),
      unit_(std::move(unit)) {}

void RatioReporter::ReportRuns(const std::vector<Run>& runs) {
  ConsoleReporter::ReportRuns(runs);
  for (const auto& run : runs) {
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if ((run.run_type != Run::RT_Iteration && !median) || run.error_occurred) continue;
    auto it = run.counters.find("items_per_second");
    if (it != run.counters.end()) rates_.push_back({run.benchmark_name(), it->second.value, median});
  }
}

void RatioReporter::Finalize() {
  const bool medians = std::any_of(rates_.begin(), rates_.end(), [](const Rate& r) { return r.median; });
  std::erase_if(rates_, [medians](const Rate& r) { return r.median != medians; });
  // By shape, the baseline first: with interleaved repetitions the report order is random.
  std::stable_sort(rates_.begin(), rates_.end(), [this](const Rate& a, const Rate& b) {
    auto [fa, sa] = split_family(a.name);
    auto [fb, sb] = split_family(b.name);
    return std::tuple(sa, fa != baseline_, fa) < std::tuple(sb, fb != baseline_, fb);
  });
  std::map<std::string, double> baseline;
  for (const Rate& r : rates_) {
    auto [family, shape] = split_family(r.name);
    if (family == baseline_) baseline[shape] = r.per_second;
  }
  std::printf("\nThroughput relative to %s (same shape, same run%s; > 1 is faster):\n", baseline_.c_str(),
              medians ? ", medians of the repetitions" : "");
  for (const Rate& r : rates_) {
    auto [family, shape] = split_family(r.name);
    auto b = baseline.find(shape);
    if (b == baseline.end() || b->second <= 0) continue;
    std::printf("  %-52s %6.2fx  (%.0f %s)\n", r.name.c_str(), r.per_second / b->second, r.per_second, unit_.c_str());
  }
  ConsoleReporter::Finalize();
}

int run_with_ratios(int argc, char** argv, std::string baseline, std::string unit) {
  std::vector<char*> args(argv, argv + argc);
  char repetitions[] = "--benchmark_repetitions=5";
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  args.insert(args.begin() + (argc > 0 ? 1 : 0), {repetitions, interleave});  // a later command-line flag wins
  int n = static_cast<int>(args.size());
  ::benchmark::Initialize(&n, args.data());
  if (::benchmark::ReportUnrecognizedArguments(n, args.data())) return 1;
  RatioReporter reporter(std::move(baseline), std::move(unit));
  ::benchmark::RunSpecifiedBenchmarks(&reporter);
  ::benchmark::Shutdown();
  return 0;
}

}  // namespace shmc::bench
