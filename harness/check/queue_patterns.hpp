// Polynomial refutation of FIFO queue histories by their classic bad
// patterns (Henzinger, Sezgin, Vafeiadis, "Aspect-oriented linearizability
// proofs", CONCUR 2013; Bouajjani, Emmi, Enea, Hamza, ICALP 2015), extended
// to pending operations and to a bounded queue:
//   fresh     a pop returns an item no push could have enqueued before it returned
//   repeated  an item popped more often than it was pushed
//   order     a is enqueued before b is pushed, b is popped, and a certainly
//             is not popped before b (its pop starts after b's pop returned, or
//             no pop, pending or completed, can have taken it)
//   empty     a pop reports empty while an item is certainly in the queue
//             for its whole interval (strict empty)
//   full      a push reports full while the queue certainly holds fewer than
//             capacity items for its whole interval (strict full)
// fresh and repeated hold for any history; the others need unique items
// (queue_values.hpp) and are skipped otherwise. Finding none proves nothing:
// the search decides.
#pragma once

#include <optional>

#include "shmconform/check/model.hpp"
#include "shmconform/check/queue_model.hpp"

namespace shmc::check::queue {

std::optional<Refutation> find_bad_pattern(const History& history, const Options& options);

}  // namespace shmc::check::queue
