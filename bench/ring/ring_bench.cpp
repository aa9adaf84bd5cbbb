// The robust ring against the same ring without crash robustness (stamps and
// repair compiled out) and against a pipe: 64-byte messages, 1 producer -> 1
// consumer and 2 -> 1, every party a process. One iteration moves kMessages;
// its time is the consumer's, from the common start gate to its last message,
// so fork and set-up are outside the measurement for every contender. The run
// ends with two ratio tables: against the non-robust ring (goal >= 0.9x) and
// against the pipe (goal >= 8x). Build it in a Release tree for real numbers.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;
using namespace shmc::ring;

constexpr std::uint32_t kMessages = 1000000;
constexpr std::uint32_t kCapacity = 1024;
constexpr std::size_t kMessageSize = 64;
constexpr auto kOpBound = std::chrono::seconds(10);
using Message = std::array<std::byte, kMessageSize>;

Message message(std::uint32_t producer, std::uint32_t seq) {
  Message m{};
  const std::uint64_t w = (std::uint64_t{producer} << 32) | seq;
  for (std::size_t i = 0; i < kMessageSize; i += sizeof w) std::memcpy(m.data() + i, &w, sizeof w);
  return m;
}

// Messages per second of every repetition, by shape and contender, for the ratio table.
std::map<std::string, std::map<std::string, std::vector<double>>>& rates() {
  static std::map<std::string, std::map<std::string, std::vector<double>>> r;
  return r;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

template <class Produce, class Consume>
double consumer_seconds(int producers, Produce produce, Consume consume) {
  harness::Actors actors(harness::ActorMode::processes);
  const std::uint32_t each = kMessages / static_cast<std::uint32_t>(producers);
  for (int p = 0; p < producers; ++p)
    actors.add("producer-" + std::to_string(p),
               [&, p](harness::ActorContext&) { return produce(static_cast<std::uint32_t>(p), each); });
  const int consumer = actors.add("consumer", [&](harness::ActorContext&) { return consume(each * producers); });
  const auto outcomes = actors.run(std::chrono::seconds(120));
  if (!harness::all_ok(outcomes)) throw std::runtime_error(harness::describe(outcomes));
  return std::chrono::duration<double>(outcomes[static_cast<std::size_t>(consumer)].ran_for).count();
}

void record(benchmark::State& state, const char* contender, double seconds_total) {
  const std::string shape = std::to_string(state.range(0)) + "to1";
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kMessages);
  if (seconds_total > 0)
    rates()[shape][contender].push_back(static_cast<double>(state.iterations()) * kMessages / seconds_total);
}

template <Variant V>
void BM_ring(benchmark::State& state, const char* contender) {
  const int producers = static_cast<int>(state.range(0));
  auto ring = BasicRing<V>::create(harness::unique_name(std::string("bench-") + contender), {kCapacity, kMessageSize});
  if (!ring) {
    state.SkipWithError(ring.error().describe().c_str());
    return;
  }
  double total = 0;
  for (auto _ : state) {
    const double seconds = consumer_seconds(
        producers,
        [&](std::uint32_t p, std::uint32_t n) {
          for (std::uint32_t i = 0; i < n; ++i) {
            auto r = ring->push(message(p, i), kOpBound);
            if (!r || r.value() != PushStatus::pushed) return 1;
          }
          return 0;
        },
        [&](std::uint32_t n) {
          Message m{};
          for (std::uint32_t i = 0; i < n; ++i) {
            auto r = ring->pop(m, kOpBound);
            if (!r || r->status != PopStatus::popped) return 1;
          }
          return 0;
        });
    state.SetIterationTime(seconds);
    total += seconds;
  }
  record(state, contender, total);
}

void BM_pipe(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  double total = 0;
  for (auto _ : state) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      state.SkipWithError("pipe2 failed");
      return;
    }
    const double seconds = consumer_seconds(
        producers,
        [&](std::uint32_t p, std::uint32_t n) {
          for (std::uint32_t i = 0; i < n; ++i) {
            const Message m = message(p, i);  // 64 bytes <= PIPE_BUF: each write is atomic
            if (::write(fds[1], m.data(), m.size()) != static_cast<ssize_t>(m.size())) return 1;
          }
          return 0;
        },
        [&](std::uint32_t n) {
          Message m{};
          for (std::uint32_t i = 0; i < n; ++i)
            if (::read(fds[0], m.data(), m.size()) != static_cast<ssize_t>(m.size())) return 1;
          return 0;
        });
    ::close(fds[0]);
    ::close(fds[1]);
    state.SetIterationTime(seconds);
    total += seconds;
  }
  record(state, "pipe", total);
}

// Repetitions, randomly interleaved across contenders (see main): the machine is
// shared, and a load change then hits every contender alike instead of one.
void shapes(benchmark::internal::Benchmark* b) {
  b->ArgName("producers")->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.3)->Repetitions(5);
}

void BM_robust(benchmark::State& state) { BM_ring<Variant::robust>(state, "ring"); }
void BM_non_robust(benchmark::State& state) { BM_ring<Variant::non_robust>(state, "non-robust-ring"); }
BENCHMARK(BM_robust)->Name("ring")->Apply(shapes);
BENCHMARK(BM_non_robust)->Name("non-robust-ring")->Apply(shapes);
BENCHMARK(BM_pipe)->Name("pipe")->Apply(shapes);

void print_ratios() {
  std::printf("\nring throughput as ratios of medians over the repetitions, same shape, same run\n"
              "(goals: >= 0.90x non-robust ring, >= 8x pipe):\n");
  for (const auto& entry : rates()) {
    const std::string& shape = entry.first;
    auto get = [&by = entry.second](const char* k) {
      auto it = by.find(k);
      return it == by.end() ? 0.0 : median(it->second);
    };
    const double ring = get("ring"), plain = get("non-robust-ring"), pipe = get("pipe");
    if (ring <= 0 || plain <= 0 || pipe <= 0) continue;
    std::printf("  %-5s ring %.2fx non-robust ring, %.2fx pipe  (ring %.0f, non-robust %.0f, pipe %.0f msg/s)\n",
                shape.c_str(), ring / plain, ring / pipe, ring, plain, pipe);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<char*> args(argv, argv + argc);
  char interleave[] = "--benchmark_enable_random_interleaving=true";
  args.insert(args.begin() + 1, interleave);  // a later command-line flag still wins
  int n = static_cast<int>(args.size());
  ::benchmark::Initialize(&n, args.data());
  argc = n;
  argv = args.data();
  if (::benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  ::benchmark::RunSpecifiedBenchmarks();
  print_ratios();
  ::benchmark::Shutdown();
  return 0;
}
