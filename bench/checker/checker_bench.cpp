// Checker speed: a queue history of 8 actors x 1 250 operations (linearisable,
// and the same with one pop result broken late in the run), and a map history
// of 100 000 operations over 1 000 keys. Goal: each check under one second.
//
// Two kinds of queue history: adversarial (every simulator step interleaves
// at random, so each operation overlaps several others) and realistic (90% of
// operations run uninterrupted, as when operations are short next to the work
// between them). The broken ones are also checked with the pattern pre-check
// off ("SearchOnly"), since the pre-check happens to catch this corruption,
// and the linearisable ones without pre-check and pruning ("Baseline", the
// checker as it was): same run, compare the times.
#include <benchmark/benchmark.h>

#include <deque>
#include <stdexcept>
#include <unordered_map>

#include "shmconform/check/delivery.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/check/map_model.hpp"
#include "shmconform/check/queue_model.hpp"
#include "harness/check/simulate.hpp"

namespace {

using namespace shmc::check;

constexpr std::size_t kQueueCapacity = 16;

History queue_history(unsigned uninterrupted_percent) {
  std::deque<std::array<std::uint64_t, 2>> q;
  std::vector<std::uint32_t> seq(8, 0);
  auto next = [&](int actor, std::uint64_t r) {
    Operation op;
    if (r % 2 == 0) {
      op.code = queue::kPush;
      const auto w = delivery::encode(delivery::make_item(static_cast<std::uint32_t>(actor), seq[actor]++));
      op.arg = {w[0], w[1]};
    } else {
      op.code = queue::kPop;
    }
    return op;
  };
  auto apply = [&](Operation& op) {
    if (op.code == queue::kPush) {
      op.status = q.size() < kQueueCapacity ? queue::kOk : queue::kFull;
      if (op.status == queue::kOk) q.push_back(op.arg);
    } else if (q.empty()) {
      op.status = queue::kEmpty;
    } else {
      op.status = queue::kOk;
      op.value = q.front();
      q.pop_front();
    }
  };
  return simulate({.actors = 8, .ops_per_actor = 1250, .seed = 42, .uninterrupted_percent = uninterrupted_percent},
                  next, apply);
}

constexpr unsigned kAdversarial = 0, kRealistic = 90;

// Two successful pops at ~90% of the run, far enough apart not to overlap, swap results.
History broken_queue_history(unsigned uninterrupted_percent) {
  History h = queue_history(uninterrupted_percent);
  std::vector<std::size_t> pops;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (h[i].code == queue::kPop && h[i].status == queue::kOk) pops.push_back(i);
  std::sort(pops.begin(), pops.end(), [&](std::size_t a, std::size_t b) { return h[a].invoke < h[b].invoke; });
  const std::size_t a = pops[pops.size() * 9 / 10];
  std::size_t b = a;
  for (std::size_t k = pops.size() * 9 / 10; k < pops.size() && b == a; ++k)
    if (h[pops[k]].invoke > h[a].ret + 8) b = pops[k];
  std::swap(h[a].value, h[b].value);
  return h;
}

History map_history() {
  std::unordered_map<std::uint64_t, std::uint64_t> m;
  auto next = [](int, std::uint64_t r) {
    Operation op;
    op.code = 1 + static_cast<std::uint32_t>(r % 4);
    op.arg = {(r >> 8) % 1000, (r >> 24) % 100};
    return op;
  };
  auto apply = [&](Operation& op) {
    const auto key = op.arg[0];
    auto it = m.find(key);
    switch (op.code) {
      case map::kInsert:
        op.status = it == m.end() ? map::kOk : map::kExists;
        if (it == m.end()) m[key] = op.arg[1];
        break;
      case map::kUpdate:
        op.status = it == m.end() ? map::kNotFound : map::kOk;
        if (it != m.end()) it->second = op.arg[1];
        break;
      case map::kFind:
        op.status = it == m.end() ? map::kNotFound : map::kOk;
        if (it != m.end()) op.value[0] = it->second;
        break;
      case map::kErase:
        op.status = it == m.end() ? map::kNotFound : map::kOk;
        if (it != m.end()) m.erase(it);
        break;
    }
  };
  return simulate({.actors = 8, .ops_per_actor = 12500, .seed = 7}, next, apply);
}

// A wrong verdict is an error; "unknown" (budget of 2M configurations spent)
// is reported as such in the counters and the label, so the figure stays honest.
void run(benchmark::State& state, const History& h, const Model& model, bool expect, CheckOptions options = {}) {
  options.max_configurations = 2'000'000;
  LinearizabilityResult r;
  for (auto _ : state) {
    r = check_linearizable(h, model, options);
    if (r.verdict != Verdict::unknown && r.ok() != expect)
      throw std::logic_error("checker gave the wrong verdict:\n" + r.report);
  }
  state.counters["ops"] = static_cast<double>(h.size());
  state.counters["configurations"] = static_cast<double>(r.configurations);
  state.SetLabel(std::string(to_string(r.verdict)) + (r.failure && !r.failure->pattern.empty() ? " (pattern)" : ""));
}

const queue::Model kStrictQueue({.capacity = kQueueCapacity});
constexpr CheckOptions kSearchOnly{.patterns = false};
constexpr CheckOptions kBaseline{.patterns = false, .prune = false};

const History& adversarial() {
  static const History h = queue_history(kAdversarial);
  return h;
}
const History& adversarial_broken() {
  static const History h = broken_queue_history(kAdversarial);
  return h;
}
const History& realistic() {
  static const History h = queue_history(kRealistic);
  return h;
}
const History& realistic_broken() {
  static const History h = broken_queue_history(kRealistic);
  return h;
}

void BM_QueueLinearizable(benchmark::State& s) { run(s, adversarial(), kStrictQueue, true); }
void BM_QueueLinearizableBaseline(benchmark::State& s) { run(s, adversarial(), kStrictQueue, true, kBaseline); }
void BM_QueueNotLinearizable(benchmark::State& s) { run(s, adversarial_broken(), kStrictQueue, false); }
void BM_QueueNotLinearizableSearchOnly(benchmark::State& s) {
  run(s, adversarial_broken(), kStrictQueue, false, kSearchOnly);
}
// The same queue history with full/empty allowed as no-ops at any time.
void BM_QueueLinearizableLenient(benchmark::State& s) {
  run(s, adversarial(), queue::Model({.capacity = kQueueCapacity, .strict_full = false, .strict_empty = false}), true);
}
void BM_QueueRealisticLinearizable(benchmark::State& s) { run(s, realistic(), kStrictQueue, true); }
void BM_QueueRealisticLinearizableBaseline(benchmark::State& s) { run(s, realistic(), kStrictQueue, true, kBaseline); }
void BM_QueueRealisticNotLinearizable(benchmark::State& s) { run(s, realistic_broken(), kStrictQueue, false); }
void BM_QueueRealisticNotLinearizableSearchOnly(benchmark::State& s) {
  run(s, realistic_broken(), kStrictQueue, false, kSearchOnly);
}
void BM_MapLinearizable(benchmark::State& state) {
  static const History h = map_history();
  run(state, h, map::Model(), true);
}

BENCHMARK(BM_QueueLinearizable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueLinearizableBaseline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueNotLinearizable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueNotLinearizableSearchOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueLinearizableLenient)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueRealisticLinearizable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueRealisticLinearizableBaseline)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueRealisticNotLinearizable)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_QueueRealisticNotLinearizableSearchOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MapLinearizable)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
