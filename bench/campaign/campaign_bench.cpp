// How many campaign trials a second, against the floor no fork-based trial can beat: forking and
// reaping two children that do nothing. One trial: the ring subject with one producer pushing 10
// items and one consumer popping them, the producer killed before the second store of its fourth
// push (a store-trap crash), then recovery, drain, validation and both checkers. Rates are per
// second of wall-clock time: a trial's cost is mostly its children's time and the waits between
// them, which the benchmark thread's CPU time does not see.
//
//   build/release/bench/campaign/campaign_bench      (5 interleaved repetitions; the medians' ratio at the end)
#include <sys/wait.h>
#include <unistd.h>

#include <benchmark/benchmark.h>

#include "bench/common/ratio_reporter.hpp"
#include "shmconform/campaign/campaign.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace {

using namespace shmc;

void BM_StoreCrashTrial(benchmark::State& state) {
  const auto* ring = campaign::find_subject("ring:robust");
  if (ring == nullptr) {
    state.SkipWithError("the ring subject is not linked in");
    return;
  }
  auto plan = campaign::concurrent_plan(*ring, "shape-1-1-10-4", 1);
  plan.actors[0].crash = harness::StoreAt{3, 2};
  for (auto _ : state) {
    const auto r = campaign::run_plan(*ring, plan);
    if (!r.verdict.ok()) {
      state.SkipWithError(("trial: " + r.verdict.summary).c_str());
      return;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ForkAndReapTwo(benchmark::State& state) {
  for (auto _ : state) {
    pid_t kids[2];
    for (pid_t& k : kids) {
      k = ::fork();
      if (k == 0) ::_exit(0);
    }
    for (pid_t k : kids)
      if (k > 0) ::waitpid(k, nullptr, 0);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_StoreCrashTrial)->Name("trial/two_actors")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ForkAndReapTwo)->Name("fork_reap/two_actors")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) { return shmc::bench::run_with_ratios(argc, argv, "fork_reap", "trials/s"); }
