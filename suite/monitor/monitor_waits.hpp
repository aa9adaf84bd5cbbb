// The waits the monitor's report rows are made of (checks_monitor.cpp and
// checks_monitor_stores.cpp): a waiter in pthread_cond_timedwait for a
// predicate, and a peer that knows when that waiter is inside its wait.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "fixtures/monitor/monitor.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::monitor::rows {

std::int64_t now_us();  // CLOCK_MONOTONIC, microseconds

struct WaitEnd {
  int rc = -1;                // what the last pthread_cond_timedwait returned (0: the predicate was seen)
  std::int64_t started_us = 0;
  std::int64_t woke_us = 0;   // when the wait returned
};
// Takes the mutex, raises `waiting`, then waits (timed, until `bound`) while `predicate` is 0. An owner-died
// mutex is made consistent; the mutex is released unless it is not recoverable. nullopt: no mutex within 2 s.
std::optional<WaitEnd> wait_for_predicate(const Monitor& m, std::atomic<std::uint64_t>& waiting,
                                          const std::atomic<std::uint64_t>& predicate, std::chrono::milliseconds bound);
// Once `waiting` is raised, takes the mutex: the waiter raised it holding the mutex, so getting the mutex
// means the waiter released it inside pthread_cond_wait. Returns holding the mutex; false if a bound ran out.
bool lock_once_waiting(const Monitor& m, const std::atomic<std::uint64_t>& waiting);

std::string rc_text(std::int64_t rc);  // "0", the errno's text, or "none" for -1
// UNSUPPORTED where dead owners are never detected (qemu-user), else PASS.
conformance::Outcome needs_robust_futexes();

}  // namespace shmc::monitor::rows
