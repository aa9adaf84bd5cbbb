// Reader reads and writer writes per second of the double buffer (the
// per-buffer seqlock design, DoubleBuffer), one writer and 1 or 2 readers,
// every party a process, 64-word (512-byte) values, against one buffer
// guarded by a robust process-shared pthread mutex that readers and the
// writer both take.
//   reads:  each reader makes kReads full reads while the writer writes without pause;
//   writes: the writer makes kWrites writes while the readers read without pause.
// Every value is kWords copies of one number and every reader checks that its
// copy is not torn, on both contenders.
//
// Why the mutex buffer is the baseline and not a single-buffer seqlock: the
// double buffer exists so that readers always get a complete value without
// ever waiting for the writer or being able to block it, even when the writer
// dies mid-copy. The mutex is what people write when they do not need that:
// readers and writer take turns (robust, so a dead holder is handed on with
// EOWNERDEAD; this one then declares the buffer torn, there is no undo), and
// that turn-taking is the cost the double buffer removes. A single-buffer
// seqlock removes the waiting too, but its readers have nothing to read while
// a write is in progress or after a writer died mid-copy, so it is not an
// alternative that offers what is being paid for.
//
//   build/release/bench/double_buffer/double_buffer_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <pthread.h>

#include <array>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "bench/common/measured_run.hpp"
#include "bench/common/ratio_reporter.hpp"
#include "bench/common/robust_lock.hpp"
#include "fixtures/double_buffer/double_buffer.hpp"
#include "fixtures/semqueue/robust_mutex.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;
using namespace shmc::double_buffer;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kWords = 64;
constexpr std::uint32_t kReadsPerReader = 100000;
constexpr std::uint32_t kWrites = 100000;
constexpr auto kOpBound = std::chrono::seconds(2);
constexpr auto kRunBound = std::chrono::seconds(60);

using Value = std::array<std::uint64_t, kWords>;

Value value_of(std::uint64_t n) {
  Value v;
  v.fill(n);
  return v;
}

bool whole(const Value& v) {
  for (std::uint64_t w : v)
    if (w != v[0]) return false;
  return true;
}

// --- the baseline: one buffer behind a robust mutex -------------------------------------------

struct MutexBufferLayout {
  alignas(64) pthread_mutex_t mutex;
  alignas(64) std::uint64_t generation;  // under the mutex, like everything below
  std::uint64_t torn;                    // 1 once a writer died holding the mutex
  alignas(64) std::uint64_t words[kWords];
};
static_assert(offsetof(MutexBufferLayout, generation) == 64);
static_assert(offsetof(MutexBufferLayout, words) == 128);
static_assert(sizeof(MutexBufferLayout) == 128 + 8 * kWords);

class MutexBuffer {
 public:
  static Result<MutexBuffer> create(const std::string& name) {
    auto segment = Segment::create(
        name, SegmentKind::raw, sizeof(MutexBufferLayout),
        [](std::byte* payload, std::size_t) {
          return semqueue::robust_mutex_init(&reinterpret_cast<MutexBufferLayout*>(payload)->mutex);
        },
        holding_libc_objects(SegmentOptions{.label = "bench mutex buffer"}));
    if (!segment) return segment.error();
    return MutexBuffer(std::move(*segment));
  }
  MutexBuffer(MutexBuffer&& other) noexcept : segment_(std::move(other.segment_)), live_(std::exchange(other.live_, false)) {}
  ~MutexBuffer() {
    if (live_ && segment_.is_owner()) ::pthread_mutex_destroy(&layout().mutex);
  }

  Result<void> write(const Value& v) {
    MutexBufferLayout& l = layout();
    if (auto r = lock(); !r) return r.error();
    std::memcpy(l.words, v.data(), sizeof l.words);
    ++l.generation;
    bench::unlock_robust(&l.mutex);
    return {};
  }
  Result<std::uint64_t> read(Value& out) {
    MutexBufferLayout& l = layout();
    if (auto r = lock(); !r) return r.error();
    std::memcpy(out.data(), l.words, sizeof l.words);
    const std::uint64_t g = l.generation;
    bench::unlock_robust(&l.mutex);
    return g;
  }

 private:
  explicit MutexBuffer(Segment segment) : segment_(std::move(segment)), live_(true) {}
  MutexBufferLayout& layout() const { return *reinterpret_cast<MutexBufferLayout*>(segment_.payload()); }
  // A holder that died may have been a writer mid-copy: the buffer is lost for good (no undo copy).
  Result<void> lock() {
    MutexBufferLayout& l = layout();
    auto died = bench::lock_robust(&l.mutex, Clock::now() + kOpBound, "mutex buffer");
    if (!died) return died.error();
    if (*died) l.torn = 1;
    if (l.torn == 0) return {};
    bench::unlock_robust(&l.mutex);
    return make_error(Errc::owner_dead, "mutex buffer: a writer died holding the mutex, the buffer may be torn");
  }

  Segment segment_;
  bool live_ = false;
};

// --- the runs ----------------------------------------------------------------------------------

enum class Measure { reads, writes };

// The writer's loop: value n at the n-th write.
template <class More, class Write>
int write_values(More more, Write write) {
  for (std::uint64_t i = 0; more(i); ++i)
    if (!write(value_of(i + 1))) return 1;
  return 0;
}

// WriteLoop(more) is the writer process's body; Read(out) one read.
template <class WriteLoop, class Read>
double iteration(Measure measure, int readers, WriteLoop write_loop, Read read) {
  bench::MeasuredRun run;
  run.loop("writer", measure == Measure::writes, kWrites, write_loop);
  for (int r = 0; r < readers; ++r)
    run.loop("reader-" + std::to_string(r), measure == Measure::reads, kReadsPerReader, [read](auto more) mutable {
      Value out{};
      for (std::uint64_t i = 0; more(i); ++i)
        if (!read(out) || !whole(out)) return 1;
      return 0;
    });
  return run.run(kRunBound);
}

template <class WriteLoop, class Read>
void run_iterations(benchmark::State& state, Measure measure, WriteLoop write_loop, Read read) {
  const int readers = static_cast<int>(state.range(0));
  for (auto _ : state) state.SetIterationTime(iteration(measure, readers, write_loop, read));
  const std::int64_t per_iteration = measure == Measure::reads ? std::int64_t{readers} * kReadsPerReader : kWrites;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * per_iteration);
}

void BM_double_buffer(benchmark::State& state, Measure measure) {
  Options options;
  options.read_bound = std::chrono::milliseconds(kOpBound);
  auto buffer = DoubleBuffer::create(harness::unique_name("bench-double-buffer"), kWords, options);
  if (!buffer) {
    state.SkipWithError(buffer.error().describe().c_str());
    return;
  }
  DoubleBuffer* b = &*buffer;
  run_iterations(
      state, measure,
      [b](auto more) {
        if (!b->claim_writer()) return 1;
        const int rc = write_values(more, [b](const Value& v) { return b->write(v).ok(); });
        return b->release_writer() && rc == 0 ? 0 : 1;
      },
      [b](Value& out) { return b->read(out).ok(); });
}

void BM_mutex_buffer(benchmark::State& state, Measure measure) {
  auto buffer = MutexBuffer::create(harness::unique_name("bench-mutex-buffer"));
  if (!buffer) {
    state.SkipWithError(buffer.error().describe().c_str());
    return;
  }
  MutexBuffer* b = &*buffer;
  run_iterations(
      state, measure,
      [b](auto more) { return write_values(more, [b](const Value& v) { return b->write(v).ok(); }); },
      [b](Value& out) { return b->read(out).ok(); });
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgName("readers")->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond);
}
BENCHMARK_CAPTURE(BM_mutex_buffer, reads, Measure::reads)->Name("mutex_buffer/reads")->Apply(shapes);
BENCHMARK_CAPTURE(BM_double_buffer, reads, Measure::reads)->Name("double_buffer/reads")->Apply(shapes);
BENCHMARK_CAPTURE(BM_mutex_buffer, writes, Measure::writes)->Name("mutex_buffer/writes")->Apply(shapes);
BENCHMARK_CAPTURE(BM_double_buffer, writes, Measure::writes)->Name("double_buffer/writes")->Apply(shapes);

}  // namespace

int main(int argc, char** argv) { return shmc::bench::run_with_ratios(argc, argv, "mutex_buffer", "ops/s"); }
