#include "shmconform/runtime/segment.hpp"

#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <thread>
#include <unistd.h>

#include "shmconform/runtime/crash_point.hpp"
#include "shmconform/runtime/sys.hpp"
#include "harness/runtime/segment_parts.hpp"

namespace shmc {

namespace {

using Clock = std::chrono::steady_clock;
using segment_parts::Fd;
using segment_parts::check_header;
using segment_parts::read_header;

// Polling interval for bounded waits on another process's lock: the kernel
// offers no timed OFD lock, so we retry non-blocking with backoff until a deadline.
void backoff(int attempt) {
  std::this_thread::sleep_for(std::chrono::microseconds(std::min(50 << std::min(attempt, 8), 5000)));
}

}  // namespace

std::uint32_t libc_sync_abi() {
  return static_cast<std::uint32_t>(sizeof(sem_t)) | static_cast<std::uint32_t>(sizeof(pthread_mutex_t)) << 8 |
         static_cast<std::uint32_t>(alignof(sem_t)) << 16 | static_cast<std::uint32_t>(alignof(pthread_mutex_t)) << 24;
}

std::uint32_t current_abi_tag() {
  const std::uint32_t one = 1;
  std::uint8_t little = *reinterpret_cast<const std::uint8_t*>(&one);
  AbiTag t{static_cast<std::uint8_t>(sizeof(void*)), static_cast<std::uint8_t>(alignof(std::uint64_t)),
           static_cast<std::uint8_t>(alignof(std::atomic<std::uint64_t>)),
           static_cast<std::uint8_t>((little ? 1u : 0u) | (std::atomic<std::uint64_t>::is_always_lock_free ? 2u : 0u))};
  return static_cast<std::uint32_t>(t.pointer_size) | static_cast<std::uint32_t>(t.align_u64) << 8 |
         static_cast<std::uint32_t>(t.align_atomic_u64) << 16 | static_cast<std::uint32_t>(t.flags) << 24;
}

AbiTag decode_abi_tag(std::uint32_t tag) {
  return AbiTag{static_cast<std::uint8_t>(tag), static_cast<std::uint8_t>(tag >> 8), static_cast<std::uint8_t>(tag >> 16),
                static_cast<std::uint8_t>(tag >> 24)};
}

Result<void> validate_segment_name(const std::string& name) {
  if (name.size() < 2 || name[0] != '/' || name.find('/', 1) != std::string::npos || name.size() > NAME_MAX)
    return make_error(Errc::invalid_argument,
                      "segment name '" + name + "' must be '/' followed by 1 to " + std::to_string(NAME_MAX - 1) +
                          " characters other than '/'");
  return {};
}

Result<Segment> Segment::create(const std::string& name, SegmentKind kind, std::size_t payload_size,
                                const Initialiser& init, const SegmentOptions& options) {
  if (auto v = validate_segment_name(name); !v) return v.error();
  auto total = segment_parts::total_size_for(payload_size, name);
  if (!total) return total.error();

  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, options.mode)};
  if (fd.fd < 0) {
    Error e = sys_error("shm_open(O_CREAT|O_EXCL)", name);
    if (e.code == Errc::already_exists) e.message += " (see `shmconform inspect` / `shmconform gc` for leftovers)";
    return e;
  }
  // From here on, every failure unlinks the name: a failed create leaves nothing.
  auto fail = [&](Error e) -> Result<Segment> {
    ::shm_unlink(name.c_str());
    return e;
  };
  // The init lock first: an opener that sees it held waits instead of reading zeros.
  if (sys::ofd_lock(fd.fd, F_WRLCK, kInitLockByte, 1) != 0) return fail(sys_error("init lock", name));
  if (sys::ofd_lock(fd.fd, F_RDLCK, kAttachLockByte, 1) != 0) return fail(sys_error("attach lock", name));
  SHMC_CRASH_POINT("segment/create/after_open", "object exists with size 0; the creator holds the init lock");

  struct ::stat st {};
  if (sys::fstat(fd.fd, &st) != 0) return fail(sys_error("fstat", name));
  if (st.st_nlink == 0) return fail(make_error(Errc::already_exists, "'" + name + "' was unlinked while being created"));

  if (auto r = segment_parts::size_and_reserve(fd.fd, *total, name,
                                              "/dev/shm is full (see df /dev/shm; containers often give only 64 MiB)");
      !r)
    return fail(r.error());
  SHMC_CRASH_POINT("segment/create/after_truncate", "object sized, header still all zeros (state initialising)");

  void* base = sys::mmap(nullptr, *total, PROT_READ | PROT_WRITE, MAP_SHARED, fd.fd, 0);
  if (base == MAP_FAILED) return fail(sys_error("mmap", name));

  Segment seg = adopt(name, fd.release(), base, *total, st);
  seg.owner_pid_ = ::getpid();

  auto* h = reinterpret_cast<SegmentHeader*>(seg.base_);
  segment_parts::write_header(*h, kind, *total, options);
  SHMC_CRASH_POINT("segment/create/after_header", "header written, payload not initialised, state initialising");

  if (init) {
    if (auto r = init(seg.payload(), seg.payload_size_); !r) {
      Error e = r.error();
      seg.reset();  // the owner's unlink runs in reset()
      return e;
    }
  }
  SHMC_CRASH_POINT("segment/create/before_ready", "payload initialised, state not yet READY");
  h->state.store(kStateReady, std::memory_order_release);
  SHMC_CRASH_POINT("segment/create/after_ready", "READY, init lock still held");
  if (sys::ofd_lock(seg.fd_, F_UNLCK, kInitLockByte, 1) != 0) {
    Error e = sys_error("releasing the init lock", name);
    seg.reset();
    return e;
  }
  return seg;
}

Result<Segment> Segment::open(const std::string& name, SegmentKind kind, const SegmentOptions& options) {
  if (auto v = validate_segment_name(name); !v) return v.error();
  const auto deadline = Clock::now() + options.init_wait;
  for (int attempt = 0;; ++attempt) {
    Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0)};
    if (fd.fd < 0) return sys_error("shm_open", name);

    // Attach first, so that gc cannot reclaim the object between our checks and our use.
    if (sys::ofd_lock(fd.fd, F_RDLCK, kAttachLockByte, 1) != 0) {
      if (errno != EAGAIN) return sys_error("attach lock", name);
      if (Clock::now() >= deadline)
        return make_error(Errc::timed_out, "'" + name + "' is locked exclusively (being reclaimed?)");
      backoff(attempt);
      continue;
    }
    int held = sys::ofd_lock_held(fd.fd, F_RDLCK, kInitLockByte, 1);
    if (held < 0) return sys_error("init lock probe", name);

    struct ::stat st {};
    if (sys::fstat(fd.fd, &st) != 0) return sys_error("fstat", name);
    if (st.st_nlink == 0) {  // reclaimed under us: the name may be re-created, look again
      if (Clock::now() >= deadline) return make_error(Errc::not_found, "'" + name + "' was unlinked while opening it");
      continue;
    }
    if (held == 1) {
      // The creator is at work: nothing in the object is meaningful yet.
      if (Clock::now() >= deadline)
        return make_error(Errc::still_initialising, "'" + name + "' is still being initialised by its creator after " +
                                                        std::to_string(options.init_wait.count()) + " ms");
      backoff(attempt);
      continue;
    }
    // The init lock is free: the creator finished, or died. Contents are final.
    const auto file_size = static_cast<std::uint64_t>(st.st_size);
    auto hr = read_header(fd.fd, name);
    if (!hr) return hr.error();
    const SegmentHeaderImage& h = hr->header;
    const bool unwritten = h.magic == 0 && h.state == kStateInitialising;
    if (file_size >= sizeof h.magic && !unwritten && h.magic != kSegmentMagic && h.magic != kSegmentMagicSwapped)
      return make_error(Errc::foreign, "'" + name + "' is not a shmconform segment (bad magic)");
    if (file_size == 0) {
      // A creator between its O_EXCL create and taking the init lock looks
      // like this for an instant: give it the wait bound before judging.
      if (Clock::now() < deadline) {
        backoff(attempt);
        continue;
      }
      return make_error(Errc::creator_died, "'" + name + "' is empty and nobody is initialising it: its creator died "
                                                          "before sizing it");
    }
    if (!hr->complete || unwritten || h.state == kStateInitialising)
      return make_error(Errc::creator_died, "'" + name + "' was never marked ready (" + std::to_string(file_size) +
                                                " bytes) and no creator holds its init lock: the creator died while "
                                                "initialising it");
    if (auto bad = check_header(h, file_size, name)) return *bad;
    if (auto bad = segment_parts::check_usable(h, kind, options, name)) return *bad;

    const std::size_t total = static_cast<std::size_t>(h.total_size);
    void* base = sys::mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED, fd.fd, 0);
    if (base == MAP_FAILED) return sys_error("mmap", name);
    return adopt(name, fd.release(), base, total, st);
  }
}

Segment Segment::adopt(const std::string& name, int fd, void* base, std::size_t total, const struct ::stat& st) {
  Segment seg;
  seg.name_ = name;
  seg.fd_ = fd;
  seg.base_ = static_cast<std::byte*>(base);
  seg.mapped_size_ = total;
  seg.payload_size_ = total - kPayloadOffset;
  seg.dev_ = st.st_dev;
  seg.ino_ = st.st_ino;
  return seg;
}

Segment::Segment(Segment&& o) noexcept { *this = std::move(o); }

Segment& Segment::operator=(Segment&& o) noexcept {
  if (this != &o) {
    reset();
    name_ = std::move(o.name_);
    fd_ = std::exchange(o.fd_, -1);
    base_ = std::exchange(o.base_, nullptr);
    mapped_size_ = std::exchange(o.mapped_size_, 0);
    payload_size_ = std::exchange(o.payload_size_, 0);
    owner_pid_ = std::exchange(o.owner_pid_, 0);
    sealed_ = o.sealed_;
    dev_ = o.dev_;
    ino_ = o.ino_;
  }
  return *this;
}

Segment::~Segment() { reset(); }

void Segment::reset() noexcept {
  if (owner_pid_ != 0 && owner_pid_ == ::getpid()) (void)unlink();
  owner_pid_ = 0;
  if (base_ != nullptr) sys::munmap(base_, mapped_size_);
  base_ = nullptr;
  if (fd_ >= 0) sys::close(fd_);  // drops our OFD locks with the last descriptor
  fd_ = -1;
}

Result<void> Segment::unlink() {
  if (sealed_)
    return make_error(Errc::invalid_argument, "'" + name_ + "' has no name to unlink: it goes with its last descriptor");
  if (owner_pid_ == 0 || owner_pid_ != ::getpid())
    return make_error(Errc::permission_denied, "only the creator unlinks '" + name_ + "'");
  owner_pid_ = 0;
  // Unlink only if the name still refers to our object: somebody may have
  // reclaimed it and created a new one under the same name.
  Fd probe{sys::shm_open(name_.c_str(), O_RDONLY | O_CLOEXEC, 0)};
  if (probe.fd < 0) return errno == ENOENT ? Result<void>{} : Result<void>{sys_error("shm_open", name_)};
  struct ::stat st {};
  if (sys::fstat(probe.fd, &st) != 0) return sys_error("fstat", name_);
  if (st.st_dev != dev_ || st.st_ino != ino_) return {};
  if (sys::shm_unlink(name_.c_str()) != 0 && errno != ENOENT) return sys_error("shm_unlink", name_);
  return {};
}

void Segment::poison() {
  reinterpret_cast<SegmentHeader*>(base_)->state.store(kStatePoisoned, std::memory_order_release);
}

const char* to_string(SegmentClass c) {
  switch (c) {
    case SegmentClass::alive: return "ALIVE";
    case SegmentClass::stale: return "STALE";
    case SegmentClass::foreign: return "FOREIGN";
    case SegmentClass::unknown: return "UNKNOWN";
  }
  return "?";
}

namespace {

// Classifies through an open descriptor. With `take_locks`, a STALE verdict
// is backed by our own exclusive locks on both bytes, so no process can attach
// until we close the descriptor.
Result<Classification> classify_fd(int fd, const std::string& name, bool take_locks) {
  Classification c;
  struct ::stat st {};
  if (sys::fstat(fd, &st) != 0) return sys_error("fstat", name);
  c.file_size = static_cast<std::uint64_t>(st.st_size);

  int attached = sys::ofd_lock_held(fd, F_WRLCK, kAttachLockByte, 1);
  int initialising = sys::ofd_lock_held(fd, F_WRLCK, kInitLockByte, 1);
  if (attached < 0 || initialising < 0) return sys_error("lock probe", name);

  auto hr = read_header(fd, name);
  if (!hr) return hr.error();
  const SegmentHeaderImage& h = hr->header;
  const bool ours_by_name = name.rfind("/shmconform-", 0) == 0;
  const bool unwritten = h.magic == 0 && h.state == kStateInitialising;
  if (c.file_size >= sizeof h.magic && !unwritten && h.magic != kSegmentMagic && h.magic != kSegmentMagicSwapped) {
    c.cls = SegmentClass::foreign;
    c.reason = "bad magic: not a shmconform segment";
    return c;
  }
  if (c.file_size >= sizeof h.magic) c.header = h;
  if (hr->complete) c.creator = liveness(ProcessIdentity{h.creator_tid, h.creator_start_ticks});

  if (attached == 1 || initialising == 1) {
    c.cls = SegmentClass::alive;
    c.reason = initialising == 1 ? "its creator is initialising it" : "at least one process is attached";
    return c;
  }
  if (c.file_size < sizeof(SegmentHeader) || unwritten) {
    if ((c.file_size == 0 || unwritten) && ours_by_name) {
      c.cls = SegmentClass::stale;
      c.reason = "header never written and unattached: its creator died while creating it";
    } else {
      c.cls = SegmentClass::unknown;
      c.reason = "smaller than a header and unattached: truncated or not ours";
    }
  } else if (auto bad = check_header(h, c.file_size, name)) {
    c.cls = SegmentClass::unknown;
    c.reason = bad->describe();
  } else {
    c.cls = SegmentClass::stale;
    c.reason = h.state == kStateReady
                   ? "valid and unattached: every process that used it is gone"
                   : "never became ready and unattached: its creator died while initialising";
  }
  if (c.cls == SegmentClass::stale && take_locks) {
    // Take both bytes exclusively: attachers (shared lock) now fail and back off.
    if (sys::ofd_lock(fd, F_WRLCK, kInitLockByte, 2) != 0) {
      c.cls = SegmentClass::alive;
      c.reason = "a process attached while we looked";
    }
  }
  return c;
}

}  // namespace

Result<Classification> classify_segment(const std::string& name) {
  if (auto v = validate_segment_name(name); !v) return v.error();
  Fd fd{sys::shm_open(name.c_str(), O_RDONLY | O_CLOEXEC, 0)};
  if (fd.fd < 0) return sys_error("shm_open", name);
  return classify_fd(fd.fd, name, false);
}

Result<Classification> reclaim_if_stale(const std::string& name) {
  if (auto v = validate_segment_name(name); !v) return v.error();
  Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0)};
  if (fd.fd < 0) return sys_error("shm_open", name);
  auto c = classify_fd(fd.fd, name, true);
  if (!c || c->cls != SegmentClass::stale) return c;
  // Holding both locks: nobody is attached and nobody can attach before the unlink.
  // An opener that got its descriptor before the unlink sees st_nlink == 0 and retries.
  if (sys::shm_unlink(name.c_str()) != 0 && errno != ENOENT) return sys_error("shm_unlink", name);
  return c;
}

}  // namespace shmc
