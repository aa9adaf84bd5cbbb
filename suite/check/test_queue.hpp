// A small bounded queue in anonymous shared memory for checker tests only,
// with planted bugs the checkers must catch. A spinlock (with a deadline,
// never an unbounded spin) keeps the correct variant trivially right.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <sched.h>

#include "shmconform/harness/actors.hpp"

namespace shmc::check::testing {

enum class Bug {
  none,
  skip_item,  // every 4th pop that sees two or more items skips (loses) the front one
  pop_twice,  // every 4th pop forgets to advance the head: the item comes out again
};

struct TestQueue {
  static constexpr std::uint64_t kCapacity = 8;
  std::atomic<std::uint32_t> lock;
  std::uint32_t bug;  // Bug, set before the actors start
  std::atomic<std::uint64_t> bug_fired;
  std::uint64_t head, tail, crowded_pops;
  std::uint64_t slot[kCapacity][2];

  void acquire(std::chrono::steady_clock::time_point deadline) {
    while (lock.exchange(1, std::memory_order_acquire) != 0) {
      if (std::chrono::steady_clock::now() > deadline) throw harness::ActorCheckFailed("test queue: lock wait timed out");
      sched_yield();
    }
  }
  void release() { lock.store(0, std::memory_order_release); }

  bool push(std::uint64_t w0, std::uint64_t w1, std::chrono::steady_clock::time_point deadline) {
    acquire(deadline);
    const bool room = tail - head < kCapacity;
    if (room) {
      slot[tail % kCapacity][0] = w0;
      slot[tail % kCapacity][1] = w1;
      ++tail;
    }
    release();
    return room;
  }

  std::optional<std::array<std::uint64_t, 2>> pop(std::chrono::steady_clock::time_point deadline) {
    acquire(deadline);
    std::optional<std::array<std::uint64_t, 2>> out;
    if (tail != head) {
      std::uint64_t at = head;
      std::uint64_t advance = 1;
      if (tail - head >= 2 && ++crowded_pops % 4 == 0 && bug != 0) {
        bug_fired.fetch_add(1);
        if (static_cast<Bug>(bug) == Bug::skip_item) ++at, advance = 2;
        if (static_cast<Bug>(bug) == Bug::pop_twice) advance = 0;
      }
      out = std::array<std::uint64_t, 2>{slot[at % kCapacity][0], slot[at % kCapacity][1]};
      head += advance;
    }
    release();
    return out;
  }
};

}  // namespace shmc::check::testing
