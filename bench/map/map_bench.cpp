// Two processes on one map, 50% insert / 50% find on uniformly random keys:
// the robust map against the seed's plain exchange-spinlock map and against a
// map under one global process-shared pthread mutex, in one run. The insert
// half erases the key instead when it is already there, so the table stays
// about half full and inserts keep writing. One iteration is kOps operations
// per process; its time is the slower process's, from the common start, so
// fork and set-up are outside the measurement. The run ends with the ratios.
#include <benchmark/benchmark.h>

#include <pthread.h>

#include <cstdio>
#include <map>
#include <stdexcept>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;
using namespace shmc::map;

constexpr std::uint32_t kCapacity = 4096;
constexpr std::uint64_t kKeys = kCapacity / 2;
constexpr std::uint32_t kOps = 200000;

std::span<const std::byte> bytes(const std::uint64_t& v) { return std::as_bytes(std::span(&v, 1)); }

// One process's share of an iteration. Lock wraps every operation (the global-mutex baseline) or does nothing.
template <class M, class Lock>
int workload(M& m, std::uint64_t seed, Lock lock) {
  std::uint64_t x = seed, out = 0;
  for (std::uint32_t i = 0; i < kOps; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;  // xorshift64
    const std::uint64_t key = x % kKeys + 1;
    [[maybe_unused]] auto guard = lock();
    if (x >> 63) {
      auto r = m.insert(bytes(key), bytes(x));
      if (r.ok() && *r == Status::exists) r = m.erase(bytes(key));
      if (!r.ok()) throw std::runtime_error(r.error().describe());
    } else {
      auto r = m.find(bytes(key), std::as_writable_bytes(std::span(&out, 1)));
      if (!r.ok()) throw std::runtime_error(r.error().describe());
    }
  }
  benchmark::DoNotOptimize(out);
  return 0;
}

struct NoLock {
  int operator()() const { return 0; }
};

// A process-shared mutex in anonymous shared memory, inherited by the forked actors.
class GlobalMutex {
 public:
  GlobalMutex() : region_(1) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutex_init(&region_[0], &attr);
    pthread_mutexattr_destroy(&attr);
  }
  ~GlobalMutex() { pthread_mutex_destroy(&region_[0]); }
  struct Guard {
    pthread_mutex_t* m;
    explicit Guard(pthread_mutex_t* mu) : m(mu) { pthread_mutex_lock(m); }
    ~Guard() { pthread_mutex_unlock(m); }
    Guard(const Guard&) = delete;
    Guard& operator=(const Guard&) = delete;
  };
  auto locker() {
    return [m = &region_[0]] { return Guard(m); };  // guaranteed elision: no copy, no allocation
  }

 private:
  harness::SharedArray<pthread_mutex_t> region_;
};

template <class M, class Lock>
void run_iterations(benchmark::State& state, M& m, Lock lock) {
  for (auto _ : state) {
    harness::Actors actors(harness::ActorMode::processes);
    for (std::uint64_t p = 0; p < 2; ++p)
      actors.add("worker-" + std::to_string(p), [&, p](harness::ActorContext&) {
        return workload(m, 0x9e3779b97f4a7c15ULL * (p + 1) + state.iterations(), lock);
      });
    const auto outcomes = actors.run(std::chrono::seconds(60));
    if (!harness::all_ok(outcomes)) {
      state.SkipWithError(harness::describe(outcomes).c_str());
      return;
    }
    double slowest = 0;
    for (const auto& o : outcomes) slowest = std::max(slowest, std::chrono::duration<double>(o.ran_for).count());
    state.SetIterationTime(slowest);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * kOps);
}

template <class M>
void BM_map(benchmark::State& state, bool global_mutex) {
  auto m = M::create(harness::unique_name("bench-map"), {.capacity = kCapacity});
  if (!m) {
    state.SkipWithError(m.error().describe().c_str());
    return;
  }
  if (global_mutex) {
    GlobalMutex mutex;
    run_iterations(state, *m, mutex.locker());
  } else {
    run_iterations(state, *m, NoLock{});
  }
}

void BM_robust(benchmark::State& state) { BM_map<Map>(state, false); }
void BM_plain_spinlock(benchmark::State& state) { BM_map<PlainSpinMap>(state, false); }
void BM_global_mutex(benchmark::State& state) { BM_map<PlainSpinMap>(state, true); }
BENCHMARK(BM_robust)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_plain_spinlock)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);
BENCHMARK(BM_global_mutex)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(1.0);

// Console output, then the robust map's throughput as ratios to the two baselines.
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      auto it = r.counters.find("items_per_second");
      if (it != r.counters.end() && !r.error_occurred) rates_[r.benchmark_name()] = it->second;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    // With --benchmark_repetitions the medians are compared, else the single runs.
    auto rate = [&](const std::string& part) {
      double single = 0.0;
      for (const auto& [name, v] : rates_) {
        if (name.find(part) == std::string::npos) continue;
        if (name.find("_median") != std::string::npos) return v;
        if (name.find("_mean") == std::string::npos && name.find("_stddev") == std::string::npos &&
            name.find("_cv") == std::string::npos)
          single = v;
      }
      return single;
    };
    const double robust = rate("robust"), plain = rate("plain_spinlock"), mutex = rate("global_mutex");
    if (robust <= 0 || plain <= 0 || mutex <= 0) return;
    std::printf("\nrobust map vs plain exchange-spinlock map: %.2fx (goal >= 0.9x)\n", robust / plain);
    std::printf("robust map vs global process-shared mutex map: %.2fx (goal >= 5x)\n", robust / mutex);
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
