// Every system call on the create and open paths can fail: each failure is a
// clear error and leaves nothing behind in /dev/shm (the leak guard checks).
#include <gtest/gtest.h>

#include <cerrno>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"

using namespace shmc;

namespace {

struct Fault {
  const char* point;
  int err;
};

class CreateSyscallFault : public ::testing::TestWithParam<Fault> {};

TEST_P(CreateSyscallFault, CreateFailsCleanlyAndLeavesNothing) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  std::string name = harness::unique_name("fault");
  Result<Segment> r = make_error(Errc::corrupt, "not run");
  unsigned failures = 0;
  {
    harness::ScopedFault fault(GetParam().point, GetParam().err);
    r = Segment::create(name, SegmentKind::raw, 4096);
    failures = fault.failures();
  }
  ASSERT_GT(failures, 0u) << GetParam().point << " was never reached: the test proves nothing";
  ASSERT_FALSE(r) << GetParam().point << " failed but create reported success";
  EXPECT_EQ(r.error().sys_errno, GetParam().err) << r.error().describe();
  EXPECT_FALSE(r.error().message.empty());
  EXPECT_TRUE(harness::leftovers_with_prefix(name).empty()) << "create left " << name << " behind";
  // And the name is usable afterwards.
  auto again = Segment::create(name, SegmentKind::raw, 4096);
  EXPECT_TRUE(again) << again.error().describe();
}

INSTANTIATE_TEST_SUITE_P(EveryCreateSyscall, CreateSyscallFault,
                         ::testing::Values(Fault{"sys/shm_open", EMFILE}, Fault{"sys/ofd_lock", ENOLCK},
                                           Fault{"sys/fstat", EIO}, Fault{"sys/ftruncate", ENOSPC},
                                           Fault{"sys/mmap", ENOMEM}),
                         [](const auto& info) {
                           std::string n = info.param.point + 4;
                           return n;
                         });

class OpenSyscallFault : public ::testing::TestWithParam<Fault> {};

TEST_P(OpenSyscallFault, OpenFailsCleanlyAndTheSegmentIsUntouched) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  std::string name = harness::unique_name("fault");
  auto owner = Segment::create(name, SegmentKind::raw, 4096);
  ASSERT_TRUE(owner);
  Result<Segment> r = make_error(Errc::corrupt, "not run");
  unsigned failures = 0;
  {
    harness::ScopedFault fault(GetParam().point, GetParam().err);
    r = Segment::open(name, SegmentKind::raw);
    failures = fault.failures();
  }
  ASSERT_GT(failures, 0u) << GetParam().point << " was never reached";
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sys_errno, GetParam().err) << r.error().describe();
  auto ok = Segment::open(name, SegmentKind::raw);
  EXPECT_TRUE(ok) << "after a failed open the segment must still open: " << ok.error().describe();
}

INSTANTIATE_TEST_SUITE_P(EveryOpenSyscall, OpenSyscallFault,
                         ::testing::Values(Fault{"sys/shm_open", EACCES}, Fault{"sys/ofd_lock", ENOLCK},
                                           Fault{"sys/ofd_getlk", EIO}, Fault{"sys/fstat", EIO},
                                           Fault{"sys/pread", EIO}, Fault{"sys/mmap", ENOMEM}),
                         [](const auto& info) {
                           std::string n = info.param.point + 4;
                           return n;
                         });

TEST(SyscallFault, AnInjectedFailureOfALaterCallStillCleansUp) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  // The second ofd_lock (the attach lock) fails after the first succeeded.
  std::string name = harness::unique_name("fault");
  harness::ScopedFault fault("sys/ofd_lock", ENOLCK, 1);
  auto r = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_FALSE(r);
  EXPECT_EQ(fault.failures(), 1u);
  EXPECT_TRUE(harness::leftovers_with_prefix(name).empty());
}

}  // namespace
