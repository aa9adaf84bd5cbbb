// A correct sequential bounded queue of one-word items, the reference that
// simulated queue histories (simulate.hpp) are run against in checker tests.
#pragma once

#include <cstddef>
#include <deque>

#include "shmconform/check/queue_model.hpp"

namespace shmc::check::testing {

struct ReferenceQueue {
  std::size_t capacity = 0;  // 0: unbounded
  std::deque<std::uint64_t> items{};

  // Sets op's status and value as a correct queue would.
  void apply(Operation& op) {
    if (op.code == queue::kPush) {
      op.status = capacity == 0 || items.size() < capacity ? queue::kOk : queue::kFull;
      if (op.status == queue::kOk) items.push_back(op.arg[0]);
    } else if (items.empty()) {
      op.status = queue::kEmpty;
    } else {
      op.status = queue::kOk;
      op.value = {items.front(), 0};
      items.pop_front();
    }
  }
};

}  // namespace shmc::check::testing
