#include "bench/common/measured_run.hpp"

#include <algorithm>
#include <atomic>
#include <limits>
#include <stdexcept>

namespace shmc::bench {

namespace {

struct Span {
  std::atomic<std::int64_t> start_ns;
  std::atomic<std::int64_t> end_ns;
};

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Counts the measured actor as finished however its body ends, so background actors never outlast it.
struct Finished {
  std::atomic<std::uint32_t>& count;
  ~Finished() { count.fetch_add(1, std::memory_order_relaxed); }
};

}  // namespace

void MeasuredRun::measured(std::string name, std::function<int()> body) {
  entries_.push_back(Entry{std::move(name), std::move(body), {}});
}

void MeasuredRun::background(std::string name, std::function<int(KeepGoing&)> body) {
  entries_.push_back(Entry{std::move(name), {}, std::move(body)});
}

double MeasuredRun::run(std::chrono::milliseconds timeout) {
  const auto measured = static_cast<std::uint32_t>(
      std::count_if(entries_.begin(), entries_.end(), [](const Entry& e) { return bool(e.measured); }));
  if (measured == 0) throw std::logic_error("a measured run needs at least one measured actor");
  harness::SharedArray<Span> spans(entries_.size());
  harness::SharedArray<std::atomic<std::uint32_t>> finished(1);
  harness::Actors actors(harness::ActorMode::processes);
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    if (e.measured) {
      actors.add(e.name, [&, i](harness::ActorContext&) {
        Finished done{finished[0]};
        spans[i].start_ns.store(now_ns(), std::memory_order_relaxed);
        const int rc = entries_[i].measured();
        spans[i].end_ns.store(now_ns(), std::memory_order_relaxed);
        return rc;
      });
    } else {
      actors.add(e.name, [&, i](harness::ActorContext& ctx) {
        KeepGoing keep_going(finished[0], measured, ctx.deadline());
        return entries_[i].background(keep_going);
      });
    }
  }
  const auto outcomes = actors.run(timeout);
  if (!harness::all_ok(outcomes)) throw std::runtime_error(harness::describe(outcomes));
  std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = 0;
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (!entries_[i].measured) continue;
    first = std::min(first, spans[i].start_ns.load(std::memory_order_relaxed));
    last = std::max(last, spans[i].end_ns.load(std::memory_order_relaxed));
  }
  return static_cast<double>(last - first) / 1e9;
}

}  // namespace shmc::bench
