#include "shmconform/runtime/futex.hpp"

#include <cerrno>
#include <climits>
#include <ctime>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace shmc::futex {

namespace {
static_assert(std::chrono::steady_clock::is_steady);

std::uint32_t* address(const std::atomic<std::uint32_t>& word) {
  // The kernel compares and queues on the word's address; it never writes it.
  return reinterpret_cast<std::uint32_t*>(const_cast<std::atomic<std::uint32_t>*>(&word));
}
}  // namespace

Wait wait_until(const std::atomic<std::uint32_t>& word, std::uint32_t expected,
                std::chrono::steady_clock::time_point deadline) {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  if (ns <= 0 || std::chrono::steady_clock::now() >= deadline) return Wait::timed_out;
  struct ::timespec abs {};
  abs.tv_sec = static_cast<time_t>(ns / 1'000'000'000LL);
  abs.tv_nsec = static_cast<long>(ns % 1'000'000'000LL);
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline (steady_clock's).
  const long rc = ::syscall(SYS_futex, address(word), FUTEX_WAIT_BITSET, expected, &abs, nullptr, FUTEX_BITSET_MATCH_ANY);
  if (rc == 0) return Wait::woken;
  if (errno == EAGAIN) return Wait::changed;
  if (errno == ETIMEDOUT) return Wait::timed_out;
  return Wait::interrupted;
}

void wake_all(const std::atomic<std::uint32_t>& word) {
  ::syscall(SYS_futex, address(word), FUTEX_WAKE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace shmc::futex
