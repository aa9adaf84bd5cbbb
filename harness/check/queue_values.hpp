// What a queue history says about each item, when items are unique.
//
// Fixtures push distinct items (delivery.hpp), and then a queue history has
// much more structure than a generic one: each item has one push that may
// have put it in the queue (ok, or pending) and at most one completed pop that
// took it out. The pattern pre-check (queue_patterns.hpp) and the search's
// pruning (queue_filter.hpp) both stand on this index.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "shmconform/check/operation.hpp"

namespace shmc::check::queue {

inline constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
inline constexpr std::uint64_t kNever = std::numeric_limits<std::uint64_t>::max();

struct ValueIndex {
  std::vector<std::size_t> item_of;  // per operation: its item (push argument, returned item), or kNone
  std::vector<std::size_t> push_of;  // per item: the push that may have enqueued it (ok or pending)
  std::vector<std::size_t> pop_of;   // per item: the completed pop that returned it, or kNone
  std::vector<std::uint64_t> pending_pop_invokes;  // sorted: a pending pop may take any item after its invoke
  std::size_t items() const { return push_of.size(); }
  // The first time a pop that could be the one removing `item` is invoked.
  std::uint64_t earliest_removal(const History& h, std::size_t item) const;
  // Some pending pop could be linearised before an operation returning at t
  // (equal times count as concurrent, as in the search).
  bool pending_pop_by(std::uint64_t t) const {
    return !pending_pop_invokes.empty() && pending_pop_invokes.front() <= t;
  }
};

// nullopt unless items are unique: no item enqueued by two pushes (ok or
// pending; a push that reported full enqueued nothing), none returned by two
// completed pops, none returned that no push could have enqueued.
std::optional<ValueIndex> index_unique_values(const History& history);

}  // namespace shmc::check::queue
