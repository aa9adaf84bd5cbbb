#include "harness/check/queue_filter.hpp"

#include <algorithm>

#include "harness/check/fingerprint_set.hpp"
#include "harness/check/queue_values.hpp"

namespace shmc::check::queue {
namespace {

// Each rule looks at most this many items or operations: skipping a check is
// always sound, and it keeps a step O(1) on unbounded queues.
constexpr std::size_t kScanLimit = 64;

// Item words -> item number, open addressing: the filter looks up every item
// of the state on most steps, where std::unordered_map was most of the cost.
class ItemTable {
 public:
  void build(const History& h, const ValueIndex& index) {
    std::size_t n = 16;
    while (n < 2 * index.items()) n *= 2;
    slots_.assign(n, Slot{});
    for (std::size_t x = 0; x < index.items(); ++x) {
      const Operation& p = h[index.push_of[x]];
      std::size_t i = home(p.arg[0], p.arg[1]);
      while (slots_[i].id != kNone) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = {p.arg[0], p.arg[1], x};
    }
  }
  // Every item in a model state was pushed, so it is always found.
  std::size_t find(std::uint64_t w0, std::uint64_t w1) const {
    for (std::size_t i = home(w0, w1);; i = (i + 1) & (slots_.size() - 1))
      if ((slots_[i].w0 == w0 && slots_[i].w1 == w1) || slots_[i].id == kNone) return slots_[i].id;
  }

 private:
  struct Slot {
    std::uint64_t w0 = 0, w1 = 0;
    std::size_t id = kNone;
  };
  std::size_t home(std::uint64_t w0, std::uint64_t w1) const {
    return static_cast<std::size_t>(splitmix64(w0 ^ (w1 * 0x9e3779b97f4a7c15ULL))) & (slots_.size() - 1);
  }
  std::vector<Slot> slots_;
};

class UniqueItemFilter final : public StepFilter {
 public:
  UniqueItemFilter(const History& h, ValueIndex index, const Options& options)
      : h_(h),
        index_(std::move(index)),
        strict_empty_(options.strict_empty),
        strict_full_(options.strict_full && options.capacity > 0),
        capacity_(options.capacity) {
    items_.build(h_, index_);
    for (std::size_t x = 0; x < index_.items(); ++x)
      if (index_.pop_of[x] != kNone) pops_by_return_.push_back(index_.pop_of[x]);
    for (std::size_t i = 0; i < h_.size(); ++i) {
      const Operation& o = h_[i];
      if (o.code == kPop && !o.pending && o.status == kEmpty) empties_by_return_.push_back(i);
      if (o.code == kPush && !o.pending && o.status == kFull) fulls_by_return_.push_back(i);
      removes_.push_back(o.code == kPop && (o.pending || o.status == kOk));
      adds_.push_back(o.code == kPush && (o.pending || o.status == kOk));
      if (removes_.back()) removers_by_invoke_.push_back(i);
      if (adds_.back()) adders_by_invoke_.push_back(i);
      if (adds_.back() && !o.pending) acked_by_return_.push_back(i);
    }
    auto by_return = [&](std::size_t a, std::size_t b) { return h_[a].ret < h_[b].ret; };
    auto by_invoke = [&](std::size_t a, std::size_t b) { return h_[a].invoke < h_[b].invoke; };
    std::sort(pops_by_return_.begin(), pops_by_return_.end(), by_return);
    std::sort(empties_by_return_.begin(), empties_by_return_.end(), by_return);
    std::sort(fulls_by_return_.begin(), fulls_by_return_.end(), by_return);
    std::sort(acked_by_return_.begin(), acked_by_return_.end(), by_return);
    std::sort(removers_by_invoke_.begin(), removers_by_invoke_.end(), by_invoke);
    std::sort(adders_by_invoke_.begin(), adders_by_invoke_.end(), by_invoke);
  }

  bool viable(std::size_t op, const State& from, const State& to, const Frontier& at) const override {
    const Operation& o = h_[op];
    const std::size_t size = to.size() / 2;
    if (to.size() < from.size()) {
      if (o.pending && index_.pop_of[item_at(from, 0)] != kNone) return false;
      return !strict_full_ || full_still_reachable(op, to, at);
    }
    if (o.code != kPush || to.size() == from.size()) return true;
    const std::size_t x = index_.item_of[op];
    return behind_allowed(x, from) && predecessors_pushed(x, at) &&
           (!strict_empty_ || (no_empty_pop_before_removal(x, at) && empty_still_reachable(op, size, at)));
  }

 private:
  std::size_t item_at(const State& s, std::size_t k) const { return items_.find(s[2 * k], s[2 * k + 1]); }

  // x is enqueued behind every item of `from`: each must be able to leave first.
  bool behind_allowed(std::size_t x, const State& from) const {
    if (index_.pop_of[x] == kNone) return true;
    const Operation& pop_x = h_[index_.pop_of[x]];
    const std::size_t n = from.size() / 2;
    for (std::size_t k = n; k > 0 && n - k < kScanLimit; --k) {
      const std::size_t y = item_at(from, k - 1);
      if (index_.pop_of[y] == kNone) {
        if (!index_.pending_pop_by(pop_x.ret)) return false;
      } else if (pop_x.ret < h_[index_.pop_of[y]].invoke) {
        return false;
      }
    }
    return true;
  }

  // Items whose completed pop returns before x's pop is invoked are ahead of x.
  // Those popped before `now` are linearised, so their pushes are too.
  bool predecessors_pushed(std::size_t x, const Frontier& at) const {
    if (index_.pop_of[x] == kNone) return true;
    const std::uint64_t limit = h_[index_.pop_of[x]].invoke;
    auto it = first_returning_at_or_after(pops_by_return_, at.now);
    for (std::size_t seen = 0; it != pops_by_return_.end() && h_[*it].ret < limit && seen < kScanLimit; ++it, ++seen)
      if (!at.linearised[index_.push_of[index_.item_of[*it]]]) return false;
    return true;
  }

  // An empty pop not yet linearised goes after this push; if it must return
  // before any pop can remove x, it would see x.
  bool no_empty_pop_before_removal(std::size_t x, const Frontier& at) const {
    const std::uint64_t limit = index_.earliest_removal(h_, x);
    auto it = first_returning_at_or_after(empties_by_return_, at.now);
    for (std::size_t seen = 0; it != empties_by_return_.end() && h_[*it].ret < limit && seen < kScanLimit; ++it, ++seen)
      if (!at.linearised[*it]) return false;
    return true;
  }

  // Every full push (empty pop) not yet linearised will be, after this step.
  // By then the queue grows by at most the pushes (pops) that may still go
  // before it, and shrinks (grows) by at least the pops (pushes) that must:
  // if it cannot be full (empty) then, the step leads nowhere. The most
  // urgent few are checked.
  bool full_still_reachable(std::size_t op, const State& to, const Frontier& at) const {
    leave_by_.clear();
    for (std::size_t k = 0; 2 * k < to.size(); ++k) {
      const std::size_t y = item_at(to, k);
      leave_by_.push_back(index_.pop_of[y] == kNone ? kNever : h_[index_.pop_of[y]].ret);
    }
    return each_urgent(fulls_by_return_, at, [&](std::size_t f) {
      const std::size_t most = to.size() / 2 + left_before(adders_by_invoke_, op, h_[f].ret, at);
      return most >= capacity_ + removals_before(op, h_[f].invoke, at);
    });
  }
  // A lower bound on the pops before time t: those of items whose completed
  // pop returns before t, and every item queued ahead of one of those. If
  // such an item is not queued yet, the whole queue goes first.
  std::size_t removals_before(std::size_t op, std::uint64_t t, const Frontier& at) const {
    std::size_t forced = 0, seen = 0;
    for (auto it = first_returning_at_or_after(pops_by_return_, at.now);
         it != pops_by_return_.end() && h_[*it].ret < t && seen < kScanLimit; ++it, ++seen)
      if (*it != op && !at.linearised[*it]) ++forced;
    std::size_t queued = 0, deepest = 0;
    for (std::size_t k = 0; k < leave_by_.size(); ++k)
      if (leave_by_[k] < t) ++queued, deepest = k + 1;
    const std::size_t absent = forced > queued ? forced - queued : 0;
    return std::max(forced, (absent > 0 ? leave_by_.size() : deepest) + absent);
  }
  bool empty_still_reachable(std::size_t op, std::size_t size, const Frontier& at) const {
    return each_urgent(empties_by_return_, at, [&](std::size_t e) {
      const std::size_t least = size + forced_before(acked_by_return_, op, h_[e].invoke, at);
      return left_before(removers_by_invoke_, op, h_[e].ret, at) >= least;
    });
  }
  // Completed operations of `by_return`, other than op, not yet linearised,
  // returning before t: they must go first. A lower bound when the scan stops early.
  std::size_t forced_before(const std::vector<std::size_t>& by_return, std::size_t op, std::uint64_t t,
                            const Frontier& at) const {
    std::size_t n = 0, seen = 0;
    for (auto it = first_returning_at_or_after(by_return, at.now);
         it != by_return.end() && h_[*it].ret < t && seen < kScanLimit; ++it, ++seen)
      if (*it != op && !at.linearised[*it]) ++n;
    return n;
  }
  template <class Check>
  bool each_urgent(const std::vector<std::size_t>& by_return, const Frontier& at, Check check) const {
    constexpr std::size_t kUrgent = 4;
    std::size_t checked = 0, seen = 0;
    for (auto it = first_returning_at_or_after(by_return, at.now);
         it != by_return.end() && checked < kUrgent && seen < kScanLimit; ++it, ++seen) {
      if (at.linearised[*it]) continue;
      if (!check(*it)) return false;
      ++checked;
    }
    return true;
  }
  // Operations of `by_invoke`, other than op, not yet linearised and invoked
  // by t: they may still go before an operation returning at t. Those invoked
  // after now are not linearised yet; the others are open.
  std::size_t left_before(const std::vector<std::size_t>& by_invoke, std::size_t op, std::uint64_t t,
                          const Frontier& at) const {
    auto invoked_by = [&](std::uint64_t u) {
      return std::partition_point(by_invoke.begin(), by_invoke.end(), [&](std::size_t i) { return h_[i].invoke <= u; });
    };
    std::size_t n = t > at.now ? static_cast<std::size_t>(invoked_by(t) - invoked_by(at.now)) : 0;
    const std::vector<char>& member = &by_invoke == &adders_by_invoke_ ? adds_ : removes_;
    for (std::size_t i : at.open)
      if (i != op && member[i] && h_[i].invoke <= t) ++n;
    return n;
  }

  std::vector<std::size_t>::const_iterator first_returning_at_or_after(const std::vector<std::size_t>& v,
                                                                      std::uint64_t t) const {
    return std::partition_point(v.begin(), v.end(), [&](std::size_t i) { return h_[i].ret < t; });
  }

  const History& h_;
  ValueIndex index_;
  bool strict_empty_, strict_full_;
  std::size_t capacity_;
  ItemTable items_;
  mutable std::vector<std::uint64_t> leave_by_;  // scratch: per item of `to`, when its completed pop returns
  std::vector<std::size_t> pops_by_return_, empties_by_return_, fulls_by_return_, acked_by_return_;
  std::vector<std::size_t> removers_by_invoke_, adders_by_invoke_;  // pops that may take an item, pushes that may add one
  std::vector<char> removes_, adds_;                                // by history index
};

}  // namespace

std::unique_ptr<StepFilter> make_unique_item_filter(const History& history, const Options& options) {
  auto index = index_unique_values(history);
  if (!index) return nullptr;
  return std::make_unique<UniqueItemFilter>(history, std::move(*index), options);
}

}  // namespace shmc::check::queue
