// The scoreboard's two hot paths, as processes on one board of 64 slots with
// 1 and 2 workers and one monitor, against the obvious alternative: the same
// slots guarded by one robust process-shared pthread mutex (the semaphore
// queue's robust-mutex calls, so a dead worker's lock is handed on with
// EOWNERDEAD), which every update and every scan takes.
//   updates: each worker claims a slot and makes kUpdates progress updates
//            (one counter raised, heartbeat stamped: BasicWorker::add) while the
//            monitor scans the whole board without pause;
//   scans:   the monitor makes kScans full-board scans (snapshot(): one view per
//            slot into a fresh vector) while the workers update without pause.
// The mutex board does the same work per call (owner checked, counter raised,
// heartbeat from the same clock; views into a fresh vector reserved outside
// the lock). Each run's ratio is against the mutex board's same shape.
//
//   build/release/bench/scoreboard/scoreboard_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <pthread.h>

#include <stdexcept>
#include <utility>

#include "bench/common/measured_run.hpp"
#include "bench/common/ratio_reporter.hpp"
#include "bench/common/robust_lock.hpp"
#include "fixtures/scoreboard/scoreboard.hpp"
#include "fixtures/semqueue/robust_mutex.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;
using namespace shmc::scoreboard;
using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kSlots = 64;
constexpr std::uint32_t kUpdatesPerWorker = 200000;
constexpr std::uint32_t kScans = 20000;
constexpr auto kOpBound = std::chrono::seconds(2);
constexpr auto kRunBound = std::chrono::seconds(60);

std::uint64_t now_ns() {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count());
}

// --- the baseline: the scoreboard's header and slots behind one robust mutex --------------------

struct MutexBoardLayout {
  alignas(64) pthread_mutex_t mutex;
  alignas(64) BoardHeader header;
};
static_assert(sizeof(MutexBoardLayout) == 128);
static_assert(offsetof(MutexBoardLayout, header) == 64);

class MutexBoard {
 public:
  static Result<MutexBoard> create(const std::string& name, std::uint32_t slots) {
    auto segment = Segment::create(
        name, SegmentKind::raw, sizeof(MutexBoardLayout) + std::size_t{slots} * sizeof(Slot),
        [slots](std::byte* payload, std::size_t) {
          auto* l = reinterpret_cast<MutexBoardLayout*>(payload);
          l->header.magic = kBoardMagic;
          l->header.slot_count = slots;
          l->header.owner_kind = static_cast<std::uint32_t>(OwnerKind::identity);
          return semqueue::robust_mutex_init(&l->mutex);
        },
        holding_libc_objects(SegmentOptions{.label = "bench mutex scoreboard"}));
    if (!segment) return segment.error();
    return MutexBoard(std::move(*segment), slots);
  }
  MutexBoard(MutexBoard&& other) noexcept : segment_(std::move(other.segment_)), count_(std::exchange(other.count_, 0)) {}
  ~MutexBoard() {
    if (count_ != 0 && segment_.is_owner()) ::pthread_mutex_destroy(&layout().mutex);
  }

  // The worker side: claim, update, release. The slot index is the handle.
  Result<std::uint32_t> claim() {
    const std::uint64_t me = pack(self_identity());
    if (auto r = lock(); !r) return r.error();
    for (std::uint32_t i = 0; i < count_; ++i) {
      Slot& s = slot(i);
      if (s.owner.load(std::memory_order_relaxed) != 0) continue;
      s.owner.store(me, std::memory_order_relaxed);
      s.gen.store(s.gen.load(std::memory_order_relaxed) + 2, std::memory_order_relaxed);
      for (auto& c : s.counters) c.store(0, std::memory_order_relaxed);
      s.tenant.store(me, std::memory_order_relaxed);
      s.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);
      unlock();
      return i;
    }
    unlock();
    return make_error(Errc::already_exists, "mutex board full");
  }
  Result<void> add(std::uint32_t i, std::uint64_t me, std::uint32_t counter, std::uint64_t delta) {
    if (auto r = lock(); !r) return r;
    Slot& s = slot(i);
    if (s.owner.load(std::memory_order_relaxed) != me) {
      unlock();
      return make_error(Errc::owner_dead, "slot " + std::to_string(i) + " is no longer ours");
    }
    s.counters[counter].store(s.counters[counter].load(std::memory_order_relaxed) + delta, std::memory_order_relaxed);
    s.heartbeat_ns.store(now_ns(), std::memory_order_relaxed);
    unlock();
    return {};
  }
  Result<void> release(std::uint32_t i) {
    if (auto r = lock(); !r) return r;
    slot(i).owner.store(0, std::memory_order_relaxed);
    unlock();
    return {};
  }

  // The monitor side: every slot, under the lock.
  Result<std::vector<SlotView>> snapshot() {
    std::vector<SlotView> out;
    out.reserve(count_);
    if (auto r = lock(); !r) return r.error();
    for (std::uint32_t i = 0; i < count_; ++i) {
      const Slot& s = slot(i);
      SlotView v;
      v.owner = s.owner.load(std::memory_order_relaxed);
      v.state = v.owner == 0 ? SlotView::State::free : SlotView::State::held;
      v.tenant = s.tenant.load(std::memory_order_relaxed);
      v.gen = s.gen.load(std::memory_order_relaxed);
      v.heartbeat_ns = s.heartbeat_ns.load(std::memory_order_relaxed);
      for (std::uint32_t c = 0; c < kCounters; ++c) v.counters[c] = s.counters[c].load(std::memory_order_relaxed);
      out.push_back(v);
    }
    unlock();
    return out;
  }

 private:
  MutexBoard(Segment segment, std::uint32_t count) : segment_(std::move(segment)), count_(count) {}
  MutexBoardLayout& layout() const { return *reinterpret_cast<MutexBoardLayout*>(segment_.payload()); }
  Slot& slot(std::uint32_t i) const {
    return reinterpret_cast<Slot*>(segment_.payload() + sizeof(MutexBoardLayout))[i];
  }
  // Updates, the measured worker path, are single stores: a holder that died in one left nothing to
  // repair. (A dead worker's slot is never reclaimed here; no run needs it.)
  Result<void> lock() {
    if (auto r = bench::lock_robust(&layout().mutex, Clock::now() + kOpBound, "mutex board"); !r) return r.error();
    return {};
  }
  void unlock() { bench::unlock_robust(&layout().mutex); }

  Segment segment_;
  std::uint32_t count_;
};

// --- one worker and one monitor of each board, as the runs call them ----------------------------

// Work: a worker's life, updating while more(i). Scan: one full-board scan.
struct LockFreeParty {
  Scoreboard& board;
  template <class More>
  int work(More more) {
    auto w = board.claim();
    if (!w) throw std::runtime_error(w.error().describe());
    for (std::uint64_t i = 0; more(i); ++i)
      if (!w->add(i % kCounters, 1)) return 1;
    return w->release() ? 0 : 1;
  }
  bool scan(std::uint64_t& seen) {
    const auto views = board.snapshot();
    for (const auto& v : views) seen += v.counters[0];
    return views.size() == kSlots;
  }
};

struct MutexParty {
  MutexBoard& board;
  template <class More>
  int work(More more) {
    const std::uint64_t me = pack(self_identity());
    auto slot = board.claim();
    if (!slot) throw std::runtime_error(slot.error().describe());
    for (std::uint64_t i = 0; more(i); ++i)
      if (!board.add(*slot, me, i % kCounters, 1)) return 1;
    return board.release(*slot) ? 0 : 1;
  }
  bool scan(std::uint64_t& seen) {
    auto views = board.snapshot();
    if (!views) return false;
    for (const auto& v : *views) seen += v.counters[0];
    return views->size() == kSlots;
  }
};

enum class Measure { updates, scans };

template <class Party>
double iteration(Party party, Measure measure, int workers) {
  bench::MeasuredRun run;
  for (int w = 0; w < workers; ++w)
    run.loop("worker-" + std::to_string(w), measure == Measure::updates, kUpdatesPerWorker,
             [party](auto more) mutable { return party.work(more); });
  run.loop("monitor", measure == Measure::scans, kScans, [party](auto more) mutable {
    std::uint64_t seen = 0;
    for (std::uint64_t i = 0; more(i); ++i)
      if (!party.scan(seen)) return 1;
    benchmark::DoNotOptimize(seen);
    return 0;
  });
  return run.run(kRunBound);
}

template <class Party>
void run_iterations(benchmark::State& state, Party party, Measure measure) {
  const int workers = static_cast<int>(state.range(0));
  for (auto _ : state) state.SetIterationTime(iteration(party, measure, workers));
  const std::int64_t per_iteration = measure == Measure::updates ? std::int64_t{workers} * kUpdatesPerWorker : kScans;
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * per_iteration);
}

void BM_lock_free(benchmark::State& state, Measure measure) {
  auto board = Scoreboard::create(harness::unique_name("bench-scoreboard"), kSlots);
  if (!board) {
    state.SkipWithError(board.error().describe().c_str());
    return;
  }
  run_iterations(state, LockFreeParty{*board}, measure);
}

void BM_mutex(benchmark::State& state, Measure measure) {
  auto board = MutexBoard::create(harness::unique_name("bench-mutex-scoreboard"), kSlots);
  if (!board) {
    state.SkipWithError(board.error().describe().c_str());
    return;
  }
  run_iterations(state, MutexParty{*board}, measure);
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgName("workers")->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond);
}
BENCHMARK_CAPTURE(BM_mutex, updates, Measure::updates)->Name("mutex_board/updates")->Apply(shapes);
BENCHMARK_CAPTURE(BM_lock_free, updates, Measure::updates)->Name("scoreboard/updates")->Apply(shapes);
BENCHMARK_CAPTURE(BM_mutex, scans, Measure::scans)->Name("mutex_board/scans")->Apply(shapes);
BENCHMARK_CAPTURE(BM_lock_free, scans, Measure::scans)->Name("scoreboard/scans")->Apply(shapes);

}  // namespace

int main(int argc, char** argv) { return shmc::bench::run_with_ratios(argc, argv, "mutex_board", "ops/s"); }
