// Pruning of the linearizability search for queue histories with unique items
// (queue_values.hpp). Each rule rejects a step only when the whole history
// can no longer be linearised after it, so verdicts do not change:
//   a pending pop may not take an item that a completed pop returns;
//   a push of x may not go behind an item y whose pop must come after x's
//     (x's pop returns before y's is invoked, or y is taken by no completed
//     pop and no pending pop could take it first);
//   a push of x may not go before an item whose completed pop returns before
//     x's pop is invoked (that item's push must come first);
//   strict empty: a push of x may not go before an empty pop that must end
//     before any pop could remove x.
#pragma once

#include <memory>

#include "shmconform/check/model.hpp"
#include "shmconform/check/queue_model.hpp"

namespace shmc::check::queue {

// nullptr when items are not unique.
std::unique_ptr<StepFilter> make_unique_item_filter(const History& history, const Options& options);

}  // namespace shmc::check::queue
