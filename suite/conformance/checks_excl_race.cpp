// O_CREAT|O_EXCL raced by many processes over many names: the check for
// existence and the creation are one atomic step, so each name has exactly one
// creator and every other racer gets EEXIST.
#include <atomic>
#include <cerrno>
#include <fcntl.h>
#include <stdexcept>
#include <string>
#include <deque>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "multi-process";
constexpr int kRacers = 6;
constexpr int kNames = 24;

struct RaceBoard {
  std::atomic<std::uint32_t> ready;
  std::atomic<std::uint32_t> go;
  std::atomic<std::uint32_t> creators[kNames];
  std::atomic<std::int32_t> odd_errno;  // first errno other than EEXIST, 0 if none
};

// Each racer tries to create every name (in its own order, so racers collide
// on different names at different times); `create` returns 0, or an errno.
template <typename Name>
Outcome race(const std::deque<Name>& names, const std::function<int(const char*)>& create) {
  harness::SharedArray<RaceBoard> board(1);
  RaceBoard& b = board[0];
  harness::Actors actors(harness::ActorMode::processes);
  for (int r = 0; r < kRacers; ++r) {
    actors.add("racer-" + std::to_string(r), [&, r](harness::ActorContext& ctx) {
      b.ready.fetch_add(1);
      ctx.doing("waiting for the start");
      expect(wait_flag(b.go, 1, milliseconds(3000)), "no start signal");
      for (int k = 0; k < kNames; ++k) {
        const int i = (k * (r + 1) + r) % kNames;  // r+1 and 24 share factors: repeats are fine, collisions wanted
        const int e = create(names[static_cast<std::size_t>(i)].c_str());
        if (e == 0) b.creators[i].fetch_add(1);
        else if (e != EEXIST) {
          std::int32_t none = 0;
          b.odd_errno.compare_exchange_strong(none, e);
        }
      }
      return 0;
    });
  }
  actors.add("starter", [&](harness::ActorContext&) {
    expect(wait_until([&] { return b.ready.load() == kRacers; }, milliseconds(3000)), "racers did not start");
    b.go.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(6000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  if (int e = b.odd_errno.load(); e != 0) return fail("a losing racer got " + errno_text(e) + " instead of EEXIST");
  int uncreated = 0;
  for (int i = 0; i < kNames; ++i) {
    const auto n = b.creators[i].load();
    if (n > 1) return fail(std::to_string(n) + " processes all created " + names[static_cast<std::size_t>(i)].str());
    if (n == 0) ++uncreated;
  }
  // Racer 0 visits every name, so each was attempted at least once.
  if (uncreated > 0) return fail(std::to_string(uncreated) + " names were created by nobody");
  return pass(std::to_string(kRacers) + " processes x " + std::to_string(kNames) + " names: one creator each");
}

SHMC_CHECK("mp.shm_open.excl_race", kSection,
           "shm_open(O_CREAT|O_EXCL) raced by 6 processes over 24 names: exactly one creator per name, the rest EEXIST",
           "shm_open/23 shm_open/22", "XSH shm_open DESCRIPTION (O_EXCL)") {
  std::deque<ShmName> names;
  for (int i = 0; i < kNames; ++i) names.emplace_back(harness::unique_name("race-" + std::to_string(i)));
  return race(names, [](const char* name) {
    const int fd = sys::shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) return errno;
    (void)sys::close(fd);
    return 0;
  });
}

SHMC_CHECK("mp.sem_open.excl_race", kSection,
           "sem_open(O_CREAT|O_EXCL) raced by 6 processes over 24 names: exactly one creator per name, the rest EEXIST",
           "sem_open/2 sem_open/4", "XSH sem_open DESCRIPTION (O_EXCL)") {
  std::deque<SemName> names;
  for (int i = 0; i < kNames; ++i) names.emplace_back(harness::unique_name("semrace-" + std::to_string(i)));
  return race(names, [](const char* name) {
    sem_t* s = sys::sem_open(name, O_CREAT | O_EXCL, 0600, 0);
    if (s == SEM_FAILED) return errno;
    (void)sys::sem_close(s);
    return 0;
  });
}

}  // namespace
}  // namespace shmc::conformance
