// A full /dev/shm. Each check runs in a child that makes a private mount
// namespace and mounts a 64 KiB tmpfs over /dev/shm there, so nothing outside
// the child sees it and it vanishes with the child. Without the privilege to
// do that (CAP_SYS_ADMIN) the rows are UNSUPPORTED.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sched.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/mount.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "full /dev/shm";
constexpr std::size_t kTmpfsBytes = 64 * 1024;
constexpr milliseconds kChild{3000};
constexpr int kNoMount = 77;  // exit code of a child that could not mount

struct FullState {
  std::atomic<std::int32_t> mount_errno;
  std::atomic<std::int32_t> pages_touched;
  std::atomic<std::int32_t> ftruncate_rc;
};

// In the child: a private namespace with a small tmpfs on /dev/shm. Returns
// false (errno in st) if the kernel refuses.
bool private_small_devshm(FullState& st) {
  if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
      ::mount("shmconform-small", harness::kDevShm, "tmpfs", MS_NOSUID | MS_NODEV,
              ("size=" + std::to_string(kTmpfsBytes) + ",mode=1777").c_str()) != 0) {
    st.mount_errno.store(errno);
    return false;
  }
  return true;
}

std::string why_no_mount(int e) {
  return "cannot mount a private tmpfs over " + std::string(harness::kDevShm) + " (unshare/mount: " + errno_text(e) +
         "; needs CAP_SYS_ADMIN): the full-/dev/shm behaviour is not observed here";
}

SHMC_CHECK("devshm.full.ftruncate_then_sigbus", kSection,
           "on a 64 KiB /dev/shm, ftruncate of an object to 1 MiB succeeds and touching pages past the space kills the "
           "process with SIGBUS, never an ENOSPC",
           "shm_open/42", "XSH mmap (SIGBUS), Linux tmpfs") {
  harness::SharedArray<FullState> shared(1);
  FullState& st = shared[0];
  st.pages_touched.store(-1);
  const std::size_t page = page_size();
  const std::string name = harness::unique_name("full");
  auto child = harness::run_in_child("filler", [&](harness::ActorContext& ctx) {
    if (!private_small_devshm(st)) return kNoMount;
    let_signal_kill(SIGBUS);
    const int fd = sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    expect(fd >= 0, "shm_open on the small tmpfs: " + errno_text(errno));
    st.ftruncate_rc.store(sys::ftruncate(fd, 1 << 20) == 0 ? 0 : errno);
    expect(st.ftruncate_rc.load() == 0, "ftruncate(1 MiB): " + errno_text(errno));
    void* p = sys::mmap(nullptr, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    expect(p != MAP_FAILED, "mmap: " + errno_text(errno));
    ctx.doing("touching page after page");
    for (std::size_t i = 0; i < (std::size_t{1} << 20) / page; ++i) {
      static_cast<volatile unsigned char*>(p)[i * page] = 1;
      st.pages_touched.store(static_cast<std::int32_t>(i + 1));
    }
    return 0;
  }, kChild);
  if (child.end == harness::ActorOutcome::End::exited && child.exit_code == kNoMount)
    return unsupported(why_no_mount(st.mount_errno.load()));
  const int touched = st.pages_touched.load();
  if (died_of(child, SIGBUS)) {
    if (touched < 0) return fail("SIGBUS before any page was touched");
    if (static_cast<std::size_t>(touched) * page > kTmpfsBytes)
      return fail("SIGBUS only after " + std::to_string(touched) + " pages, more than the tmpfs holds");
    return finding("ftruncate(1 MiB) succeeded on a " + std::to_string(kTmpfsBytes / 1024) +
                   " KiB tmpfs; SIGBUS at page " + std::to_string(touched) +
                   ": a full /dev/shm (containers often give 64 MiB) kills the process on a store, never returns ENOSPC; "
                   "reserve the space with posix_fallocate (Segment::create does)");
  }
  if (child.ok()) return fail("all of 1 MiB was written on a 64 KiB tmpfs: the size limit did not hold");
  return fail("child: " + child.describe());
}

SHMC_CHECK("devshm.full.fallocate_enospc", kSection,
           "on a 64 KiB /dev/shm, posix_fallocate of 1 MiB fails with ENOSPC instead of a later SIGBUS",
           "shm_open/42", "XSH posix_fallocate ERRORS [ENOSPC]") {
  harness::SharedArray<FullState> shared(1);
  FullState& st = shared[0];
  const std::string name = harness::unique_name("full-falloc");
  auto child = harness::run_in_child("reserver", [&](harness::ActorContext&) {
    if (!private_small_devshm(st)) return kNoMount;
    const int fd = sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    expect(fd >= 0, "shm_open on the small tmpfs: " + errno_text(errno));
    expect(sys::ftruncate(fd, 1 << 20) == 0, "ftruncate: " + errno_text(errno));
    const int e = ::posix_fallocate(fd, 0, 1 << 20);
    expect(e != 0, "posix_fallocate of 1 MiB succeeded on a 64 KiB tmpfs");
    expect(e == ENOSPC, "posix_fallocate: expected ENOSPC, got " + errno_text(e));
    return 0;
  }, kChild);
  if (child.end == harness::ActorOutcome::End::exited && child.exit_code == kNoMount)
    return unsupported(why_no_mount(st.mount_errno.load()));
  if (!child.ok()) return fail("child: " + child.describe());
  return pass();
}

SHMC_CHECK("segment.create.full_devshm", "segment",
           "Segment::create of 1 MiB on a 64 KiB /dev/shm returns a clear out-of-space error and leaves no name; it "
           "never dies of SIGBUS",
           "", "project: harness/runtime/segment.cpp") {
  harness::SharedArray<FullState> shared(1);
  FullState& st = shared[0];
  const std::string name = harness::unique_name("full-segment");
  auto child = harness::run_in_child("segment-creator", [&](harness::ActorContext&) {
    if (!private_small_devshm(st)) return kNoMount;
    let_signal_kill(SIGBUS);
    auto seg = Segment::create(name, SegmentKind::raw, 1 << 20);
    expect(!seg, "Segment::create of 1 MiB succeeded on a 64 KiB tmpfs");
    expect(seg.error().sys_errno == ENOSPC, "expected an ENOSPC error, got " + seg.error().describe());
    Fd left{sys::shm_open(name.c_str(), O_RDONLY, 0)};
    expect(!left.ok() && errno == ENOENT, "the failed create left its name behind");
    auto small = Segment::create(name, SegmentKind::raw, 4096);
    expect(small.ok(), "a 4 KiB segment does not fit after the failed one: " + (small ? "" : small.error().describe()));
    return 0;
  }, kChild);
  if (child.end == harness::ActorOutcome::End::exited && child.exit_code == kNoMount)
    return unsupported(why_no_mount(st.mount_errno.load()));
  if (died_of(child, SIGBUS)) return fail("Segment::create died of SIGBUS on a full /dev/shm");
  if (!child.ok()) return fail("child: " + child.describe());
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
