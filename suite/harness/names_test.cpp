#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"

using namespace shmc::harness;

TEST(RunNames, EveryNameStartsWithThisRunsPrefixAndIsFresh) {
  std::string a = unique_name("ring"), b = unique_name("ring");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.rfind(run_prefix(), 0), 0u) << a;
  EXPECT_EQ(run_prefix().rfind("/shmconform-r", 0), 0u);
  EXPECT_NE(a.find("-ring"), std::string::npos);
}

TEST(RunNames, TheRunOfAnEntryIsThisProcess) {
  std::string name = unique_name("x");
  auto run = run_of_entry(name.substr(1));
  ASSERT_TRUE(run.has_value());
  EXPECT_EQ(run->tid, ::getpid());
  EXPECT_EQ(*run, shmc::identity_of(::getpid()));
  auto sem_run = run_of_entry("sem." + name.substr(1));
  ASSERT_TRUE(sem_run.has_value());
  EXPECT_EQ(*sem_run, *run);
  EXPECT_FALSE(run_of_entry("shmconform-notarun").has_value());
  EXPECT_FALSE(run_of_entry("other-r1t2-x").has_value());
}

TEST(LeakGuard, FindsAndRemovesThisRunsObjectsIncludingSemaphores) {
  std::string shm = unique_name("leak");
  std::string sem = unique_name("leaksem");
  int fd = ::shm_open(shm.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);
  ASSERT_GE(fd, 0);
  ::close(fd);
  int sfd = ::shm_open(("/sem." + sem.substr(1)).c_str(), O_CREAT | O_EXCL | O_RDWR, 0600);  // what sem_open makes
  ASSERT_GE(sfd, 0);
  ::close(sfd);
  auto left = leftovers_with_prefix(run_prefix());
  EXPECT_EQ(left.size(), 2u) << join(left);
  EXPECT_TRUE(remove_entries(left).empty());
  EXPECT_TRUE(leftovers_with_prefix(run_prefix()).empty());
}

// Issue 14 (suites side by side): a child forked before its parent named anything used to take its own pid
// as the run id. Its names escaped the parent's leak guard, and a concurrent run's start-up sweep removed
// them (that child's "run" was dead) while the test was still using them. ctest runs this test in a fresh
// process, so nothing here has named anything before the fork.
TEST(RunNames, AChildForkedBeforeAnyNameNamesThingsUnderItsParentsRun) {
  std::string expected = "/shmconform-r" + std::to_string(::getpid()) + "t" +
                         std::to_string(shmc::identity_of(::getpid()).start_ticks) + "-";
  auto outcome = run_in_child(
      "namer",
      [&](ActorContext&) {
        std::string name = unique_name("child");
        if (name.rfind(expected, 0) != 0) return 1;
        if (name.find('p' + std::to_string(::getpid()) + "-child") == std::string::npos) return 2;
        return 0;
      },
      std::chrono::seconds(10));
  EXPECT_TRUE(outcome.ok()) << outcome.describe() << " (1: not under the parent's run " << expected
                            << ", 2: not told apart from the parent's names)";
  EXPECT_EQ(run_prefix(), expected);
}
