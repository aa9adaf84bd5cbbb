// The cost of a trapped store: one operation of kStores byte stores and
// kAdds fetch_adds to a shared mapping, run bare and inside a counting
// store-trap window, in the same process and run. Ends with the ratio and the
// cost per trapped store (the difference over the store count).
#include <benchmark/benchmark.h>

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "shmconform/harness/store_trap.hpp"

namespace {

namespace trap = shmc::harness::store_trap;

constexpr int kStores = 64, kAdds = 16, kPerOp = kStores + kAdds;
constexpr std::size_t kBytes = 4096;

struct Shared {
  Shared() : base(::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0)) {
    if (base == MAP_FAILED) std::abort();
  }
  void* base;
};
Shared& shared() {
  static Shared s;
  return s;
}

void op() {
  auto* bytes = static_cast<volatile unsigned char*>(shared().base);
  auto* counter = static_cast<unsigned long*>(shared().base) + 256;
  for (int i = 0; i < kStores; ++i) {
    bytes[i] = static_cast<unsigned char>(i);
    if (i < kAdds) __atomic_fetch_add(counter, 1ul, __ATOMIC_SEQ_CST);
  }
}

std::map<std::string, double>& ns_per_op() {
  static std::map<std::string, double> m;
  return m;
}

void record(benchmark::State& state, const char* name, double seconds) {
  state.counters["stores/op"] = kPerOp;
  ns_per_op()[name] = seconds * 1e9 / static_cast<double>(state.iterations());
}

void BM_Untrapped(benchmark::State& state) {
  double total = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    op();
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  record(state, "untrapped", total);
}

void BM_Trapped(benchmark::State& state) {
  if (auto s = trap::support(); !s.available) {
    state.SkipWithError(("store traps unsupported: " + s.reason).c_str());
    return;
  }
  auto session = trap::Session::start({trap::range_of(shared().base, kBytes, "bench")}, 0,
                                       trap::Limits{.max_stores = ~0ull, .deadline = std::chrono::hours(1)});
  if (!session) {
    state.SkipWithError(session.error().describe().c_str());
    return;
  }
  double total = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    {
      trap::Window w(**session);
      op();
    }
    total += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  if ((*session)->stores() != static_cast<std::uint64_t>(kPerOp) * state.iterations())
    state.SkipWithError("store count is wrong");
  record(state, "trapped", total);
}

BENCHMARK(BM_Untrapped);
BENCHMARK(BM_Trapped);

}  // namespace

int main(int argc, char** argv) {
  ::benchmark::Initialize(&argc, argv);
  ::benchmark::RunSpecifiedBenchmarks();
  const double bare = ns_per_op()["untrapped"], trapped = ns_per_op()["trapped"];
  if (bare > 0 && trapped > 0)
    std::printf("\nstore traps, same op (%d stores: %d byte stores + %d fetch_adds), same run:\n"
                "  untrapped %.0f ns/op, trapped %.0f ns/op: %.0fx slower; %.2f us per trapped store\n",
                kPerOp, kStores, kAdds, bare, trapped, trapped / bare, (trapped - bare) / kPerOp / 1000.0);
  ::benchmark::Shutdown();
  return 0;
}
