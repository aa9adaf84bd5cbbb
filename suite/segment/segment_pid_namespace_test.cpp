// Identities are numbered per PID namespace (issue 14, class 1): a segment
// created in one namespace and opened from another would have its live owners
// judged against the wrong processes. Shown three ways: a header whose
// namespace is forged, a real child PID namespace (needs CAP_SYS_ADMIN; skips
// with the reason otherwise), and a /proc that numbers another namespace.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>

#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/scoped_fault.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/runtime/segment.hpp"

using namespace shmc;
using namespace std::chrono_literals;

namespace {

constexpr const char* kPlanted = "segment/open/planted_ignore_pid_namespace";

SegmentOptions quick() {
  SegmentOptions o;
  o.init_wait = 100ms;
  return o;
}

// Rewrites the namespace a live segment says its creator was in, as a creator in a container would have
// written it.
void forge_creator_namespace(const std::string& name, std::uint64_t ns) {
  const int fd = ::shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  ASSERT_EQ(::pwrite(fd, &ns, sizeof ns, offsetof(SegmentHeader, creator_pid_ns)),
            static_cast<ssize_t>(sizeof ns));
  ::close(fd);
}

Result<Segment> open_forged(std::uint64_t ns, std::string* name_out) {
  const std::string name = harness::unique_name("pidns");
  *name_out = name;
  auto created = Segment::create(name, SegmentKind::raw, 64);
  if (!created) return created.error();
  created->disown();
  forge_creator_namespace(name, ns);
  return Segment::open(name, SegmentKind::raw, quick());
}

TEST(SegmentPidNamespace, TheCreatorsNamespaceIsRecorded) {
  ASSERT_NE(pid_namespace_id(), 0u) << "/proc/self/ns/pid is readable on every machine we support";
  const std::string name = harness::unique_name("pidns");
  auto seg = Segment::create(name, SegmentKind::raw, 64);
  ASSERT_TRUE(seg) << seg.error().describe();
  EXPECT_EQ(seg->header().creator_pid_ns, pid_namespace_id());
  EXPECT_TRUE(Segment::open(name, SegmentKind::raw, quick())) << "the same namespace opens it";
}

TEST(SegmentPidNamespace, AnotherNamespacesSegmentIsRefusedByName) {
  std::string name;
  auto r = open_forged(pid_namespace_id() + 1, &name);
  harness::ScopedUnlink cleanup{name};
  ASSERT_FALSE(r) << "a segment of another PID namespace was opened";
  EXPECT_EQ(r.error().code, Errc::foreign_pid_namespace);
  EXPECT_NE(r.error().describe().find("PID namespace"), std::string::npos) << r.error().describe();
}

TEST(SegmentPidNamespace, AnUnrecordedNamespaceIsLetThrough) {
  // 0: a creator that could not read its namespace. Refusing would refuse every such segment; the
  // liveness reads still protect owners where /proc is another namespace's.
  std::string name;
  auto r = open_forged(0, &name);
  harness::ScopedUnlink cleanup{name};
  EXPECT_TRUE(r) << r.error().describe();
}

TEST(SegmentPidNamespace, PlantedOpenThatIgnoresTheNamespaceIsCaught) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "this build has no fault injection (FIU_ENABLE)";
  harness::ScopedFault planted(kPlanted, 0);
  std::string name;
  auto r = open_forged(pid_namespace_id() + 1, &name);
  harness::ScopedUnlink cleanup{name};
  EXPECT_TRUE(r) << "the planted bug must make AnotherNamespacesSegmentIsRefusedByName fail";
}

TEST(ProcessIdentityNamespace, AForeignProcMakesEveryLivenessUnknown) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "this build has no fault injection (FIU_ENABLE)";
  // The namespace view is cached until the next fork: look at it in a fresh child.
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    int code = 0;
    try {
      harness::ScopedFault foreign("identity/namespace/proc_is_foreign", 0);
      const ProcessIdentity me = self_identity();
      if (proc_numbers_our_namespace()) code = 1;
      else if (me.empty() || me.tid != ::gettid()) code = 2;
      else if (liveness(me) != Liveness::unknown) code = 3;                                // not "alive": /proc lies
      else if (liveness(ProcessIdentity{me.tid, me.start_ticks + 1}) != Liveness::unknown) code = 4;  // not "dead"
    } catch (...) {
      code = 9;
    }
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "1: not detected, 2: no self identity, 3/4: liveness judged through a "
                                       "foreign /proc";
}

// The grandchild's findings, one bit each, reported as its exit status.
enum Finding : int {
  kSameNamespace = 1,     // pid_namespace_id() did not change
  kOpenedHostSegment = 2, // Segment::open accepted the host's segment
  kWrongRefusal = 4,      // refused, but not as foreign_pid_namespace
  kHostOwnerDead = 8,     // with its own /proc, the host's live test process reads as dead (the hazard)
  kNoOwnProc = 16,        // could not mount a /proc of its own (only kHostOwnerDead depends on it)
  kException = 64,
};

// In a new PID and mount namespace with its own /proc, as in a container: the host's segment and the
// host's live process. Returns the grandchild's findings, or -errno when namespaces are not available.
int findings_from_a_child_namespace(const std::string& host_segment, ProcessIdentity host_owner, bool planted) {
  int to_parent[2];
  if (::pipe2(to_parent, O_CLOEXEC) != 0) return -errno;
  const std::uint64_t host_ns = pid_namespace_id();
  const pid_t child = ::fork();
  if (child < 0) return -errno;
  if (child == 0) {
    int code = kException;
    try {
      if (::unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) {
        const int e = errno;
        (void)!::write(to_parent[1], &e, sizeof e);
        ::_exit(0);
      }
      const int e = 0;
      (void)!::write(to_parent[1], &e, sizeof e);
      const pid_t grandchild = ::fork();  // pid 1 of the new namespace
      if (grandchild == 0) {
        int f = 0;
        try {
          std::optional<harness::ScopedFault> plant;
          if (planted) plant.emplace(kPlanted, 0);
          if (pid_namespace_id() == host_ns) f |= kSameNamespace;
          auto r = Segment::open(host_segment, SegmentKind::raw, quick());
          if (r) f |= kOpenedHostSegment;
          else if (r.error().code != Errc::foreign_pid_namespace) f |= kWrongRefusal;
          if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 &&
              ::mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) == 0) {
            // A fresh view after the mount: this process's cache was filled before it.
            const pid_t probe = ::fork();
            if (probe == 0) ::_exit(liveness(host_owner) == Liveness::dead ? 1 : 0);
            int st = 0;
            if (probe > 0 && ::waitpid(probe, &st, 0) == probe && WIFEXITED(st) && WEXITSTATUS(st) == 1)
              f |= kHostOwnerDead;
          } else {
            f |= kNoOwnProc;
          }
        } catch (...) {
          f = kException;
        }
        ::_exit(f);
      }
      int st = 0;
      if (grandchild > 0 && ::waitpid(grandchild, &st, 0) == grandchild && WIFEXITED(st)) code = WEXITSTATUS(st);
    } catch (...) {
      code = kException;
    }
    ::_exit(code);
  }
  ::close(to_parent[1]);
  int unshare_errno = -1;
  pollfd p{to_parent[0], POLLIN, 0};
  if (::poll(&p, 1, 10000) == 1) (void)!::read(to_parent[0], &unshare_errno, sizeof unshare_errno);
  ::close(to_parent[0]);
  int status = 0;
  // The grandchild's work is a few system calls and the child only waits for it. Bounded all the same:
  // block on the child's pidfd until it exits or the bound passes.
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, child, 0));
  pollfd exited{pidfd, POLLIN, 0};
  const bool done = pidfd >= 0 && ::poll(&exited, 1, 20000) == 1;
  if (pidfd >= 0) ::close(pidfd);
  if (!done) ::kill(child, SIGKILL);
  ::waitpid(child, &status, 0);
  if (!done) return -ETIMEDOUT;
  if (unshare_errno != 0) return -(unshare_errno > 0 ? unshare_errno : EIO);
  return WIFEXITED(status) ? WEXITSTATUS(status) : kException;
}

int run_in_child_namespace(bool planted, std::string* skip) {
  const std::string name = harness::unique_name("pidns");
  auto seg = Segment::create(name, SegmentKind::raw, 64);
  if (!seg) {
    *skip = seg.error().describe();
    return -1;
  }
  const int f = findings_from_a_child_namespace(name, self_identity(), planted);
  if (f < 0) *skip = std::string("cannot make a PID namespace here (unshare: ") + std::strerror(-f) + ")";
  return f;
}

TEST(SegmentPidNamespace, AContainersProcessIsRefusedTheHostsSegment) {
  std::string skip;
  const int f = run_in_child_namespace(false, &skip);
  if (f < 0) GTEST_SKIP() << skip;
  RecordProperty("findings", f);
  EXPECT_EQ(f & kException, 0);
  EXPECT_EQ(f & kSameNamespace, 0) << "the child namespace has its own id";
  EXPECT_EQ(f & kOpenedHostSegment, 0) << "a process of another PID namespace opened the host's segment";
  EXPECT_EQ(f & kWrongRefusal, 0) << "refused, but not as foreign_pid_namespace";
  // Why the refusal matters: with its own /proc, the container sees no such process as our live one.
  if ((f & kNoOwnProc) == 0) {
    EXPECT_NE(f & kHostOwnerDead, 0) << "a live host owner read as not dead from the container";
  }
}

TEST(SegmentPidNamespace, PlantedOpenIsCaughtInARealChildNamespace) {
  if (!harness::ScopedFault::available()) GTEST_SKIP() << "this build has no fault injection (FIU_ENABLE)";
  std::string skip;
  const int f = run_in_child_namespace(true, &skip);
  if (f < 0) GTEST_SKIP() << skip;
  EXPECT_NE(f & kOpenedHostSegment, 0) << "the planted bug must make AContainersProcessIsRefusedTheHostsSegment fail";
}

}  // namespace
