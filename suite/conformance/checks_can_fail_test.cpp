// A check that cannot fail is not a check. Each case here makes one system
// call answer as a non-conforming platform would (a sys/ fault point armed to
// fail only its Nth call, with a chosen errno) and requires the check to
// report FAIL: not PASS, not a crash, not a hang, and nothing left behind.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "suite/conformance/check_registry.hpp"

#if defined(SHMC_FAULT_INJECTION)
#include <fiu-control.h>
#include <fiu.h>
#endif

namespace {

using namespace shmc::conformance;

struct PlantedAnswer {
  const char* check_id;
  const char* point;  // a sys/ fault point
  unsigned nth;       // which call of it fails (counted per process; forked children continue the count)
  int err;            // the errno it fails with
  const char* label;
};

const PlantedAnswer kPlanted[] = {
    {"shm.open.enoent", "sys/shm_open", 1, EACCES, "missing_name_gives_EACCES"},
    {"shm.open.excl", "sys/shm_open", 2, EACCES, "second_creator_gets_EACCES"},
    {"shm.unlink.name_gone", "sys/shm_open", 2, EACCES, "unlinked_name_gives_EACCES"},
    {"sem.close.value_kept", "sys/sem_open", 2, ENOENT, "closed_semaphore_vanishes"},
    {"sem.timedwait.timeout", "sys/sem_timedwait", 1, EINTR, "timeout_reported_as_EINTR"},
    {"sem.wait.eintr", "sys/sem_wait", 1, EAGAIN, "interrupted_wait_gives_EAGAIN"},
    {"mmap.beyond_end.sigbus", "sys/mmap", 1, ENOMEM, "long_mapping_refused"},
    {"mp.unlink.mapped_peer_shares", "sys/mmap", 1, ENOMEM, "peer_cannot_map"},
    {"platform.ofd_locks", "sys/ofd_getlk", 1, EINVAL, "lock_probe_fails"},
    {"segment.open.truncated", "sys/fstat", 2, EIO, "opener_fstat_fails"},
    // Other users: the first shm_open is the owner's create, the second the other user's (in the child).
    {"perm.shm_open.eacces", "sys/shm_open", 2, ENOENT, "other_user_gets_ENOENT"},
    {"perm.shm_unlink.eacces_unchanged", "sys/shm_open", 2, ENOENT, "name_gone_after_refused_unlink"},
    {"perm.sem_open.eacces", "sys/sem_open", 2, ENOENT, "other_user_sem_gets_ENOENT"},
    {"mp.shm_open.excl_race", "sys/shm_open", 20, EACCES, "a_racer_gets_EACCES"},
    {"mmap.rdonly_fd.shared_write_eacces", "sys/mmap", 1, EPERM, "shared_write_refused_with_EPERM"},
    {"mmap.prot_read.write_sigsegv", "sys/mmap", 1, ENOMEM, "protected_mapping_refused"},
    {"mmap.fixed.replaces", "sys/mmap", 2, EINVAL, "map_fixed_refused"},
    {"munmap.einval", "sys/munmap", 1, EIO, "unaligned_munmap_gives_EIO"},
    {"munmap.access_sigsegv", "sys/munmap", 1, EINVAL, "munmap_refused"},
    {"sem.trywait.eagain", "sys/sem_trywait", 1, EINTR, "trywait_gives_EINTR"},
    {"sem.init.lifecycle", "sys/sem_destroy", 1, EBUSY, "destroy_fails"},
    {"sem.wait.blocks_until_post", "sys/sem_post", 1, EINVAL, "post_to_the_waiter_fails"},
    {"sem.post.from_signal_handler", "sys/sem_timedwait", 1, ETIMEDOUT, "handler_post_never_arrives"},
    {"sem.wait.sa_restart", "sys/sem_wait", 1, EAGAIN, "restarted_wait_gives_EAGAIN"},
    {"sem.unlink.nonblocking_waiter_kept", "sys/sem_timedwait", 1, ETIMEDOUT, "waiter_never_woken"},
    {"exec.drops_shm_fd_locks_and_sems", "sys/ofd_lock", 1, EINVAL, "no_lock_before_exec"},
    {"devshm.full.fallocate_enospc", "sys/ftruncate", 1, EFBIG, "ftruncate_refused"},
    {"segment.create.full_devshm", "sys/ftruncate", 1, EIO, "segment_gets_EIO_not_ENOSPC"},
    {"file.shared.visible_without_msync", "sys/mmap", 2, ENOMEM, "second_process_cannot_map"},
    {"memfd.seal.write", "sys/mmap", 1, ENOMEM, "writable_mapping_refused_before_sealing"},
    // The creator's sealing is its first F_ADD_SEALS (in the creator child, which continues the count).
    {"memfd.segment.sealed", "sys/add_seals", 1, EINVAL, "memfd_refuses_seals"},
    // The first ftruncate is the create's; the second is the peer's shrink, refused as on a sealed object.
    {"segment.named.peer_shrink", "sys/ftruncate", 2, EPERM, "peer_shrink_refused"},
    // System V: free_key's probes call libc directly, so the counts are the rows' own calls.
    {"sysv.shmget.excl", "sys/shmget", 2, EACCES, "second_sysv_creator_gets_EACCES"},
    {"sysv.ipc_private.distinct", "sys/shmget", 2, EEXIST, "ipc_private_taken_for_a_key"},
    {"sysv.rmid_while_attached", "sys/shmget", 3, EEXIST, "removed_key_still_taken"},
    // The counter child's IPC_STAT and the parent's: a platform whose IPC_STAT fails.
    {"sysv.nattch.across_processes", "sys/shmctl", 1, EINVAL, "attached_child_not_counted"},
    {"sysv.perm.other_user", "sys/shmget", 2, ENOENT, "other_user_sysv_key_gives_ENOENT"},
    // gc's IPC_STAT of the live, the dry-run and the real pass, then its IPC_RMID.
    {"sysv.gc.crashed_creator", "sys/shmctl", 4, EPERM, "gc_cannot_remove_the_stale_segment"},
    {"file.msync.sync", "sys/msync", 1, EIO, "ms_sync_fails_with_EIO"},
    // The first ftruncate sizes the temporary file.
    {"file.truncated_under_mapping.sigbus", "sys/ftruncate", 2, EBUSY, "mapped_file_truncate_refused"},
    {"file.unlinked_while_mapped", "sys/unlink", 1, EBUSY, "mapped_file_unlink_refused"},
    {"file.private.cow_invisible", "sys/mmap", 1, ENODEV, "private_file_mapping_refused"},
    {"file.times.mtime_after_write", "sys/msync", 1, EINVAL, "msync_after_mapped_write_fails"},
    {"file.times.atime_after_read", "sys/fstat", 2, EOVERFLOW, "stat_after_mapped_read_fails"},
};

#if defined(SHMC_FAULT_INJECTION)
unsigned g_target = 0;
unsigned g_hits = 0;
int fail_nth_call(const char*, int*, void**, unsigned*) { return ++g_hits == g_target ? 1 : 0; }

// Arms `point` to fail its nth call from now on, disarmed on destruction.
class PlantedFault {
 public:
  explicit PlantedFault(const PlantedAnswer& p) : point_(p.point) {
    g_target = p.nth;
    g_hits = 0;
    armed_ = fiu_enable_external(point_, 1, reinterpret_cast<void*>(static_cast<std::intptr_t>(p.err)), 0,
                                 fail_nth_call) == 0;
  }
  ~PlantedFault() { fiu_disable(point_); }
  bool armed() const { return armed_; }

 private:
  const char* point_;
  bool armed_ = false;
};

const Check* find_check(const std::string& id) {
  for (const Check& c : registry())
    if (c.id == id) return &c;
  return nullptr;
}

// Ids of the System V segments this process created that still exist: the
// leak guard sees /dev/shm only. /proc/sysvipc/shm: "key shmid perms size cpid ...".
std::vector<int> own_sysv_segments() {
  std::vector<int> ids;
  std::ifstream list("/proc/sysvipc/shm");
  std::string line;
  std::getline(list, line);
  while (std::getline(list, line)) {
    std::istringstream fields(line);
    long long key = 0, size = 0;
    int id = -1;
    unsigned perms = 0;
    pid_t creator = 0;
    if (fields >> key >> id >> perms >> size >> creator && creator == ::getpid()) ids.push_back(id);
  }
  return ids;
}
#endif

class ChecksCanFail : public ::testing::TestWithParam<PlantedAnswer> {};

TEST_P(ChecksCanFail, ReportsFailOnANonConformingAnswer) {
#if !defined(SHMC_FAULT_INJECTION)
  GTEST_SKIP() << "needs fault points (this build has none)";
#else
  const PlantedAnswer& p = GetParam();
  const Check* check = find_check(p.check_id);
  ASSERT_NE(check, nullptr) << "no check " << p.check_id;
  // Unarmed first: a row that cannot run here (no second user, no tmpfs mount) proves nothing either way.
  const Outcome baseline = run_check(*check);
  if (baseline.verdict == Verdict::unsupported) GTEST_SKIP() << "UNSUPPORTED here: " << baseline.reason;
  ASSERT_TRUE(baseline.verdict == Verdict::pass || baseline.verdict == Verdict::finding)
      << to_string(baseline.verdict) << " " << baseline.reason;
  const std::vector<int> sysv_before = own_sysv_segments();
  Outcome outcome;
  {
    PlantedFault fault(p);
    ASSERT_TRUE(fault.armed()) << "libfiu refused " << p.point;
    outcome = run_check(*check);
  }
  EXPECT_EQ(outcome.verdict, Verdict::fail) << p.check_id << " with " << p.point << " call " << p.nth
                                            << " failing: " << to_string(outcome.verdict) << " " << outcome.reason;
  EXPECT_FALSE(outcome.reason.empty());
  EXPECT_EQ(own_sysv_segments(), sysv_before) << "System V segments left behind";
  // Unarmed again, the same verdict as before: the FAIL above came from the planted answer.
  EXPECT_EQ(run_check(*check).verdict, baseline.verdict);
#endif
}

INSTANTIATE_TEST_SUITE_P(Planted, ChecksCanFail, ::testing::ValuesIn(kPlanted),
                         [](const ::testing::TestParamInfo<PlantedAnswer>& info) { return std::string(info.param.label); });

}  // namespace
