// Every system call of the sealed create and open paths can fail: each failure
// is a clear error with its errno, and leaves no descriptor open (a memfd lives
// as long as one does).
#include <gtest/gtest.h>

#include <cerrno>
#include <set>

#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/runtime/segment.hpp"
#include "suite/segment/raw_memfd.hpp"

using namespace shmc;

namespace {

struct Fault {
  const char* point;
  int err;
};

std::string label_of(const ::testing::TestParamInfo<Fault>& info) { return info.param.point + 4; }

class SealedCreateSyscallFault : public ::testing::TestWithParam<Fault> {};

TEST_P(SealedCreateSyscallFault, CreateFailsCleanlyAndLeavesNothingOpen) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  const std::set<int> before = test::open_descriptors();
  Result<Segment> r = make_error(Errc::corrupt, "not run");
  unsigned failures = 0;
  {
    harness::ScopedFault fault(GetParam().point, GetParam().err);
    r = Segment::create_sealed(SegmentKind::raw, 4096);
    failures = fault.failures();
  }
  ASSERT_GT(failures, 0u) << GetParam().point << " was never reached: the test proves nothing";
  ASSERT_FALSE(r) << GetParam().point << " failed but create_sealed reported success";
  EXPECT_EQ(r.error().sys_errno, GetParam().err) << r.error().describe();
  EXPECT_NE(r.error().message.find("memfd:shmconform-segment"), std::string::npos) << r.error().describe();
  EXPECT_EQ(test::open_descriptors(), before) << "a failed create left its memfd open";
}

INSTANTIATE_TEST_SUITE_P(EveryCreateSyscall, SealedCreateSyscallFault,
                         ::testing::Values(Fault{"sys/memfd_create", EMFILE}, Fault{"sys/ftruncate", ENOMEM},
                                           Fault{"sys/fstat", EIO}, Fault{"sys/mmap", ENOMEM},
                                           Fault{"sys/add_seals", EPERM}),
                         label_of);

class SealedOpenSyscallFault : public ::testing::TestWithParam<Fault> {};

TEST_P(SealedOpenSyscallFault, OpenFailsCleanlyAndTheSegmentStillOpens) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "release build: fault points are compiled out";
  auto created = Segment::create_sealed(SegmentKind::raw, 4096);
  ASSERT_TRUE(created) << created.error().describe();
  const std::set<int> before = test::open_descriptors();
  Result<Segment> r = make_error(Errc::corrupt, "not run");
  unsigned failures = 0;
  {
    harness::ScopedFault fault(GetParam().point, GetParam().err);
    r = Segment::open_sealed(created->fd(), SegmentKind::raw);
    failures = fault.failures();
  }
  ASSERT_GT(failures, 0u) << GetParam().point << " was never reached";
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().sys_errno, GetParam().err) << r.error().describe();
  EXPECT_EQ(test::open_descriptors(), before) << "a failed open left its duplicate open";
  auto ok = Segment::open_sealed(created->fd(), SegmentKind::raw);
  EXPECT_TRUE(ok) << "after a failed open the segment must still open: " << ok.error().describe();
}

INSTANTIATE_TEST_SUITE_P(EveryOpenSyscall, SealedOpenSyscallFault,
                         ::testing::Values(Fault{"sys/get_seals", EBADF}, Fault{"sys/fstat", EIO},
                                           Fault{"sys/pread", EIO}, Fault{"sys/mmap", ENOMEM}),
                         label_of);

}  // namespace
