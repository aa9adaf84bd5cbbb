#include "harness/check/queue_values.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "shmconform/check/queue_model.hpp"

namespace shmc::check::queue {

std::uint64_t ValueIndex::earliest_removal(const History& h, std::size_t item) const {
  if (pop_of[item] != kNone) return h[pop_of[item]].invoke;
  return pending_pop_invokes.empty() ? kNever : pending_pop_invokes.front();
}

std::optional<ValueIndex> index_unique_values(const History& h) {
  ValueIndex index;
  index.item_of.assign(h.size(), kNone);
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> id;
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Operation& op = h[i];
    if (op.code != kPush || (!op.pending && op.status != kOk)) continue;
    auto [it, fresh] = id.emplace(std::pair{op.arg[0], op.arg[1]}, index.push_of.size());
    if (!fresh) return std::nullopt;
    index.item_of[i] = it->second;
    index.push_of.push_back(i);
  }
  index.pop_of.assign(index.push_of.size(), kNone);
  for (std::size_t i = 0; i < h.size(); ++i) {
    const Operation& op = h[i];
    if (op.code != kPop) continue;
    if (op.pending) {
      index.pending_pop_invokes.push_back(op.invoke);
      continue;
    }
    if (op.status != kOk) continue;
    auto it = id.find({op.value[0], op.value[1]});
    if (it == id.end() || index.pop_of[it->second] != kNone) return std::nullopt;
    index.pop_of[it->second] = i;
    index.item_of[i] = it->second;
  }
  std::sort(index.pending_pop_invokes.begin(), index.pending_pop_invokes.end());
  return index;
}

}  // namespace shmc::check::queue
