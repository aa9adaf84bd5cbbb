#include "shmconform/check/linearizability.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <stdexcept>

#include "harness/check/fingerprint_set.hpp"
#include "shmconform/check/report.hpp"

namespace shmc::check {

const char* to_string(Verdict v) {
  switch (v) {
    case Verdict::linearizable: return "linearizable";
    case Verdict::not_linearizable: return "not linearizable";
    case Verdict::unknown: return "unknown (search budget exhausted)";
  }
  return "?";
}

namespace {

constexpr std::size_t kReportBudget = 100'000;

// One partition's search. Entries (call and return events) form a doubly linked
// list in time order; lifting an operation unlinks its two entries and the
// stack of lifted operations undoes it (dancing links), so backtracking is O(1).
class Search {
 public:
  Search(const History& h, const std::vector<std::size_t>& ops, const Model& model,
         const std::vector<std::uint64_t>& rank, const StepFilter* filter, std::size_t budget)
      : h_(h), ops_(ops), model_(model), filter_(filter), budget_(budget), linearised_(h.size(), 0) {
    for (std::size_t i : ops_) rank_.push_back(rank[i]);
    build_entries();
  }

  Verdict run();
  std::size_t configurations() const { return memo_.size(); }
  Failure failure() const;

 private:
  struct Entry {
    std::uint64_t time;
    std::uint32_t op;     // index into ops_
    bool call;
    std::int32_t match;   // call: its return entry, -1 if pending
  };
  struct Frame {
    std::int32_t entry;
    State previous;
    std::uint32_t candidate;  // position in the rank-ordered candidates
    std::uint32_t successor;  // which of model.step()'s states was taken
  };

  void build_entries();
  void unlink(std::int32_t e) {
    next_[prev_[e]] = next_[e];
    prev_[next_[e]] = prev_[e];
  }
  void relink(std::int32_t e) {
    next_[prev_[e]] = e;
    prev_[next_[e]] = e;
  }
  void note_stuck(std::int32_t at, const State& state);
  void candidates(std::vector<std::int32_t>& out);  // also sets now_
  std::int32_t first_return() const;  // -1 if none

  const History& h_;
  const std::vector<std::size_t>& ops_;
  const Model& model_;
  const StepFilter* filter_;
  std::size_t budget_;
  std::vector<char> linearised_;  // by history index
  std::uint64_t now_ = 0;         // time of the first outstanding return
  std::vector<std::size_t> open_;  // candidates, as history indices
  std::vector<std::uint64_t> rank_;  // per local op
  std::vector<Entry> entries_;
  std::vector<std::int32_t> next_, prev_;  // index entries_.size() is the head, +1 the tail
  std::vector<std::uint64_t> zobrist_a_, zobrist_b_;
  std::vector<Frame> stack_;
  FingerprintSet memo_;
  // Deepest stuck configuration, for the report.
  std::size_t best_depth_ = 0;
  bool have_best_ = false;
  std::vector<std::uint32_t> best_order_;
  std::vector<std::uint32_t> best_successor_;  // per step of best_order_
  std::uint32_t best_stuck_ = 0;
  State best_state_;
};

void Search::build_entries() {
  for (std::uint32_t i = 0; i < ops_.size(); ++i) {
    const Operation& op = h_[ops_[i]];
    if (!op.pending && op.ret < op.invoke)
      throw std::invalid_argument("history: operation of actor " + std::to_string(op.actor) + " returns (t=" +
                                  std::to_string(op.ret) + ") before its invoke (t=" + std::to_string(op.invoke) + ")");
    entries_.push_back({op.invoke, i, true, -1});
    if (!op.pending) entries_.push_back({op.ret, i, false, -1});
  }
  // At equal times calls go first: the operations are then taken as concurrent,
  // the permissive reading (the shared clock never produces ties anyway).
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& x, const Entry& y) {
    if (x.time != y.time) return x.time < y.time;
    return x.call && !y.call;
  });
  std::vector<std::int32_t> call_of(ops_.size(), -1);
  for (std::int32_t e = 0; e < static_cast<std::int32_t>(entries_.size()); ++e) {
    if (entries_[e].call) call_of[entries_[e].op] = e;
    else entries_[call_of[entries_[e].op]].match = e;
  }
  const auto n = static_cast<std::int32_t>(entries_.size());
  next_.resize(n + 2);
  prev_.resize(n + 2);
  const std::int32_t head = n, tail = n + 1;
  for (std::int32_t e = 0; e < n; ++e) {
    prev_[e] = e == 0 ? head : e - 1;
    next_[e] = e == n - 1 ? tail : e + 1;
  }
  next_[head] = n == 0 ? tail : 0;
  prev_[tail] = n == 0 ? head : n - 1;
  prev_[head] = head;
  next_[tail] = tail;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    zobrist_a_.push_back(splitmix64(2 * i + 1));
    zobrist_b_.push_back(splitmix64(~(2 * i)));
  }
}

void Search::note_stuck(std::int32_t at, const State& state) {
  if (have_best_ && stack_.size() <= best_depth_) return;
  have_best_ = true;
  best_depth_ = stack_.size();
  best_order_.clear();
  best_successor_.clear();
  for (const Frame& f : stack_) {
    best_order_.push_back(entries_[f.entry].op);
    best_successor_.push_back(f.successor);
  }
  best_stuck_ = entries_[at].op;
  best_state_ = state;
}

void Search::candidates(std::vector<std::int32_t>& out) {
  out.clear();
  const auto tail = static_cast<std::int32_t>(entries_.size()) + 1;
  std::int32_t e = next_[entries_.size()];
  for (; e != tail && entries_[e].call; e = next_[e]) out.push_back(e);
  now_ = e == tail ? std::numeric_limits<std::uint64_t>::max() : entries_[e].time;
  open_.clear();
  for (std::int32_t c : out) open_.push_back(ops_[entries_[c].op]);
  std::stable_sort(out.begin(), out.end(),
                   [&](std::int32_t x, std::int32_t y) { return rank_[entries_[x].op] < rank_[entries_[y].op]; });
}

std::int32_t Search::first_return() const {
  const auto tail = static_cast<std::int32_t>(entries_.size()) + 1;
  std::int32_t e = next_[entries_.size()];
  while (e != tail && entries_[e].call) e = next_[e];
  return e == tail ? -1 : e;
}

Verdict Search::run() {
  std::size_t remaining = 0;  // completed operations not yet linearised
  for (std::size_t i : ops_) remaining += h_[i].pending ? 0 : 1;

  State state = model_.initial();
  std::uint64_t za = 0, zb = 0;
  std::vector<State> successors;
  std::vector<std::int32_t> cands;
  // The operations that may go next are the calls before the first return
  // entry; they are tried in rank order, each with each of its successor states.
  std::uint32_t ci = 0, si = 0;
  candidates(cands);
  for (;;) {
    if (remaining == 0) return Verdict::linearizable;
    bool lifted = false;
    for (; ci < cands.size() && !lifted; ++ci, si = 0) {
      const std::int32_t cur = cands[ci];
      const Entry& e = entries_[cur];
      successors.clear();
      model_.step(state, h_[ops_[e.op]], successors);
      for (; si < successors.size(); ++si) {
        if (filter_ && !filter_->viable(ops_[e.op], state, successors[si], {linearised_, now_, open_})) continue;
        Fingerprint f = hash_state(successors[si]);
        f.a ^= za ^ zobrist_a_[e.op];
        f.b ^= zb ^ zobrist_b_[e.op];
        if (!memo_.insert(f)) continue;
        if (memo_.size() > budget_) return Verdict::unknown;
        stack_.push_back({cur, std::move(state), ci, si});
        state = std::move(successors[si]);
        za ^= zobrist_a_[e.op];
        zb ^= zobrist_b_[e.op];
        unlink(cur);
        linearised_[ops_[e.op]] = 1;
        if (e.match >= 0) {
          unlink(e.match);
          --remaining;
        }
        lifted = true;
        break;
      }
      if (lifted) break;
    }
    if (lifted) {
      candidates(cands);
      ci = si = 0;
      continue;
    }
    // No candidate can go next before the first outstanding return: undo the
    // last lift and try its next option.
    if (auto r = first_return(); r >= 0) note_stuck(r, state);
    if (stack_.empty()) return Verdict::not_linearizable;
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    const Entry& e = entries_[f.entry];
    if (e.match >= 0) {
      relink(e.match);
      ++remaining;
    }
    relink(f.entry);
    linearised_[ops_[e.op]] = 0;
    za ^= zobrist_a_[e.op];
    zb ^= zobrist_b_[e.op];
    state = std::move(f.previous);
    candidates(cands);  // the list is as it was when this frame was pushed
    ci = f.candidate;
    si = f.successor + 1;
  }
}

Failure Search::failure() const {
  Failure out;
  out.partition_size = ops_.size();
  out.stuck = ops_[best_stuck_];
  for (std::uint32_t i : best_order_) out.linearised.push_back(ops_[i]);
  out.state = best_state_;
  // Keeping every state during the search would cost a copy per deeper stuck
  // point; replaying the recorded successor choices costs one pass, once.
  State s = model_.initial();
  std::vector<State> next;
  for (std::size_t k = 0; k < best_order_.size(); ++k) {
    next.clear();
    model_.step(s, h_[ops_[best_order_[k]]], next);
    s = next.at(best_successor_[k]);
    out.states.push_back(s);
  }
  // The window: every operation left unlinearised that was invoked before the
  // stuck one returned, plus the linearised ones that overlap them in time.
  std::vector<bool> lifted(ops_.size(), false);
  for (std::uint32_t i : best_order_) lifted[i] = true;
  const std::uint64_t end = h_[out.stuck].ret;
  std::uint64_t begin = end;
  for (std::uint32_t i = 0; i < ops_.size(); ++i)
    if (!lifted[i] && h_[ops_[i]].invoke < end) begin = std::min(begin, h_[ops_[i]].invoke);
  for (std::uint32_t i = 0; i < ops_.size(); ++i) {
    const Operation& op = h_[ops_[i]];
    const bool overlaps = op.invoke <= end && (op.pending || op.ret >= begin);
    if (overlaps) out.window.push_back(ops_[i]);
  }
  out.window_begin = begin;
  out.window_end = end;
  return out;
}

std::vector<std::vector<std::size_t>> partitions(const History& h, const Model& model, bool use_keys) {
  std::vector<std::size_t> all(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) all[i] = i;
  if (!use_keys) return {all};
  std::map<std::uint64_t, std::vector<std::size_t>> by_key;
  for (std::size_t i = 0; i < h.size(); ++i) {
    auto key = model.partition_key(h[i]);
    if (!key) return {all};
    by_key[*key].push_back(i);
  }
  std::vector<std::vector<std::size_t>> out;
  for (auto& [key, ops] : by_key) out.push_back(std::move(ops));
  return out;
}

Failure refuted(const History& h, const Refutation& r) {
  Failure out;
  out.pattern = r.pattern + ": " + r.explanation;
  out.refutation = r;
  out.partition_size = h.size();
  out.window = r.ops;
  out.stuck = r.ops.empty() ? 0 : r.ops.front();
  out.window_begin = std::numeric_limits<std::uint64_t>::max();
  for (std::size_t i : r.ops) {
    out.window_begin = std::min(out.window_begin, h[i].invoke);
    out.window_end = std::max(out.window_end, h[i].pending ? h[i].invoke : h[i].ret);
  }
  if (r.ops.empty()) out.window_begin = 0;
  return out;
}

}  // namespace

LinearizabilityResult check_linearizable(const History& history, const Model& model, const CheckOptions& options) {
  LinearizabilityResult result;
  for (const Operation& op : history)
    if (!op.pending && op.ret < op.invoke)
      throw std::invalid_argument("history: operation of actor " + std::to_string(op.actor) + " returns (t=" +
                                  std::to_string(op.ret) + ") before its invoke (t=" + std::to_string(op.invoke) + ")");
  if (options.patterns)
    if (auto refutation = model.refute(history)) {
      result.verdict = Verdict::not_linearizable;
      result.failure = refuted(history, *refutation);
      result.report = format_failure(history, model, *result.failure);
      return result;
    }
  const auto filter = options.prune ? model.step_filter(history) : nullptr;
  const auto parts = partitions(history, model, options.partition);
  result.partitions = parts.size();
  std::vector<std::uint64_t> rank(history.size());
  for (std::size_t i = 0; i < history.size(); ++i) rank[i] = history[i].invoke;
  model.rank(history, rank);
  for (const auto& ops : parts) {
    Search search(history, ops, model, rank, filter.get(), options.max_configurations);
    const Verdict v = search.run();
    result.configurations += search.configurations();
    if (v == Verdict::linearizable) continue;
    result.verdict = v;
    if (v == Verdict::not_linearizable) {
      result.failure = search.failure();
      // Pruning stops at the first step it can prove hopeless, which can be
      // far from where the history visibly goes wrong: an unpruned search, if
      // it finishes within a small budget, shows the deeper, clearer window.
      if (filter) {
        Search plain(history, ops, model, rank, nullptr, std::min<std::size_t>(options.max_configurations, kReportBudget));
        if (plain.run() == Verdict::not_linearizable) result.failure = plain.failure();
      }
      if (parts.size() > 1) result.failure->partition_key = model.partition_key(history[ops.front()]);
      result.report = format_failure(history, model, *result.failure);
    } else {
      result.report = std::string("linearizability: ") + to_string(v) + " after " +
                      std::to_string(search.configurations()) + " configurations in a partition of " +
                      std::to_string(ops.size()) + " operations (model " + model.name() + ")\n";
    }
    return result;
  }
  return result;
}

}  // namespace shmc::check
