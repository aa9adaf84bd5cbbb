#include "shmconform/check/queue_model.hpp"

#include <algorithm>
#include <limits>
#include <unordered_map>

#include "shmconform/check/format.hpp"
#include "harness/check/queue_filter.hpp"
#include "harness/check/queue_patterns.hpp"

namespace shmc::check::queue {

void Model::step(const State& s, const Operation& op, std::vector<State>& next) const {
  const std::size_t size = s.size() / 2;
  if (op.code == kPush) {
    const bool has_room = options_.capacity == 0 || size < options_.capacity;
    if (op.pending || op.status == kOk) {
      if (!has_room) return;
      State n = s;
      n.push_back(op.arg[0]);
      n.push_back(op.arg[1]);
      next.push_back(std::move(n));
    } else if (op.status == kFull && (!has_room || !options_.strict_full)) {
      next.push_back(s);
    }
  } else if (op.code == kPop) {
    if (op.pending) {
      if (size > 0) next.emplace_back(s.begin() + 2, s.end());
    } else if (op.status == kOk) {
      if (size > 0 && s[0] == op.value[0] && s[1] == op.value[1]) next.emplace_back(s.begin() + 2, s.end());
    } else if (op.status == kEmpty && (size == 0 || !options_.strict_empty)) {
      next.push_back(s);
    }
  }
}

void Model::rank(const History& h, std::vector<std::uint64_t>& rank) const {
  std::unordered_map<std::uint64_t, std::uint64_t> popped_at;  // item word 0 -> invoke of its pop
  for (const Operation& op : h)
    if (op.code == kPop && !op.pending && op.status == kOk) popped_at.emplace(op.value[0], op.invoke);
  // Enqueuing pushes keep their own invoke times as ranks, but dealt out in
  // the order their items were dequeued (never-dequeued items last): pushes
  // are then tried in queue order, and still interleaved with the other
  // operations (pops, pushes that reported full) as time says.
  std::vector<std::size_t> pushes;
  std::vector<std::uint64_t> times;
  for (std::size_t i = 0; i < h.size(); ++i) {
    // A full push or an empty pop leaves the state as it is: if it fits now,
    // linearising it at once loses nothing (any later place is no better), and
    // putting it off sends the search down long dead ends. So: first.
    if (!h[i].pending && ((h[i].code == kPush && h[i].status == kFull) || (h[i].code == kPop && h[i].status == kEmpty)))
      rank[i] = 0;
    if (h[i].code != kPush || (!h[i].pending && h[i].status != kOk)) continue;
    pushes.push_back(i);
    times.push_back(h[i].invoke);
  }
  auto dequeued = [&](std::size_t i) {
    auto it = popped_at.find(h[i].arg[0]);
    return std::pair{it != popped_at.end() ? it->second : std::numeric_limits<std::uint64_t>::max(), h[i].invoke};
  };
  std::sort(pushes.begin(), pushes.end(), [&](std::size_t x, std::size_t y) { return dequeued(x) < dequeued(y); });
  std::sort(times.begin(), times.end());
  for (std::size_t k = 0; k < pushes.size(); ++k) rank[pushes[k]] = times[k];
}

std::optional<Refutation> Model::refute(const History& history) const { return find_bad_pattern(history, options_); }

std::unique_ptr<StepFilter> Model::step_filter(const History& history) const {
  return make_unique_item_filter(history, options_);
}

std::string Model::describe_call(const Operation& op) const {
  if (op.code == kPush) return "push(" + format_pair(op.arg[0], op.arg[1]) + ")";
  if (op.code == kPop) return "pop()";
  return "op#" + std::to_string(op.code) + "?";
}

std::string Model::describe_result(const Operation& op) const {
  if (op.pending) return "?";
  switch (op.status) {
    case kOk: return op.code == kPop ? "ok " + format_pair(op.value[0], op.value[1]) : "ok";
    case kFull: return "full";
    case kEmpty: return "empty";
    default: return "status#" + std::to_string(op.status) + "?";
  }
}

std::string Model::describe_state(const State& s) const {
  std::string out = "[";
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
    if (i != 0) out += ", ";
    out += format_pair(s[i], s[i + 1]);
  }
  return out + "]";
}

}  // namespace shmc::check::queue
