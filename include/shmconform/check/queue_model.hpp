// Sequential bounded FIFO queue. An item is two words (arg / value [0] and [1]),
// so a delivery item (producer, seq, checksum) fits: see delivery.hpp.
//   push(item) -> ok | full        pop() -> ok(item) | empty
#pragma once

#include <cstddef>

#include "shmconform/check/model.hpp"

namespace shmc::check::queue {

enum Code : std::uint32_t { kPush = 1, kPop = 2 };
enum Status : std::uint32_t { kOk = 0, kFull = 1, kEmpty = 2 };

struct Options {
  std::size_t capacity = 0;   // 0: unbounded, push never reports full
  // Strict: full only when size == capacity, empty only when size == 0. Some
  // correct bounded queues (Vyukov's) may report full/empty spuriously while a
  // peer is mid-operation; lenient lets full/empty be a no-op at any time.
  bool strict_full = true;
  bool strict_empty = true;
};

class Model final : public check::Model {
 public:
  explicit Model(Options options = {}) : options_(options) {}
  std::string name() const override { return "fifo-queue"; }
  State initial() const override { return {}; }
  void step(const State& state, const Operation& op, std::vector<State>& next) const override;
  // Pushes are tried in the order their items were popped: concurrent pushes
  // otherwise get linearised in the wrong order and the mistake only shows
  // when the items come out, a whole queue length later.
  void rank(const History& history, std::vector<std::uint64_t>& rank) const override;
  // Bad patterns of queue histories (queue_patterns.hpp) and, when items are
  // unique, pruning by the order items must leave in (queue_filter.hpp).
  std::optional<Refutation> refute(const History& history) const override;
  std::unique_ptr<StepFilter> step_filter(const History& history) const override;
  std::string describe_call(const Operation& op) const override;
  std::string describe_result(const Operation& op) const override;
  std::string describe_state(const State& state) const override;

 private:
  Options options_;
};

}  // namespace shmc::check::queue
