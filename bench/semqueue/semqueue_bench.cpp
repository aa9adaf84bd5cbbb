// The three semaphore-queue variants against a pipe: 64-byte messages,
// 1 producer -> 1 consumer and 2 producers -> 1 consumer, every party a
// process. One iteration moves kMessages messages; the time is the consumer's
// (from the common start to its last message), so fork and set-up are the
// same for every contender and outside the measurement. Results end with each
// run's throughput as a ratio to the pipe's.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>
#include <string>

#include "bench/common/ratio_reporter.hpp"
#include "fixtures/semqueue/named_queue.hpp"
#include "fixtures/semqueue/robust_queue.hpp"
#include "fixtures/semqueue/unnamed_queue.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;
using namespace shmc::semqueue;

constexpr std::uint32_t kMessages = 100000;
constexpr std::uint32_t kCapacity = 256;
constexpr auto kOpBound = std::chrono::seconds(10);

Message message(std::uint32_t producer, std::uint32_t seq) {
  Message m;
  for (auto& w : m.words) w = (std::uint64_t{producer} << 32) | seq;
  return m;
}

// Runs producers and one consumer as processes; returns the consumer's time.
template <class Produce, class Consume>
double run_processes(int producers, Produce produce, Consume consume) {
  harness::Actors actors(harness::ActorMode::processes);
  const std::uint32_t each = kMessages / static_cast<std::uint32_t>(producers);
  for (int p = 0; p < producers; ++p)
    actors.add("producer-" + std::to_string(p), [&, p](harness::ActorContext&) {
      return produce(static_cast<std::uint32_t>(p), each);
    });
  const int consumer = actors.add("consumer", [&](harness::ActorContext&) { return consume(each * producers); });
  const auto outcomes = actors.run(std::chrono::seconds(60));
  if (!harness::all_ok(outcomes)) throw std::runtime_error(harness::describe(outcomes));
  return std::chrono::duration<double>(outcomes[static_cast<std::size_t>(consumer)].ran_for).count();
}

template <class Queue>
void BM_queue(benchmark::State& state, Result<Queue> (*create)(const std::string&, std::uint32_t, const SegmentOptions&),
              const char* label) {
  const int producers = static_cast<int>(state.range(0));
  auto q = create(harness::unique_name(std::string("bench-") + label), kCapacity, SegmentOptions{});
  if (!q) {
    state.SkipWithError(q.error().describe().c_str());
    return;
  }
  for (auto _ : state) {
    const double seconds = run_processes(
        producers,
        [&](std::uint32_t p, std::uint32_t n) {
          for (std::uint32_t i = 0; i < n; ++i)
            if (!q->push(message(p, i), Clock::now() + kOpBound)) return 1;
          return 0;
        },
        [&](std::uint32_t n) {
          Message m;
          for (std::uint32_t i = 0; i < n; ++i)
            if (!q->pop(m, Clock::now() + kOpBound)) return 1;
          return 0;
        });
    state.SetIterationTime(seconds);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kMessages);
}

void BM_pipe(benchmark::State& state) {
  const int producers = static_cast<int>(state.range(0));
  for (auto _ : state) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      state.SkipWithError("pipe2 failed");
      return;
    }
    const double seconds = run_processes(
        producers,
        [&](std::uint32_t p, std::uint32_t n) {
          for (std::uint32_t i = 0; i < n; ++i) {
            const Message m = message(p, i);  // 64 bytes <= PIPE_BUF: each write is atomic
            if (::write(fds[1], &m, sizeof m) != static_cast<ssize_t>(sizeof m)) return 1;
          }
          return 0;
        },
        [&](std::uint32_t n) {
          Message m;
          for (std::uint32_t i = 0; i < n; ++i)
            if (::read(fds[0], &m, sizeof m) != static_cast<ssize_t>(sizeof m)) return 1;
          return 0;
        });
    ::close(fds[0]);
    ::close(fds[1]);
    state.SetIterationTime(seconds);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * kMessages);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgName("producers")->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

BENCHMARK(BM_pipe)->Name("pipe")->Apply(shapes);
void BM_named(benchmark::State& state) { BM_queue<NamedQueue>(state, &NamedQueue::create, "named"); }
void BM_unnamed(benchmark::State& state) { BM_queue<UnnamedQueue>(state, &UnnamedQueue::create, "unnamed"); }
void BM_robust(benchmark::State& state) { BM_queue<RobustQueue>(state, &RobustQueue::create, "robust"); }
BENCHMARK(BM_named)->Name("named")->Apply(shapes);
BENCHMARK(BM_unnamed)->Name("unnamed")->Apply(shapes);
BENCHMARK(BM_robust)->Name("robust")->Apply(shapes);

}  // namespace

int main(int argc, char** argv) {
  ::benchmark::Initialize(&argc, argv);
  if (::benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  shmc::bench::RatioReporter reporter("pipe");
  ::benchmark::RunSpecifiedBenchmarks(&reporter);
  ::benchmark::Shutdown();
  return 0;
}
