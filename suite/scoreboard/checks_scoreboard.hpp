// The scoreboard's rows in `shmconform report` (checks_scoreboard.cpp), each
// a function of the variant it runs on, so scoreboard_rows_can_fail_test can
// run it on a planted one and require FAIL.
#pragma once

#include "fixtures/scoreboard/scoreboard.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::scoreboard::rows {

// PASS: a worker killed holding the only slot, its PID then worn by a live process: the next claim
// reclaims the slot. Planted: BarePidScoreboard (the live process is taken for the dead owner).
template <class Board>
conformance::Outcome dead_worker_reclaimed_after_pid_reuse();

// PASS: every slot held by a live worker in another process: a claim fails with a clear "board full"
// naming each owner, also while the owners' liveness cannot be read (unknown), and the workers keep
// their slots. Planted (`planted_unknown_is_dead`): unknown liveness taken for death.
conformance::Outcome live_workers_never_reclaimed(bool planted_unknown_is_dead);

}  // namespace shmc::scoreboard::rows
