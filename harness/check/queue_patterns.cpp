#include "harness/check/queue_patterns.hpp"

#include <algorithm>
#include <map>
#include <utility>

#include "shmconform/check/format.hpp"
#include "harness/check/queue_values.hpp"

namespace shmc::check::queue {
namespace {

using Item = std::pair<std::uint64_t, std::uint64_t>;

bool enqueues(const Operation& op) { return op.code == kPush && (op.pending || op.status == kOk); }
bool pops_item(const Operation& op) { return op.code == kPop && !op.pending && op.status == kOk; }

std::string at(const Operation& op) {
  return "actor " + std::to_string(op.actor) + " [" + std::to_string(op.invoke) + ", " +
         (op.pending ? std::string("pending") : std::to_string(op.ret)) + "]";
}
std::string item(std::uint64_t a, std::uint64_t b) { return format_pair(a, b); }

std::optional<Refutation> fresh_or_repeated(const History& h) {
  std::map<Item, std::vector<std::size_t>> pushes, pops;
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (enqueues(h[i])) pushes[{h[i].arg[0], h[i].arg[1]}].push_back(i);
    if (pops_item(h[i])) pops[{h[i].value[0], h[i].value[1]}].push_back(i);
  }
  for (const auto& [v, by] : pops) {
    const auto p = pushes.find(v);
    const std::size_t pushed = p == pushes.end() ? 0 : p->second.size();
    for (std::size_t d : by) {
      const bool any_before = p != pushes.end() && std::any_of(p->second.begin(), p->second.end(), [&](std::size_t i) {
                                return h[i].invoke <= h[d].ret;
                              });
      if (!any_before)
        return Refutation{"fresh value",
                          "the pop of " + at(h[d]) + " returns " + item(v.first, v.second) +
                              ", which no push could have enqueued before that pop returned",
                          {d}};
    }
    if (by.size() > pushed) {
      Refutation r{"value popped twice",
                   "item " + item(v.first, v.second) + " is returned by " + std::to_string(by.size()) +
                       " pops but enqueued by " + std::to_string(pushed) + " push(es)",
                   {by[1], by[0]}};
      if (pushed > 0) r.ops.insert(r.ops.end(), p->second.begin(), p->second.end());
      return r;
    }
  }
  return std::nullopt;
}

// Items whose push completed ok, in order of that push's return: they are
// certainly in the queue from then until a pop takes them.
std::vector<std::size_t> acked_by_return(const History& h, const ValueIndex& index) {
  std::vector<std::size_t> out;
  for (std::size_t x = 0; x < index.items(); ++x)
    if (!h[index.push_of[x]].pending) out.push_back(x);
  std::sort(out.begin(), out.end(), [&](std::size_t x, std::size_t y) {
    return h[index.push_of[x]].ret < h[index.push_of[y]].ret;
  });
  return out;
}

// Sweeps the acked items whose push returned before successive times; keeps
// the one whose removal starts latest, and one that no completed pop takes.
class LongestStay {
 public:
  LongestStay(const History& h, const ValueIndex& index) : h_(h), index_(index), acked_(acked_by_return(h, index)) {}
  void admit_before(std::uint64_t t) {
    for (; next_ < acked_.size() && h_[index_.push_of[acked_[next_]]].ret < t; ++next_) {
      const std::size_t x = acked_[next_];
      if (index_.pop_of[x] == kNone) {
        if (never_popped_ == kNone) never_popped_ = x;
      } else if (latest_ == kNone || h_[index_.pop_of[x]].invoke > h_[index_.pop_of[latest_]].invoke) {
        latest_ = x;
      }
    }
  }
  // An admitted item certainly still in the queue at every time up to t, or kNone.
  std::size_t still_there_through(std::uint64_t t) const {
    if (never_popped_ != kNone && !index_.pending_pop_by(t)) return never_popped_;
    if (latest_ != kNone && h_[index_.pop_of[latest_]].invoke > t) return latest_;
    return kNone;
  }

 private:
  const History& h_;
  const ValueIndex& index_;
  std::vector<std::size_t> acked_;
  std::size_t next_ = 0, latest_ = kNone, never_popped_ = kNone;
};

std::vector<std::size_t> ops_by_invoke(const History& h, bool (*keep)(const Operation&)) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < h.size(); ++i)
    if (keep(h[i])) out.push_back(i);
  std::sort(out.begin(), out.end(), [&](std::size_t x, std::size_t y) { return h[x].invoke < h[y].invoke; });
  return out;
}

std::string fate(const History& h, const ValueIndex& index, std::size_t x) {
  if (index.pop_of[x] == kNone) return "no pop returns it and no pending pop could have taken it by then";
  return "its pop (" + at(h[index.pop_of[x]]) + ") starts only later";
}

std::optional<Refutation> order(const History& h, const ValueIndex& index) {
  LongestStay stay(h, index);
  std::vector<std::size_t> popped;
  for (std::size_t x = 0; x < index.items(); ++x)
    if (index.pop_of[x] != kNone) popped.push_back(x);
  std::sort(popped.begin(), popped.end(), [&](std::size_t x, std::size_t y) {
    return h[index.push_of[x]].invoke < h[index.push_of[y]].invoke;
  });
  for (std::size_t b : popped) {
    const Operation& push_b = h[index.push_of[b]];
    const Operation& pop_b = h[index.pop_of[b]];
    stay.admit_before(push_b.invoke);
    const std::size_t a = stay.still_there_through(pop_b.ret);
    if (a == kNone) continue;
    const Operation& push_a = h[index.push_of[a]];
    Refutation r{"FIFO order",
                 "item " + item(push_a.arg[0], push_a.arg[1]) + " is enqueued (" + at(push_a) + ") before item " +
                     item(push_b.arg[0], push_b.arg[1]) + " is pushed (" + at(push_b) + "), and " +
                     item(push_b.arg[0], push_b.arg[1]) + " is popped (" + at(pop_b) + ") while " +
                     item(push_a.arg[0], push_a.arg[1]) + " is still in the queue: " + fate(h, index, a),
                 {index.pop_of[b], index.push_of[a], index.push_of[b]}};
    if (index.pop_of[a] != kNone) r.ops.push_back(index.pop_of[a]);
    return r;
  }
  return std::nullopt;
}

bool pops_empty(const Operation& op) { return op.code == kPop && !op.pending && op.status == kEmpty; }
bool pushes_full(const Operation& op) { return op.code == kPush && !op.pending && op.status == kFull; }

std::optional<Refutation> empty_while_occupied(const History& h, const ValueIndex& index) {
  LongestStay stay(h, index);
  for (std::size_t e : ops_by_invoke(h, pops_empty)) {
    stay.admit_before(h[e].invoke);
    const std::size_t a = stay.still_there_through(h[e].ret);
    if (a == kNone) continue;
    const Operation& push_a = h[index.push_of[a]];
    Refutation r{"empty while occupied",
                 "the pop of " + at(h[e]) + " reports empty, but item " + item(push_a.arg[0], push_a.arg[1]) +
                     " is in the queue for its whole interval: enqueued by " + at(push_a) + ", and " +
                     fate(h, index, a),
                 {e, index.push_of[a]}};
    if (index.pop_of[a] != kNone) r.ops.push_back(index.pop_of[a]);
    return r;
  }
  return std::nullopt;
}

// Items that may be in the queue while a push reports full: those whose push
// may already have taken effect, less those a completed pop surely took.
std::optional<Refutation> full_while_room(const History& h, const ValueIndex& index, std::size_t capacity) {
  std::vector<std::uint64_t> push_invokes, pop_returns;
  for (std::size_t x = 0; x < index.items(); ++x) {
    push_invokes.push_back(h[index.push_of[x]].invoke);
    if (index.pop_of[x] != kNone) pop_returns.push_back(h[index.pop_of[x]].ret);
  }
  std::sort(push_invokes.begin(), push_invokes.end());
  std::sort(pop_returns.begin(), pop_returns.end());
  for (std::size_t i = 0; i < h.size(); ++i) {
    if (!pushes_full(h[i])) continue;
    const auto in = std::upper_bound(push_invokes.begin(), push_invokes.end(), h[i].ret) - push_invokes.begin();
    const auto out = std::lower_bound(pop_returns.begin(), pop_returns.end(), h[i].invoke) - pop_returns.begin();
    const auto most = in - out;
    if (most >= static_cast<std::ptrdiff_t>(capacity)) continue;
    return Refutation{"full with room",
                      "the push of " + at(h[i]) + " reports full, but at most " + std::to_string(most) +
                          " items can be in the queue (capacity " + std::to_string(capacity) +
                          ") during its interval: " + std::to_string(in) + " pushes could have enqueued by its return, " +
                          std::to_string(out) + " of their items were surely popped before its invoke",
                      {i}};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Refutation> find_bad_pattern(const History& h, const Options& options) {
  if (auto r = fresh_or_repeated(h)) return r;
  const auto index = index_unique_values(h);
  if (!index) return std::nullopt;
  if (auto r = order(h, *index)) return r;
  if (options.strict_empty)
    if (auto r = empty_while_occupied(h, *index)) return r;
  if (options.strict_full && options.capacity > 0)
    if (auto r = full_while_room(h, *index, options.capacity)) return r;
  return std::nullopt;
}

}  // namespace shmc::check::queue
