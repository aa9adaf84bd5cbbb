#include "shmconform/harness/poll_until.hpp"

#include <algorithm>
#include <thread>

namespace shmc::harness {

bool poll_until(const std::function<bool()>& pred, std::chrono::steady_clock::time_point deadline) {
  for (int attempt = 0;; ++attempt) {
    if (pred()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (attempt < 32) std::this_thread::yield();
    else std::this_thread::sleep_for(std::chrono::microseconds(std::min(20 << std::min(attempt - 32, 8), 2000)));
  }
}

}  // namespace shmc::harness
