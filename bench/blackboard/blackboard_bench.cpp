// Subscriber reads per second on the seqlock blackboard while one publisher
// process rewrites the channel without pause, with 1 and 2 subscriber
// processes, against the obvious alternative: the same channel layout with a
// process-shared pthread_rwlock per channel (subscribers lock it shared, the
// publisher exclusive), in the same kind of segment. A read is a full copy of
// the channel's 8-word value whose checksum is verified: on the blackboard,
// Blackboard::read (the copy Subscriber::poll makes whenever the sequence
// moved, which under a publisher that never pauses is every time). The
// publisher's own rate is printed as a counter beside each run: a faster read
// is no win if it comes from a lock that keeps the publisher out.
//
// The rwlock board is what crash safety costs nothing on: a publisher killed
// holding the write lock blocks every subscriber until its timeout, for good
// (there is no robust rwlock). The ratio is what the seqlock's never-waiting
// reads save or cost against it.
//
//   build/release/bench/blackboard/blackboard_bench --benchmark_min_time=0.2
#include <benchmark/benchmark.h>

#include <pthread.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "bench/common/measured_run.hpp"
#include "bench/common/ratio_reporter.hpp"
#include "fixtures/blackboard/blackboard.hpp"
#include "fixtures/semqueue/bounded_wait.hpp"
#include "shmconform/harness/run_names.hpp"

namespace {

using namespace shmc;
using namespace shmc::blackboard;
using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

constexpr std::uint32_t kWords = 8;
constexpr std::uint32_t kReadsPerSubscriber = 100000;
constexpr auto kOpBound = std::chrono::seconds(2);
constexpr auto kRunBound = std::chrono::seconds(60);
const std::vector<ChannelSpec> kChannels = {{"position", kWords}, {"velocity", kWords}, {"status", kWords},
                                            {"setpoint", kWords}};
constexpr const char* kBusyChannel = "velocity";

using Value = std::array<std::uint64_t, kWords>;

Value value_of(std::uint64_t n) {
  Value v;
  for (std::uint32_t i = 0; i < kWords; ++i) v[i] = n * kWords + i;
  return v;
}

// --- the baseline: a channel table like the blackboard's, one rwlock per channel ------------------

struct RwChannel {
  char name[kNameBytes];
  std::uint32_t capacity_words;
  std::uint32_t value_offset;  // from the payload start: a ValueHead, then capacity_words words
  std::uint8_t reserved[24];
  alignas(64) pthread_rwlock_t lock;
};
static_assert(sizeof(pthread_rwlock_t) <= 64);
static_assert(sizeof(RwChannel) == 128);
static_assert(offsetof(RwChannel, lock) == 64);

struct ValueHead {  // plain words: only touched under the channel's lock
  std::uint64_t words;
  std::uint64_t checksum;
};
static_assert(sizeof(ValueHead) == 16);

struct RwHeader {
  std::uint32_t magic;
  std::uint32_t channel_count;
  std::uint8_t reserved[56];
};
static_assert(sizeof(RwHeader) == 64);
constexpr std::uint32_t kRwMagic = 0x4b4c5752;  // "RWLK"

class RwlockBoard {
 public:
  static Result<RwlockBoard> create(const std::string& name, const std::vector<ChannelSpec>& channels) {
    std::size_t bytes = sizeof(RwHeader) + channels.size() * sizeof(RwChannel);
    for (const auto& c : channels) bytes += block_bytes(c.capacity_words);
    auto segment = Segment::create(
        name, SegmentKind::raw, bytes,
        [&](std::byte* payload, std::size_t) -> Result<void> {
          auto* h = reinterpret_cast<RwHeader*>(payload);
          h->magic = kRwMagic;
          h->channel_count = static_cast<std::uint32_t>(channels.size());
          auto* d = reinterpret_cast<RwChannel*>(payload + sizeof(RwHeader));
          std::size_t offset = sizeof(RwHeader) + channels.size() * sizeof(RwChannel);
          pthread_rwlockattr_t attr;
          ::pthread_rwlockattr_init(&attr);
          ::pthread_rwlockattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
          for (std::size_t i = 0; i < channels.size(); ++i) {
            std::memcpy(d[i].name, channels[i].name.data(), channels[i].name.size());
            d[i].capacity_words = channels[i].capacity_words;
            d[i].value_offset = static_cast<std::uint32_t>(offset);
            offset += block_bytes(channels[i].capacity_words);
            if (int rc = ::pthread_rwlock_init(&d[i].lock, &attr); rc != 0) {
              ::pthread_rwlockattr_destroy(&attr);
              return sys_error("pthread_rwlock_init(pshared)", name, rc);
            }
          }
          ::pthread_rwlockattr_destroy(&attr);
          return {};
        },
        holding_libc_objects(SegmentOptions{.label = "bench rwlock blackboard"}));
    if (!segment) return segment.error();
    return RwlockBoard(std::move(*segment), static_cast<std::uint32_t>(channels.size()));
  }
  RwlockBoard(RwlockBoard&& other) noexcept : segment_(std::move(other.segment_)), count_(std::exchange(other.count_, 0)) {}
  ~RwlockBoard() {
    if (!segment_.is_owner()) return;
    for (std::uint32_t i = 0; i < count_; ++i) ::pthread_rwlock_destroy(&desc(i).lock);
  }

  Result<std::uint32_t> channel(std::string_view name) const {
    for (std::uint32_t i = 0; i < count_; ++i)
      if (name == std::string_view(desc(i).name, ::strnlen(desc(i).name, kNameBytes))) return i;
    return make_error(Errc::not_found, "no channel '" + std::string(name) + "'");
  }

  Result<void> publish(std::uint32_t ch, std::span<const std::uint64_t> words, Deadline deadline) {
    RwChannel& d = desc(ch);
    const std::uint64_t sum = value_checksum(words);  // outside the lock: nobody waits for it
    const struct ::timespec abs = semqueue::to_monotonic_timespec(deadline);
    if (int rc = ::pthread_rwlock_clockwrlock(&d.lock, CLOCK_MONOTONIC, &abs); rc != 0)
      return sys_error("pthread_rwlock_clockwrlock", d.name, rc);
    ValueHead& v = head(ch);
    std::memcpy(data(ch), words.data(), words.size() * 8);
    v.words = words.size();
    v.checksum = sum;
    ::pthread_rwlock_unlock(&d.lock);
    return {};
  }

  // Returns the value's length; corrupt if the copy fails its checksum.
  Result<std::uint32_t> read(std::uint32_t ch, std::span<std::uint64_t> out, Deadline deadline) const {
    RwChannel& d = desc(ch);
    const struct ::timespec abs = semqueue::to_monotonic_timespec(deadline);
    if (int rc = ::pthread_rwlock_clockrdlock(&d.lock, CLOCK_MONOTONIC, &abs); rc != 0)
      return sys_error("pthread_rwlock_clockrdlock", d.name, rc);
    const ValueHead& v = head(ch);
    const std::uint64_t n = v.words <= d.capacity_words ? v.words : 0;
    const std::uint64_t sum = v.checksum;
    std::memcpy(out.data(), data(ch), n * 8);
    ::pthread_rwlock_unlock(&d.lock);
    if (n > 0 && value_checksum(out.first(n)) != sum)
      return make_error(Errc::corrupt, std::string("rwlock channel '") + d.name + "' fails its checksum");
    return static_cast<std::uint32_t>(n);
  }

 private:
  RwlockBoard(Segment segment, std::uint32_t count) : segment_(std::move(segment)), count_(count) {}
  RwChannel& desc(std::uint32_t ch) const {
    return reinterpret_cast<RwChannel*>(segment_.payload() + sizeof(RwHeader))[ch];
  }
  ValueHead& head(std::uint32_t ch) const {
    return *reinterpret_cast<ValueHead*>(segment_.payload() + desc(ch).value_offset);
  }
  std::uint64_t* data(std::uint32_t ch) const {
    return reinterpret_cast<std::uint64_t*>(segment_.payload() + desc(ch).value_offset + sizeof(ValueHead));
  }

  Segment segment_;
  std::uint32_t count_;
};

// --- the runs ----------------------------------------------------------------------------------

// Publishes without pause until the subscribers are done; returns the number of publishes.
template <class Publish>
std::uint64_t publish_until_done(bench::KeepGoing& keep_going, Publish publish) {
  std::uint64_t n = 0;
  while (keep_going()) {
    const Value v = value_of(++n);
    if (!publish(v)) throw std::runtime_error("publish failed");
  }
  return n;
}

// Every iteration: the publisher in the background, state.range(0) measured subscribers.
// Publisher(keep_going) publishes until told to stop and returns how often; Reader(out) is one read.
template <class Publisher, class Reader>
void run_iterations(benchmark::State& state, Publisher publisher, Reader reader) {
  const int subscribers = static_cast<int>(state.range(0));
  harness::SharedArray<std::atomic<std::uint64_t>> published(1);
  double seconds = 0;
  std::uint64_t publishes = 0;
  for (auto _ : state) {
    bench::MeasuredRun run;
    run.background("publisher", [&](bench::KeepGoing& keep_going) {
      published[0].store(publisher(keep_going), std::memory_order_relaxed);
      return 0;
    });
    for (int s = 0; s < subscribers; ++s)
      run.measured("subscriber-" + std::to_string(s), [&] {
        Value out{};
        for (std::uint32_t i = 0; i < kReadsPerSubscriber; ++i)
          if (!reader(out)) return 1;
        benchmark::DoNotOptimize(out);
        return 0;
      });
    const double s = run.run(kRunBound);
    state.SetIterationTime(s);
    seconds += s;
    publishes += published[0].load(std::memory_order_relaxed);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * subscribers * kReadsPerSubscriber);
  state.counters["publishes/s"] = seconds > 0 ? static_cast<double>(publishes) / seconds : 0.0;
}

void BM_seqlock(benchmark::State& state) {
  BoardOptions options;
  options.read_bound = std::chrono::milliseconds(kOpBound);
  auto board = Blackboard::create(harness::unique_name("bench-blackboard"), kChannels, options);
  auto ch = board ? board->channel(kBusyChannel) : Result<std::uint32_t>(board.error());
  if (!ch) {
    state.SkipWithError(ch.error().describe().c_str());
    return;
  }
  {
    // A value before the first read, so no subscriber reads an empty channel.
    auto first = Publisher::claim(*board, *ch);
    if (!first || !first->publish(value_of(0))) {
      state.SkipWithError("first publish failed");
      return;
    }
  }
  run_iterations(
      state,
      [&](bench::KeepGoing& keep_going) {
        auto p = Publisher::claim(*board, *ch);
        if (!p) throw std::runtime_error(p.error().describe());
        return publish_until_done(keep_going, [&](const Value& v) { return p->publish(v).ok(); });
      },
      [&](Value& out) {
        auto r = board->read(*ch, out);
        return r.ok() && r->words == kWords;
      });
}

void BM_rwlock(benchmark::State& state) {
  auto board = RwlockBoard::create(harness::unique_name("bench-rwlock-board"), kChannels);
  auto ch = board ? board->channel(kBusyChannel) : Result<std::uint32_t>(board.error());
  if (!ch || !board->publish(*ch, value_of(0), Clock::now() + kOpBound)) {
    state.SkipWithError(ch ? "first publish failed" : ch.error().describe().c_str());
    return;
  }
  run_iterations(
      state,
      [&](bench::KeepGoing& keep_going) {
        return publish_until_done(keep_going,
                                  [&](const Value& v) { return board->publish(*ch, v, Clock::now() + kOpBound).ok(); });
      },
      [&](Value& out) {
        auto r = board->read(*ch, out, Clock::now() + kOpBound);
        return r.ok() && *r == kWords;
      });
}

void shapes(benchmark::internal::Benchmark* b) {
  b->ArgName("subscribers")->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond);
}
BENCHMARK(BM_rwlock)->Name("rwlock")->Apply(shapes);
BENCHMARK(BM_seqlock)->Name("blackboard")->Apply(shapes);

}  // namespace

int main(int argc, char** argv) { return shmc::bench::run_with_ratios(argc, argv, "rwlock", "reads/s"); }
