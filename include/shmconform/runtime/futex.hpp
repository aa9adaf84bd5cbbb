// Sleeping until another process (or thread) changes a 32-bit word: the
// process-shared futex, for waits whose condition is a word in memory both
// sides map (the harness's start gate and actor ends, a structure's "slot
// published"). The kernel keeps no state once nobody sleeps on the word, so a
// process that dies asleep or halfway through a wake leaves nothing behind; a
// wake that never comes costs its waiter at most its deadline.
//
//   while (flag.load() == 0)
//     if (futex::wait_until(flag, 0, deadline) == futex::Wait::timed_out) break;
//   ...                                  // elsewhere: flag.store(1); futex::wake_all(flag);
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace shmc::futex {

static_assert(std::atomic<std::uint32_t>::is_always_lock_free && sizeof(std::atomic<std::uint32_t>) == 4);

enum class Wait {
  woken,        // somebody woke the word (re-check the condition: a wake may be for another change)
  changed,      // the word no longer held `expected` when the kernel looked
  timed_out,    // the deadline passed
  interrupted,  // a signal, or an error (errno says which)
};

// Sleeps while `word` holds `expected`, until a wake or `deadline` (steady_clock,
// CLOCK_MONOTONIC underneath, so a clock step cannot stretch it). Not PRIVATE:
// the word may be in memory another process maps.
Wait wait_until(const std::atomic<std::uint32_t>& word, std::uint32_t expected,
                std::chrono::steady_clock::time_point deadline);

// Wakes every sleeper on `word`. Call after the store that changed it.
void wake_all(const std::atomic<std::uint32_t>& word);

}  // namespace shmc::futex
