#include "shmconform/check/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "shmconform/check/format.hpp"

namespace shmc::check {
namespace {

std::string row(const Operation& op, const Model& model, const char* mark) {
  char times[64];
  if (op.pending)
    std::snprintf(times, sizeof times, "[%8llu,  pending]", static_cast<unsigned long long>(op.invoke));
  else
    std::snprintf(times, sizeof times, "[%8llu, %8llu]", static_cast<unsigned long long>(op.invoke),
                  static_cast<unsigned long long>(op.ret));
  std::string call = model.describe_call(op);
  if (call.size() < 28) call.resize(28, ' ');
  return std::string("  ") + mark + " " + times + "  " + call + "  " + model.describe_result(op) + "\n";
}

std::string table(const History& h, const Model& model, std::vector<std::size_t> which, std::size_t max_per_actor,
                  std::size_t highlight) {
  std::stable_sort(which.begin(), which.end(), [&](std::size_t x, std::size_t y) {
    if (h[x].actor != h[y].actor) return h[x].actor < h[y].actor;
    return h[x].invoke < h[y].invoke;
  });
  std::map<int, std::vector<std::size_t>> by_actor;
  for (std::size_t i : which) by_actor[h[i].actor].push_back(i);
  std::string out;
  for (const auto& [actor, ops] : by_actor) {
    out += "actor " + std::to_string(actor) + ":\n";
    std::size_t first = ops.size() > max_per_actor ? ops.size() - max_per_actor : 0;
    if (first > 0) out += "  ... " + std::to_string(first) + " earlier operations\n";
    for (std::size_t k = first; k < ops.size(); ++k) out += row(h[ops[k]], model, ops[k] == highlight ? ">" : " ");
  }
  return out;
}

}  // namespace

std::string format_table(const History& history, const Model& model, const std::vector<std::size_t>& which) {
  return table(history, model, which, which.size() + 1, history.size());
}

std::string format_history(const History& history, const Model& model, std::size_t max_per_actor) {
  std::vector<std::size_t> all(history.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  return table(history, model, all, max_per_actor, history.size());
}

std::string format_failure(const History& h, const Model& model, const Failure& f) {
  if (!f.pattern.empty()) {
    std::string out = "NOT LINEARIZABLE (model " + model.name() + "), found by the pre-check without searching, " +
                      std::to_string(f.partition_size) + " operations\n";
    out += f.pattern + "\n";
    out += "the operations that form it, t=[" + std::to_string(f.window_begin) + ", " + std::to_string(f.window_end) +
           "] (> marks the first):\n";
    return out + table(h, model, f.window, f.window.size() + 1, f.stuck);
  }
  const Operation& stuck = h[f.stuck];
  std::string out = "NOT LINEARIZABLE (model " + model.name() + ")";
  if (f.partition_key) out += " in the partition of key " + format_word(*f.partition_key);
  out += ", " + std::to_string(f.partition_size) + " operations checked\n";
  out += "no linearisation reaches the return of actor " + std::to_string(stuck.actor) + "'s " +
         model.describe_call(stuck) + " -> " + model.describe_result(stuck) + " at t=" + std::to_string(stuck.ret) +
         "\n";
  out += "deepest linearisation: " + std::to_string(f.linearised.size()) + " operations, model state there: " +
         model.describe_state(f.state) + "\n";
  std::vector<std::size_t> tail;
  for (std::size_t k = f.linearised.size() > 8 ? f.linearised.size() - 8 : 0; k < f.linearised.size(); ++k)
    tail.push_back(f.linearised[k]);
  if (!tail.empty()) {
    out += "its last steps:";
    for (std::size_t i : tail)
      out += " a" + std::to_string(h[i].actor) + ":" + model.describe_call(h[i]) + "->" + model.describe_result(h[i]) + ";";
    out += "\n";
  }
  out += "window that cannot be linearised, t=[" + std::to_string(f.window_begin) + ", " +
         std::to_string(f.window_end) + "] (" + std::to_string(f.window.size()) + " operations, > marks the stuck one):\n";
  out += table(h, model, f.window, f.window.size() + 1, f.stuck);
  return out;
}

}  // namespace shmc::check
