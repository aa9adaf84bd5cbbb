#include "shmconform/check/delivery.hpp"

#include <algorithm>
#include <unordered_map>

#include "harness/check/fingerprint_set.hpp"
#include "shmconform/check/format.hpp"
#include "shmconform/check/queue_model.hpp"

namespace shmc::check::delivery {

std::uint64_t checksum(std::uint32_t producer, std::uint32_t seq) {
  return splitmix64((std::uint64_t{producer} << 32 | seq) ^ 0x5eed5eed5eed5eedULL);
}
Item make_item(std::uint32_t producer, std::uint32_t seq) { return {producer, seq, checksum(producer, seq)}; }

std::array<std::uint64_t, 2> encode(const Item& item) {
  return {std::uint64_t{1} << 63 | std::uint64_t{item.producer & 0x7fffffffu} << 32 | item.seq, item.checksum};
}
bool is_item(std::uint64_t word0) { return (word0 >> 63) != 0; }
Item decode(std::uint64_t w0, std::uint64_t w1) {
  return {static_cast<std::uint32_t>((w0 >> 32) & 0x7fffffffu), static_cast<std::uint32_t>(w0 & 0xffffffffu), w1};
}

std::string Report::text() const {
  std::string out = ok() ? "delivery ok" : "DELIVERY FAILED (" + std::to_string(problem_count) + " problems)";
  out += ": pushes acked " + std::to_string(pushes_acked) + ", full " + std::to_string(pushes_full) + ", pending " +
         std::to_string(pushes_pending) + "; delivered " + std::to_string(delivered) + ", pops pending " +
         std::to_string(pops_pending) + ", missing " + std::to_string(missing) + "\n";
  for (const auto& p : problems) out += "  " + p + "\n";
  if (problems.size() < problem_count) out += "  ... " + std::to_string(problem_count - problems.size()) + " more\n";
  return out;
}

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

struct Pushed {
  std::size_t push = kNone;  // operation index
  std::size_t pop = kNone;   // first pop that delivered it
  bool remaining = false;
  std::uint32_t deliveries = 0;
};

std::string name(const Item& it) { return format_pair(encode(it)[0], 1); }

}  // namespace

Report check_delivery(const History& h, const Options& options) {
  Report r;
  auto problem = [&](std::size_t& category, std::string text) {
    if (r.problems.size() < options.max_problems) r.problems.push_back(std::move(text));
    ++r.problem_count;
    ++category;
  };
  std::unordered_map<std::uint64_t, Pushed> pushed;
  pushed.reserve(h.size());
  std::unordered_map<std::uint32_t, std::vector<std::size_t>> by_producer;  // push ops, history order

  for (std::size_t i = 0; i < h.size(); ++i) {
    const Operation& op = h[i];
    if (op.code != queue::kPush) continue;
    if (!is_item(op.arg[0])) {
      problem(r.malformed, "push by actor " + std::to_string(op.actor) + " of an untagged word " + format_word(op.arg[0]) +
              " (test bug: encode items with delivery::encode)");
      continue;
    }
    Pushed& p = pushed[op.arg[0]];
    if (p.push != kNone) {
      problem(r.malformed, "item " + name(decode(op.arg[0], op.arg[1])) + " pushed twice (test bug: sequence numbers must be unique)");
      continue;
    }
    p.push = i;
    if (op.pending) ++r.pushes_pending;
    else if (op.status == queue::kOk) ++r.pushes_acked;
    else ++r.pushes_full;
    by_producer[decode(op.arg[0], op.arg[1]).producer].push_back(i);
  }

  auto deliver = [&](std::uint64_t w0, std::uint64_t w1, std::size_t pop, const std::string& where) {
    ++r.delivered;
    const Item it = decode(w0, w1);
    if (!is_item(w0)) {
      problem(r.corrupted, "corruption: " + where + " delivered " + format_word(w0) + "/" + format_word(w1) + ", not an item");
      return;
    }
    auto found = pushed.find(w0);
    if (found == pushed.end() || found->second.push == kNone) {
      problem(r.corrupted, "corruption: " + where + " delivered " + name(it) + ", which nobody pushed");
      return;
    }
    Pushed& p = found->second;
    const Operation& push = h[p.push];
    if (push.arg[1] != w1)
      problem(r.corrupted, "corruption: " + where + " delivered " + name(it) + " with checksum " + format_word(w1) +
              ", pushed with " + format_word(push.arg[1]));
    if (!push.pending && push.status != queue::kOk)
      problem(r.corrupted, "phantom: " + where + " delivered " + name(it) + ", whose push reported full");
    if (++p.deliveries == 2) problem(r.duplicated, "duplicate: " + name(it) + " delivered more than once (again by " + where + ")");
    if (pop != kNone && p.pop == kNone) p.pop = pop;
    if (pop == kNone) p.remaining = true;
  };

  for (std::size_t i = 0; i < h.size(); ++i) {
    const Operation& op = h[i];
    if (op.code != queue::kPop) continue;
    if (op.pending) {
      ++r.pops_pending;
      continue;
    }
    if (op.status == queue::kOk)
      deliver(op.value[0], op.value[1], i, "pop by actor " + std::to_string(op.actor) + " at t=" + std::to_string(op.ret));
  }
  for (const Item& it : options.remaining) {
    const auto w = encode(it);
    deliver(w[0], w[1], kNone, "the queue at the end");
  }

  for (const auto& [w0, p] : pushed) {
    const Operation& push = h[p.push];
    if (!push.pending && push.status == queue::kOk && p.deliveries == 0) {
      ++r.missing;
      if (r.missing > r.pops_pending) {
        problem(r.lost, "loss: " + name(decode(w0, push.arg[1])) + " (push acknowledged at t=" + std::to_string(push.ret) +
                ") was never delivered and is not in the queue");
      }
    }
  }

  for (auto& [producer, pushes] : by_producer) {
    std::stable_sort(pushes.begin(), pushes.end(), [&](std::size_t x, std::size_t y) { return h[x].invoke < h[y].invoke; });
    std::uint64_t latest_earlier_pop_invoke = 0;
    std::size_t latest_earlier_pop = kNone;
    std::size_t left_behind = kNone;  // an earlier item still in the queue
    for (std::size_t i : pushes) {
      const Pushed& p = pushed[h[i].arg[0]];
      const Item it = decode(h[i].arg[0], h[i].arg[1]);
      if (p.pop != kNone) {
        const Operation& pop = h[p.pop];
        if (latest_earlier_pop != kNone && pop.ret < latest_earlier_pop_invoke) {
          const Operation& other = h[latest_earlier_pop];
          problem(r.misordered, "FIFO: " + name(it) + " popped by actor " + std::to_string(pop.actor) + " returned at t=" +
                  std::to_string(pop.ret) + ", before the pop of earlier " +
                  name(decode(other.value[0], other.value[1])) + " by actor " + std::to_string(other.actor) +
                  " was invoked at t=" + std::to_string(other.invoke));
        }
        if (left_behind != kNone)
          problem(r.misordered, "FIFO: " + name(it) + " was popped while earlier " +
                  name(decode(h[left_behind].arg[0], h[left_behind].arg[1])) + " stayed in the queue");
        if (pop.invoke >= latest_earlier_pop_invoke || latest_earlier_pop == kNone) {
          latest_earlier_pop_invoke = std::max(latest_earlier_pop_invoke, pop.invoke);
          latest_earlier_pop = p.pop;
        }
      } else if (p.remaining && left_behind == kNone) {
        left_behind = i;
      }
    }
  }
  return r;
}

}  // namespace shmc::check::delivery
