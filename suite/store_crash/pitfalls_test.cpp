// What store traps must not get wrong: system calls writing into a protected
// range, SIGSEGV/SIGBUS that are not ours, the structure's own handlers,
// finding mappings by name, and platforms without a trap flag.
#include <cerrno>
#include <csignal>
#include <chrono>
#include <sys/mman.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "suite/store_crash/trap_fixture.hpp"

namespace shmc::store_crash_test {
namespace {

using namespace std::chrono_literals;
using End = harness::ActorOutcome::End;

#if defined(SHMC_SANITIZER)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif

TEST(StoreTrapPitfalls, ASyscallWritingIntoTheRangeGetsEfaultAndAHoleLetsItThrough) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  harness::SharedArray<std::int64_t> out(4);
  const auto o = harness::run_in_child("reader", [&](harness::ActorContext&) {
    int p[2];
    SHMC_ACTOR_CHECK(::pipe(p) == 0);
    SHMC_ACTOR_CHECK(::write(p[1], "abcdefgh", 8) == 8);
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    {
      trap::Window w(**s);
      void* into = const_cast<std::uint8_t*>(m.bytes());
      out[0] = ::read(p[0], into, 8);  // the kernel's copy hits a read-only page: no fault, EFAULT
      out[1] = errno;
      {
        trap::Hole hole(**s);
        out[2] = ::read(p[0], into, 8);
      }
      m.bytes()[100] = 1;  // the window is back after the hole
    }
    out[3] = static_cast<std::int64_t>((*s)->stores());
    return 0;
  }, 20s);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(out[0], -1);
  EXPECT_EQ(out[1], EFAULT);
  EXPECT_EQ(out[2], 8);
  EXPECT_EQ(m.bytes()[0], 'a');
  EXPECT_EQ(out[3], 1) << "the syscall's stores are not counted; the one after the hole is";
}

// A store to read-only memory outside every trapped range.
void foreign_fault() {
  void* ro = ::mmap(nullptr, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  *static_cast<volatile char*>(ro) = 1;
}

TEST(StoreTrapPitfalls, AForeignSigsegvStillKillsWithSigsegv) {
  SHMC_REQUIRE_STORE_TRAPS();
  if (kSanitized) GTEST_SKIP() << "the sanitizer's own SIGSEGV handler reports it (tested below)";
  ShmMapping m(4096);
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    trap::Window w(**s);
    m.bytes()[0] = 1;
    foreign_fault();
    return 0;
  }, 20s);
  EXPECT_EQ(o.end, End::signalled) << o.describe();
  EXPECT_EQ(o.signal, SIGSEGV) << o.describe();
  EXPECT_EQ(m.bytes()[0], 1);
}

TEST(StoreTrapPitfalls, AForeignSigsegvInASanitizerBuildIsTheSanitizersReport) {
  SHMC_REQUIRE_STORE_TRAPS();
  if (!kSanitized) GTEST_SKIP() << "not a sanitizer build";
  ShmMapping m(4096);
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    trap::Window w(**s);
    foreign_fault();
    return 0;
  }, 20s);
  // The chained handler is the sanitizer's: it reports and aborts (or exits non-zero), never returns 0.
  EXPECT_FALSE(o.ok()) << o.describe();
  EXPECT_TRUE(o.end == End::signalled || (o.end == End::exited && o.exit_code != 0)) << o.describe();
}

harness::SharedArray<int>* g_seen = nullptr;
void structure_handler(int sig) {
  (*g_seen)[0] = sig;
  ::_exit(42);
}

TEST(StoreTrapPitfalls, AForeignSigsegvGoesToTheHandlerInstalledBefore) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  harness::SharedArray<int> seen(1);
  g_seen = &seen;
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    std::signal(SIGSEGV, structure_handler);
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    trap::Window w(**s);
    m.bytes()[0] = 1;  // ours: counted, not passed on
    foreign_fault();
    return 0;
  }, 20s);
  EXPECT_EQ(o.end, End::exited) << o.describe();
  EXPECT_EQ(o.exit_code, 42) << o.describe();
  EXPECT_EQ(seen[0], SIGSEGV);
  EXPECT_EQ(m.bytes()[0], 1);
}

TEST(StoreTrapPitfalls, AStorePastTheObjectsEndIsStillSigbus) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096, 8192);  // the second page is past the end of the object
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    trap::Window w(**s);
    m.bytes()[0] = 1;
    m.bytes()[5000] = 1;
    return 0;
  }, 20s);
  if (kSanitized) {
    EXPECT_FALSE(o.ok()) << o.describe();  // the sanitizer reports the SIGBUS its own way
    return;
  }
  EXPECT_EQ(o.end, End::signalled) << o.describe();
  EXPECT_EQ(o.signal, SIGBUS) << o.describe();
  EXPECT_EQ(m.bytes()[0], 1);
}

TEST(StoreTrapPitfalls, AHandlerReplacedByTheStructureMakesTheWindowRefuse) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  harness::SharedArray<int> refused(1);
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    std::signal(SIGSEGV, SIG_DFL);  // the structure's own set-up, after ours
    auto opened = (*s)->protect();
    refused[0] = !opened.ok() && opened.error().message.find("not applicable") != std::string::npos;
    m.bytes()[0] = 1;  // still writable: nothing was protected
    return 0;
  }, 20s);
  ASSERT_TRUE(o.ok()) << o.describe();
  EXPECT_EQ(refused[0], 1);
}

TEST(StoreTrapPitfalls, ASecondSessionAndBadRangesAreRefused) {
  SHMC_REQUIRE_STORE_TRAPS();
  ShmMapping m(4096);
  const auto o = harness::run_in_child("victim", [&](harness::ActorContext&) {
    auto s = trap::Session::start({m.range()}, 0);
    SHMC_ACTOR_CHECK(s.ok());
    SHMC_ACTOR_CHECK(!trap::Session::start({m.range()}, 0).ok());
    return 0;
  }, 20s);
  EXPECT_TRUE(o.ok()) << o.describe();
  EXPECT_FALSE(trap::Session::start({}, 0).ok());
  EXPECT_FALSE(trap::Session::start({trap::Range{m.range().begin + 1, 4096, "odd"}}, 0).ok());
  EXPECT_FALSE(trap::Session::start({m.range(), m.range()}, 0).ok());
}

TEST(StoreTrapPitfalls, FindMappingByName) {
  ShmMapping m(8192);
  auto r = trap::find_mapping(m.name());
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->begin, m.range().begin);
  EXPECT_EQ(r->size, 8192u);
  EXPECT_EQ(trap::find_mapping(m.name().substr(1)).ok(), true) << "Boost spells names without the slash";
  EXPECT_EQ(trap::find_mapping("/shmconform-not-mapped-anywhere").error().code, Errc::not_found);
  EXPECT_EQ(trap::find_mapping("a/b").error().code, Errc::invalid_argument);
  // A second mapping of the same object: find_mapping asks which, find_mappings gives both.
  const int fd = ::shm_open(m.name().c_str(), O_RDWR, 0600);
  ASSERT_GE(fd, 0);
  void* again = ::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  ASSERT_NE(again, MAP_FAILED);
  EXPECT_EQ(trap::find_mapping(m.name()).error().code, Errc::invalid_argument);
  auto both = trap::find_mappings(m.name());
  ASSERT_TRUE(both.ok());
  EXPECT_EQ(both->size(), 2u);
  ::munmap(again, 4096);
}

TEST(StoreTrapPitfalls, UnsupportedPlatformsSaySoAndRefuse) {
  const auto support = trap::support();
#if defined(__x86_64__) || defined(__i386__)
  if (!support.available) {
    // A build whose runtime breaks the mechanism (a sanitizer): it must say so and refuse, never count wrong.
    EXPECT_FALSE(support.reason.empty());
    ShmMapping m(4096);
    EXPECT_FALSE(trap::Session::start({m.range()}, 0).ok());
    GTEST_SKIP() << "store traps unsupported here: " << support.reason;
  }
#else
  EXPECT_FALSE(support.available);
  EXPECT_NE(support.reason.find("single-step"), std::string::npos) << support.reason;
  ShmMapping m(4096);
  auto s = trap::Session::start({m.range()}, 0);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("single-step"), std::string::npos);
#endif
}

}  // namespace
}  // namespace shmc::store_crash_test
