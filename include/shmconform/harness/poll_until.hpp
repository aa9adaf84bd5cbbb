// Bounded polling: the one way tests and harness code wait for something
// another process does that has no kernel object to block on (a flag in
// shared memory, a process becoming a zombie, a lock being dropped).
//
// Yields first, then sleeps with a growing interval (at most 2 ms): the sleep
// is the polling interval, never the synchronisation; the predicate is.
#pragma once

#include <chrono>
#include <functional>

namespace shmc::harness {

// True as soon as pred() is; false if the deadline passes first.
bool poll_until(const std::function<bool()>& pred, std::chrono::steady_clock::time_point deadline);

inline bool poll_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  return poll_until(pred, std::chrono::steady_clock::now() + timeout);
}

}  // namespace shmc::harness
