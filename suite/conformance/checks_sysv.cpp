// System V shared memory (the seeds' second mechanism): shmget / shmat /
// shmdt / shmctl. Keys are in the project's range (harness::sysv_key) and
// every segment is stamped, so `shmconform gc` can tell ours from others'.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/gc.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "System V shm";
constexpr milliseconds kStep{2000};

void* const kShmFailed = reinterpret_cast<void*>(-1);

// A key of the project's range no segment uses now (and, per process, unlikely to collide).
// The probe calls libc directly, not the shim: how many probes it takes depends on
// other processes' keys, and a planted answer must hit the same call of the row on
// every run.
key_t free_key(std::uint16_t salt) {
  for (std::uint32_t i = 0; i < 0x10000; ++i) {
    const auto low = static_cast<std::uint16_t>((static_cast<std::uint32_t>(::getpid()) * 131u + salt * 7919u + i) & 0xffff);
    const key_t k = harness::sysv_key(low);
    if (::shmget(k, 0, 0) < 0 && errno == ENOENT) return k;
  }
  return IPC_PRIVATE;
}

// A segment removed (IPC_RMID) on destruction, whatever happened.
class SysvSegment {
 public:
  SysvSegment(key_t key, std::size_t size, int flags) : id_(sys::shmget(key, size, flags)) {
    if (id_ < 0) err_ = errno;
  }
  ~SysvSegment() { remove(); }
  SysvSegment(const SysvSegment&) = delete;
  SysvSegment& operator=(const SysvSegment&) = delete;
  bool ok() const { return id_ >= 0; }
  int error() const { return err_; }
  int id() const { return id_; }
  int remove() {
    if (id_ < 0) return 0;
    const int rc = sys::shmctl(id_, IPC_RMID, nullptr);
    id_ = -1;
    return rc;
  }

 private:
  int id_;
  int err_ = 0;
};

// An attachment detached on destruction, whatever happened.
class Attachment {
 public:
  explicit Attachment(int id) : p_(sys::shmat(id, nullptr, 0)) {
    if (p_ == kShmFailed) err_ = errno;
  }
  ~Attachment() { (void)detach(); }
  Attachment(const Attachment&) = delete;
  Attachment& operator=(const Attachment&) = delete;
  bool ok() const { return p_ != kShmFailed; }
  int error() const { return err_; }
  void* get() const { return p_; }
  volatile unsigned char* bytes() const { return static_cast<volatile unsigned char*>(p_); }
  int detach() {
    if (p_ == kShmFailed) return 0;
    const int rc = sys::shmdt(p_);
    p_ = kShmFailed;
    return rc;
  }

 private:
  void* p_;
  int err_ = 0;
};

// shm_nattch of the segment, or -1 with errno from IPC_STAT.
int nattch(int id) {
  struct shmid_ds ds {};
  return sys::shmctl(id, IPC_STAT, &ds) == 0 ? static_cast<int>(ds.shm_nattch) : -1;
}

std::string nattch_text(int n, int err) {
  return n >= 0 ? std::to_string(n) : "unknown (IPC_STAT: " + errno_text(err) + ")";
}

SHMC_CHECK("sysv.shmget.excl", kSection,
           "shmget(IPC_CREAT|IPC_EXCL) on a key in use fails with EEXIST; without IPC_EXCL it returns the same id",
           "", "XSH shmget ERRORS [EEXIST]") {
  const key_t key = free_key(1);
  SysvSegment seg(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!seg.ok()) return unsupported("shmget: " + errno_text(seg.error()) + " (no System V IPC here?)");
  if (sys::shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600) >= 0) return fail("a second IPC_CREAT|IPC_EXCL succeeded");
  if (errno != EEXIST) return fail("expected EEXIST, got " + errno_text(errno));
  const int again = sys::shmget(key, 4096, IPC_CREAT | 0600);
  if (again < 0) return fail("IPC_CREAT without IPC_EXCL on the key in use: " + errno_text(errno));
  if (again != seg.id()) return fail("IPC_CREAT without IPC_EXCL returned id " + std::to_string(again));
  return pass();
}

SHMC_CHECK("sysv.ipc_private.distinct", kSection,
           "two shmget(IPC_PRIVATE, IPC_CREAT|IPC_EXCL) calls create two distinct segments (IPC_PRIVATE is never a key "
           "in use): distinct ids, and a write to one is not seen in the other",
           "", "XSH shmget (IPC_PRIVATE)") {
  // IPC_EXCL on both: a platform that treats IPC_PRIVATE as the ordinary key 0
  // answers the second with EEXIST, where without it it would hand back the first.
  SysvSegment a(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!a.ok()) return unsupported("shmget(IPC_PRIVATE): " + errno_text(a.error()) + " (no System V IPC here?)");
  SysvSegment b(IPC_PRIVATE, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!b.ok() && b.error() == EEXIST)
    return fail("the second IPC_PRIVATE segment: EEXIST, IPC_PRIVATE is taken for a key");
  if (!b.ok()) return unsupported("a second shmget(IPC_PRIVATE): " + errno_text(b.error()) + " (segment limit?)");
  if (a.id() == b.id()) return fail("both IPC_PRIVATE calls returned id " + std::to_string(a.id()));
  Attachment pa(a.id()), pb(b.id());
  if (!pa.ok() || !pb.ok()) return fail("shmat: " + errno_text(pa.ok() ? pb.error() : pa.error()));
  pa.bytes()[0] = 0x5a;
  if (pb.bytes()[0] != 0) return fail("a write to one IPC_PRIVATE segment shows in the other: they are one segment");
  return pass();
}

SHMC_CHECK("sysv.rmid_while_attached", kSection,
           "IPC_RMID while attached frees the key at once and destroys the segment at the last detach; until then the "
           "attachment works",
           "", "XSH shmctl (IPC_RMID), XSH shmdt") {
  const key_t key = free_key(2);
  SysvSegment seg(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!seg.ok()) return unsupported("shmget: " + errno_text(seg.error()));
  const int id = seg.id();
  Attachment att(id);
  if (!att.ok()) return fail("shmat: " + errno_text(att.error()));
  att.bytes()[0] = 0x31;
  if (seg.remove() != 0) return fail("IPC_RMID: " + errno_text(errno));
  if (sys::shmget(key, 0, 0) >= 0) return fail("the key still finds the removed segment");
  if (errno != ENOENT) return fail("the removed key: expected ENOENT, got " + errno_text(errno));
  SysvSegment reuse(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!reuse.ok()) return fail("the key is not free for a new segment: " + errno_text(reuse.error()));
  if (att.bytes()[0] != 0x31) return fail("the attachment lost its data after IPC_RMID");
  if (att.detach() != 0) return fail("shmdt: " + errno_text(errno));
  Attachment gone(id);
  if (gone.ok()) return fail("the destroyed segment's id still attaches");
  if (gone.error() != EINVAL && gone.error() != EIDRM)
    return fail("attaching the destroyed id: expected EINVAL, got " + errno_text(gone.error()));
  return pass();
}

struct NattchState {
  std::atomic<std::uint32_t> attached;
  std::atomic<std::uint32_t> release;
  std::atomic<std::int32_t> seen;
  std::atomic<std::int32_t> seen_errno;
};

SHMC_CHECK("sysv.nattch.across_processes", kSection,
           "shm_nattch counts another process's attachment (1 while a child is attached) and drops to 0 when it exits",
           "", "XSH shmctl (IPC_STAT shm_nattch)") {
  SysvSegment seg(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  if (!seg.ok()) return unsupported("shmget: " + errno_text(seg.error()));
  harness::SharedArray<NattchState> shared(1);
  NattchState& st = shared[0];
  st.seen.store(-1);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("attacher", [&](harness::ActorContext&) {
    expect(sys::shmat(seg.id(), nullptr, 0) != kShmFailed, "shmat in the child: " + errno_text(errno));
    st.attached.store(1, std::memory_order_release);
    expect(wait_flag(st.release, 1, kStep), "never released");
    return 0;  // exits attached: the kernel detaches it
  });
  actors.add("counter", [&](harness::ActorContext&) {
    expect(wait_flag(st.attached, 1, kStep), "the child never attached");
    const int n = nattch(seg.id());
    st.seen_errno.store(errno);
    st.seen.store(n);
    st.release.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  // Read before judging: then an IPC_STAT that fails here too is this call, never
  // the IPC_RMID that removes the segment.
  const int after = nattch(seg.id());
  const int after_errno = errno;
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  if (st.seen.load() != 1)
    return fail("shm_nattch with one process attached is " + nattch_text(st.seen.load(), st.seen_errno.load()));
  if (after != 0)
    return fail("shm_nattch after the attacher exited is " + nattch_text(after, after_errno) + ", expected 0");
  return pass();
}

SHMC_CHECK("sysv.perm.other_user", kSection,
           "another user's shmget of a 0600 segment's key fails with EACCES, and its shmat with EACCES",
           "", "XSH shmget ERRORS [EACCES], XSH shmat ERRORS [EACCES]") {
  auto who = other_user();
  if (!who) return unsupported(other_user_unavailable_reason());
  const key_t key = free_key(3);
  SysvSegment seg(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!seg.ok()) return unsupported("shmget: " + errno_text(seg.error()));
  auto child = harness::run_in_child("other-user", [&](harness::ActorContext&) {
    become(*who);
    errno = 0;
    expect(sys::shmget(key, 0, 0600) < 0, "shmget succeeded for another user");
    expect(errno == EACCES, "shmget: expected EACCES, got " + errno_text(errno));
    errno = 0;
    expect(sys::shmat(seg.id(), nullptr, 0) == kShmFailed, "shmat succeeded for another user");
    expect(errno == EACCES, "shmat: expected EACCES, got " + errno_text(errno));
    return 0;
  }, kStep);
  if (!child.ok()) return fail("as uid " + std::to_string(who->uid) + ": " + child.describe());
  return pass();
}

struct CrashState {
  std::atomic<std::int32_t> id;
  std::atomic<std::uint32_t> made;
  std::atomic<std::uint32_t> never;
};

SHMC_CHECK("sysv.gc.crashed_creator", kSection,
           "a segment whose creator was killed while attached is STALE to gc and removed by it; a live one is left",
           "", "project: harness/gc (System V)") {
  harness::SharedArray<CrashState> shared(1);
  CrashState& st = shared[0];
  st.id.store(-1);
  const key_t key = free_key(4), live_key = free_key(5);
  SysvSegment live(live_key, 4096, IPC_CREAT | IPC_EXCL | 0600);
  if (!live.ok()) return unsupported("shmget: " + errno_text(live.error()));
  {
    Attachment lp(live.id());
    if (!lp.ok()) return fail("shmat: " + errno_text(lp.error()));
    harness::stamp_sysv_segment(lp.get());
  }  // unattached, but its creator (this process) lives: never STALE
  auto creator = harness::run_in_child("creator", [&](harness::ActorContext& ctx) {
    const int id = sys::shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
    expect(id >= 0, "shmget: " + errno_text(errno));
    st.id.store(id);
    void* p = sys::shmat(id, nullptr, 0);
    expect(p != kShmFailed, "shmat: " + errno_text(errno));
    harness::stamp_sysv_segment(p);
    ctx.doing("attached, about to die");
    ::raise(SIGKILL);
    return 1;
  }, kStep);
  const int id = st.id.load();
  struct Remove {
    int id;
    ~Remove() {
      if (id >= 0) (void)sys::shmctl(id, IPC_RMID, nullptr);
    }
  } cleanup{id};
  if (!died_of(creator, SIGKILL)) return fail("creator: " + creator.describe());
  if (id < 0) return fail("the creator made no segment");
  const auto live_view = harness::decide_sysv_segment(live_key, live.id(), false);
  if (live_view.verdict != "ALIVE" || live_view.removed) return fail("gc on a live creator's segment: " + live_view.verdict + " " + live_view.reason);
  const auto dry = harness::decide_sysv_segment(key, id, true);
  if (dry.verdict != "STALE" || dry.removed) return fail("gc --dry-run: " + dry.verdict + " (" + dry.reason + ")");
  const auto real = harness::decide_sysv_segment(key, id, false);
  if (real.verdict != "STALE" || !real.removed) return fail("gc: " + real.verdict + " (" + real.reason + ")");
  if (sys::shmget(key, 0, 0) >= 0 || errno != ENOENT) return fail("the segment is still there after gc");
  cleanup.id = -1;
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
