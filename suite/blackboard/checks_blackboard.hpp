// The blackboard's row in `shmconform report` (checks_blackboard.cpp), a
// function of the reader's load order so blackboard_rows_can_fail_test can run
// it with the planted reader and require FAIL.
#pragma once

#include "fixtures/blackboard/blackboard.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::blackboard::rows {

// PASS: subscribers reading with `Order` while a publisher publishes, then while a second publisher is
// SIGKILLed half-way through an update (odd sequence): no read is torn or older than the one before;
// within a bound each subscriber gets the last complete value with status writer_died; the next
// publisher takes the channel over and repairs it. Planted: ReadOrder::recheck_before_copy.
template <ReadOrder Order>
conformance::Outcome killed_publisher_leaves_last_complete_value();

}  // namespace shmc::blackboard::rows
