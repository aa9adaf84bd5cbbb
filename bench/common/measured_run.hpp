// One benchmark iteration as processes: "measured" actors each do a fixed
// amount of work, "background" actors (a publisher, a writer, a monitor that
// keeps scanning) load the structure until every measured actor has finished.
// The time is taken inside the measured actors, from the earliest start of a
// measured body to the latest end, on CLOCK_MONOTONIC (one clock for every
// process): fork, exit and reaping are outside it, for every contender alike.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"

namespace shmc::bench {

// What a background body asks on every loop turn. Cheap: one relaxed load, and the clock only
// every 1024 turns (a background actor whose measured peers hang still ends at the run's deadline).
class KeepGoing {
 public:
  KeepGoing(const std::atomic<std::uint32_t>& finished, std::uint32_t measured,
            std::chrono::steady_clock::time_point deadline)
      : finished_(&finished), measured_(measured), deadline_(deadline) {}
  bool operator()() {
    if (finished_->load(std::memory_order_relaxed) >= measured_) return false;
    return (++turns_ & 1023) != 0 || std::chrono::steady_clock::now() < deadline_;
  }

 private:
  const std::atomic<std::uint32_t>* finished_;
  std::uint32_t measured_;
  std::chrono::steady_clock::time_point deadline_;
  std::uint32_t turns_ = 0;
};

class MeasuredRun {
 public:
  // Bodies run in forked children; they return 0 or non-zero, or throw (then the iteration fails).
  void measured(std::string name, std::function<int()> body);
  void background(std::string name, std::function<int(KeepGoing&)> body);
  // An actor whose body(more) loops while more(i) (i = 0, 1, ...): measured, for `turns` turns; in
  // the background, until the measured actors have finished.
  template <class Loop>
  void loop(std::string name, bool is_measured, std::uint64_t turns, Loop body) {
    if (is_measured)
      measured(std::move(name), [body, turns]() mutable { return body([turns](std::uint64_t i) { return i < turns; }); });
    else
      background(std::move(name), [body](KeepGoing& keep_going) mutable {
        return body([&keep_going](std::uint64_t) { return keep_going(); });
      });
  }
  // Runs every actor once; returns the measured span in seconds. Throws std::runtime_error with
  // the actors' outcomes when any actor failed.
  double run(std::chrono::milliseconds timeout);

 private:
  struct Entry {
    std::string name;
    std::function<int()> measured;
    std::function<int(KeepGoing&)> background;
  };
  std::vector<Entry> entries_;
};

}  // namespace shmc::bench
