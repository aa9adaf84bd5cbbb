// main() of every test binary.
//
// - Initialises libfiu (fault-injection builds): actors arm crash points after fork.
// - Sweeps leftovers of earlier runs whose process is dead (a test binary
//   killed by a ctest timeout cannot clean up after itself; the next run does).
// - The leak guard: after each test, anything of this run still in /dev/shm
//   fails that test and is removed. ctest runs each test in its own process,
//   so a leak is pinned on the test that made it.
#include <gtest/gtest.h>

#include <cstdio>
#include <string_view>
#include <vector>

#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/test_registrars.hpp"
#include "shmconform/campaign/campaign.hpp"

#if defined(SHMC_FAULT_INJECTION)
#include <fiu.h>
#endif

namespace {

using namespace shmc::harness;

class LeakGuardListener : public ::testing::EmptyTestEventListener {
  void OnTestEnd(const ::testing::TestInfo& info) override {
    auto left = leftovers_with_prefix(run_prefix());
    if (left.empty()) return;
    auto not_removed = remove_entries(left);
    ADD_FAILURE() << "leak guard: " << info.test_suite_name() << "." << info.name()
                  << " left in /dev/shm: " << join(left)
                  << (not_removed.empty() ? " (removed)" : " (could not remove: " + join(not_removed) + ")");
  }
};

void sweep_dead_runs() {
  std::vector<std::string> dead;
  for (const auto& entry : leftovers_with_prefix(std::string{kNamePrefix} + "r")) {
    auto run = run_of_entry(entry);
    if (run && shmc::liveness(*run) == shmc::Liveness::dead) dead.push_back(entry);
  }
  if (dead.empty()) return;
  remove_entries(dead);
  std::fprintf(stderr, "shmconform: removed %zu leftover(s) of dead test runs from /dev/shm\n", dead.size());
}

std::vector<void (*)()>& registrars() {
  static std::vector<void (*)()> r;  // function-local: filled from other translation units' static initialisers
  return r;
}

}  // namespace

void shmc::harness::add_test_registrar(void (*registrar)()) { registrars().push_back(registrar); }

int main(int argc, char** argv) {
#if defined(SHMC_FAULT_INJECTION)
  fiu_init(0);
#endif
  // A test binary is also its subjects' command line: the replay line a failing trial prints
  // (`<test> replay SUBJECT ...`), and whole campaigns (`<test> campaign SUBJECT ...`).
  if (argc >= 2 && std::string_view(argv[1]) == "replay") return shmc::campaign::replay_main(argc - 1, argv + 1);
  if (argc >= 2 && std::string_view(argv[1]) == "campaign") return shmc::campaign::campaign_main(argc - 1, argv + 1);
  ::testing::InitGoogleTest(&argc, argv);
  for (auto* registrar : registrars()) registrar();
  sweep_dead_runs();
  ::testing::UnitTest::GetInstance()->listeners().Append(new LeakGuardListener);
  int rc = RUN_ALL_TESTS();
  auto left = leftovers_with_prefix(run_prefix());
  if (!left.empty()) {
    remove_entries(left);
    std::fprintf(stderr, "leak guard: left in /dev/shm after all tests: %s\n", join(left).c_str());
    rc = 1;
  }
  return rc;
}
