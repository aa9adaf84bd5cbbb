// The double buffers' rows in `shmconform report` (checks_double_buffer.cpp),
// each a function of the design so the same row can be run on the other one:
// a PASS row of the seqlocked design must FAIL on the seed's, and a FINDING
// row about the seed's design must FAIL on the seqlocked one
// (double_buffer_rows_can_fail_test.cpp).
#pragma once

#include "fixtures/double_buffer/double_buffer.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::double_buffer::rows {

// PASS: a read whose copy spans two writes (the second frozen before it completes) returns the last
// complete value, whole.
template <class Buffer>
conformance::Outcome two_writes_inside_one_read();
// PASS: a writer killed half-way through its copy, during a read and before later reads, never
// exposes a torn buffer; readers keep the last complete value and a new writer takes over.
template <class Buffer>
conformance::Outcome writer_killed_mid_copy();
// FINDING: the same schedule as two_writes_inside_one_read returns a torn buffer.
template <class Buffer>
conformance::Outcome torn_read_finding();
// FINDING: one write, then a read that can never complete.
template <class Buffer>
conformance::Outcome read_never_completes_finding();

}  // namespace shmc::double_buffer::rows
