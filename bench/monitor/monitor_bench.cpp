// Handoffs per second between two processes taking turns through the monitor
// (robust process-shared mutex + condition variable): process "even" waits
// until the record's ops count is even and makes a transfer, process "odd"
// waits for odd and transfers back, so every transfer hands the turn over
// (wait_for_ops + transfer: lock, pthread_cond_timedwait, the broadcast, unlock).
//
// Baseline, in the same run: the robust semaphore queue's mutex path. Its
// mutex is private to the queue (RobustQueue locks it in every push and pop),
// so "its mutex path" is the queue itself with capacity 1, pushed by one
// process and popped by the other: a push can only follow a pop and a pop a
// push, so the two alternate exactly as the monitor's two do, every operation
// one lock/unlock of the same robust-mutex calls (fixtures/semqueue/robust_mutex.*,
// which the monitor shares) plus the queue's futex sleep and wake-up where
// the monitor has its condition variable. The queue also copies a 64-byte
// message each way; the monitor changes four words. Both count one handoff
// per operation.
//
//   build/release/bench/monitor/monitor_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <stdexcept>

#include "bench/common/measured_run.hpp"
#include "bench/common/ratio_reporter.hpp"
#include "fixtures/monitor/monitor.hpp"
#include "fixtures/semqueue/robust_queue.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;

constexpr std::uint32_t kHandoffsPerProcess = 10000;
constexpr auto kOpBound = std::chrono::seconds(2);
constexpr auto kRunBound = std::chrono::seconds(60);

void finish(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * 2 * kHandoffsPerProcess);
}

void BM_monitor(benchmark::State& state) {
  auto m = monitor::Monitor::create(harness::unique_name("bench-monitor"), 1000);
  if (!m) {
    state.SkipWithError(m.error().describe().c_str());
    return;
  }
  for (auto _ : state) {
    auto before = m->read();
    if (!before) {
      state.SkipWithError(before.error().describe().c_str());
      return;
    }
    const std::uint64_t base = before->record.ops;  // ops persist across iterations
    bench::MeasuredRun run;
    for (std::uint64_t turn = 0; turn < 2; ++turn)
      run.measured(turn == 0 ? "even" : "odd", [&, turn] {
        for (std::uint64_t k = 0; k < kHandoffsPerProcess; ++k) {
          if (!m->wait_for_ops(base + 2 * k + turn, monitor::Clock::now() + kOpBound)) return 1;
          auto t = m->transfer(turn == 0, 1);
          if (!t || *t != monitor::TransferStatus::ok) return 1;
        }
        return 0;
      });
    state.SetIterationTime(run.run(kRunBound));
  }
  finish(state);
}

void BM_robust_queue(benchmark::State& state) {
  auto q = semqueue::RobustQueue::create(harness::unique_name("bench-robust-queue-1"), 1);
  if (!q) {
    state.SkipWithError(q.error().describe().c_str());
    return;
  }
  for (auto _ : state) {
    bench::MeasuredRun run;
    run.measured("pusher", [&] {
      semqueue::Message msg{};
      for (std::uint32_t k = 0; k < kHandoffsPerProcess; ++k) {
        msg.words[0] = k;
        if (!q->push(msg, semqueue::Clock::now() + kOpBound)) return 1;
      }
      return 0;
    });
    run.measured("popper", [&] {
      semqueue::Message msg{};
      for (std::uint32_t k = 0; k < kHandoffsPerProcess; ++k)
        if (!q->pop(msg, semqueue::Clock::now() + kOpBound) || msg.words[0] != k) return 1;
      return 0;
    });
    state.SetIterationTime(run.run(kRunBound));
  }
  finish(state);
}

BENCHMARK(BM_robust_queue)->Name("robust_queue/pingpong")->UseManualTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_monitor)->Name("monitor/pingpong")->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) { return shmc::bench::run_with_ratios(argc, argv, "robust_queue", "handoffs/s"); }
