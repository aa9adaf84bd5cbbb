// memfd_create with seals (the seeds' fourth mechanism): an anonymous object
// whose size and contents can be frozen, passed to a process that did not
// create it over a Unix socket (SCM_RIGHTS). Sealing the size closes the hole
// a named object has: a peer with write access can shrink it under a mapping.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/fd_passing.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/runtime/sys.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"
#include "suite/segment/payload_pattern.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "memfd";
constexpr milliseconds kStep{2000};

#if defined(SHMC_HAVE_MEMFD_CREATE) && defined(F_ADD_SEALS)
constexpr bool kHaveMemfd = true;
int make_memfd(unsigned flags, std::size_t size) {
  const int fd = ::memfd_create("shmconform-check", MFD_CLOEXEC | flags);
  if (fd < 0) return -1;
  if (size > 0 && ::ftruncate(fd, static_cast<off_t>(size)) != 0) {
    const int e = errno;
    (void)::close(fd);
    errno = e;
    return -1;
  }
  return fd;
}
#else
constexpr bool kHaveMemfd = false;
int make_memfd(unsigned, std::size_t) {
  errno = ENOSYS;
  return -1;
}
// Only for compiling the UNSUPPORTED path; these rows never call fcntl with them.
#ifndef F_ADD_SEALS
#define F_ADD_SEALS 1033
#define F_GET_SEALS 1034
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef MFD_ALLOW_SEALING
#define MFD_ALLOW_SEALING 0x0002U
#endif
#endif

// A sealable memfd of `size` bytes, or the UNSUPPORTED reason.
struct Memfd {
  Fd fd;
  std::string why_not;
  explicit Memfd(std::size_t size, unsigned flags = MFD_ALLOW_SEALING) {
    if (!kHaveMemfd) {
      why_not = "memfd_create is not available in this libc (configure found none)";
      return;
    }
    fd.reset(make_memfd(flags, size));
    if (!fd.ok()) why_not = "memfd_create: " + errno_text(errno);
  }
};

int add_seals(int fd, int seals) { return ::fcntl(fd, F_ADD_SEALS, seals); }

SHMC_CHECK("memfd.seal.shrink_grow", kSection,
           "F_SEAL_SHRINK refuses a smaller ftruncate and F_SEAL_GROW a larger one (EPERM); the size stays",
           "", "Linux memfd_create(2), fcntl(2) F_ADD_SEALS") {
  Memfd m(8192);
  if (!m.fd.ok()) return unsupported(m.why_not);
  if (add_seals(m.fd.get(), F_SEAL_SHRINK) != 0) return fail("F_SEAL_SHRINK: " + errno_text(errno));
  if (::ftruncate(m.fd.get(), 4096) == 0) return fail("a shrink-sealed memfd shrank");
  if (errno != EPERM) return fail("shrink: expected EPERM, got " + errno_text(errno));
  if (::ftruncate(m.fd.get(), 12288) != 0) return fail("growing a shrink-only-sealed memfd: " + errno_text(errno));
  if (add_seals(m.fd.get(), F_SEAL_GROW) != 0) return fail("F_SEAL_GROW: " + errno_text(errno));
  if (::ftruncate(m.fd.get(), 16384) == 0) return fail("a grow-sealed memfd grew");
  if (errno != EPERM) return fail("grow: expected EPERM, got " + errno_text(errno));
  const char b = 1;
  if (::pwrite(m.fd.get(), &b, 1, 20000) >= 0) return fail("a write past the end grew a grow-sealed memfd");
  struct ::stat st {};
  if (::fstat(m.fd.get(), &st) != 0 || st.st_size != 12288) return fail("the size changed under the seals");
  return pass();
}

SHMC_CHECK("memfd.seal.write", kSection,
           "F_SEAL_WRITE is refused (EBUSY) while a writable shared mapping exists; once set, write() and a writable "
           "MAP_SHARED mmap fail with EPERM, a read-only mapping works",
           "", "Linux memfd_create(2) F_SEAL_WRITE") {
  Memfd m(4096);
  if (!m.fd.ok()) return unsupported(m.why_not);
  {
    Mapping w(m.fd.get(), 4096);
    if (!w.ok()) return fail("mmap: " + errno_text(w.error()));
    w.bytes()[0] = 0x77;
    if (add_seals(m.fd.get(), F_SEAL_WRITE) == 0) return fail("F_SEAL_WRITE was set under a writable shared mapping");
    if (errno != EBUSY) return fail("under a writable mapping: expected EBUSY, got " + errno_text(errno));
  }
  if (add_seals(m.fd.get(), F_SEAL_WRITE) != 0) return fail("F_SEAL_WRITE: " + errno_text(errno));
  const char b = 1;
  if (::pwrite(m.fd.get(), &b, 1, 0) >= 0) return fail("write() to a write-sealed memfd succeeded");
  if (errno != EPERM) return fail("write(): expected EPERM, got " + errno_text(errno));
  Mapping w(m.fd.get(), 4096);
  if (w.ok()) return fail("a writable MAP_SHARED mapping of a write-sealed memfd was granted");
  if (w.error() != EPERM) return fail("writable mmap: expected EPERM, got " + errno_text(w.error()));
  void* r = sys::mmap(nullptr, 4096, PROT_READ, MAP_SHARED, m.fd.get(), 0);
  if (r == MAP_FAILED) return fail("a read-only mapping of the sealed memfd: " + errno_text(errno));
  const bool kept = static_cast<volatile unsigned char*>(r)[0] == 0x77;
  (void)sys::munmap(r, 4096);
  if (!kept) return fail("the sealed contents changed");
  return pass();
}

SHMC_CHECK("memfd.seal.future_write", kSection,
           "F_SEAL_FUTURE_WRITE leaves an existing writable mapping working but refuses new writable mappings and "
           "write() (EPERM); UNSUPPORTED before Linux 5.1",
           "", "Linux memfd_create(2) F_SEAL_FUTURE_WRITE") {
#if defined(F_SEAL_FUTURE_WRITE)
  Memfd m(4096);
  if (!m.fd.ok()) return unsupported(m.why_not);
  Mapping before(m.fd.get(), 4096);
  if (!before.ok()) return fail("mmap: " + errno_text(before.error()));
  if (add_seals(m.fd.get(), F_SEAL_FUTURE_WRITE) != 0) {
    if (errno == EINVAL) return unsupported("F_SEAL_FUTURE_WRITE: EINVAL (kernel before 5.1)");
    return fail("F_SEAL_FUTURE_WRITE: " + errno_text(errno));
  }
  before.bytes()[0] = 0x42;  // the owner's mapping still writes
  Mapping after(m.fd.get(), 4096);
  if (after.ok()) return fail("a new writable shared mapping was granted after F_SEAL_FUTURE_WRITE");
  if (after.error() != EPERM) return fail("new writable mapping: expected EPERM, got " + errno_text(after.error()));
  const char b = 1;
  if (::pwrite(m.fd.get(), &b, 1, 1) >= 0) return fail("write() after F_SEAL_FUTURE_WRITE succeeded");
  if (errno != EPERM) return fail("write(): expected EPERM, got " + errno_text(errno));
  return pass("the creator keeps writing through its mapping; receivers of the descriptor can only read");
#else
  return unsupported("F_SEAL_FUTURE_WRITE is not defined by this libc's headers");
#endif
}

SHMC_CHECK("memfd.seal.seal", kSection,
           "after F_SEAL_SEAL no further seal can be added (EPERM); a memfd made without MFD_ALLOW_SEALING takes none",
           "", "Linux memfd_create(2) F_SEAL_SEAL") {
  Memfd m(4096);
  if (!m.fd.ok()) return unsupported(m.why_not);
  if (add_seals(m.fd.get(), F_SEAL_SHRINK | F_SEAL_SEAL) != 0) return fail("F_SEAL_SEAL: " + errno_text(errno));
  if (add_seals(m.fd.get(), F_SEAL_GROW) == 0) return fail("a seal was added after F_SEAL_SEAL");
  if (errno != EPERM) return fail("expected EPERM, got " + errno_text(errno));
  if (int s = ::fcntl(m.fd.get(), F_GET_SEALS); s != (F_SEAL_SHRINK | F_SEAL_SEAL))
    return fail("F_GET_SEALS reports " + std::to_string(s));
  Memfd plain(4096, 0);
  if (!plain.fd.ok()) return fail(plain.why_not);
  if (add_seals(plain.fd.get(), F_SEAL_SHRINK) == 0) return fail("a memfd without MFD_ALLOW_SEALING took a seal");
  if (errno != EPERM) return fail("without MFD_ALLOW_SEALING: expected EPERM, got " + errno_text(errno));
  return pass();
}

// A connected pair of Unix stream sockets, closed on destruction.
struct SocketPair {
  Fd ends[2];
  SocketPair() {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) != 0) return;
    ends[0].reset(pair[0]);
    ends[1].reset(pair[1]);
  }
  bool ok() const { return ends[0].ok() && ends[1].ok(); }
};

struct PassState {
  std::atomic<std::uint32_t> received;
  std::atomic<std::uint32_t> checked;
};

SHMC_CHECK("memfd.scm_rights.sealed_size", kSection,
           "a size-sealed memfd passed over a Unix socket (SCM_RIGHTS) to a process that did not create it is the same "
           "object there: it sees the seals and the data, its writes come back, and it cannot shrink it",
           "", "Linux unix(7) SCM_RIGHTS, memfd_create(2)") {
  if (!kHaveMemfd) return unsupported("memfd_create is not available in this libc");
  SocketPair sockets;
  if (!sockets.ok()) return fail("socketpair: " + errno_text(errno));
  Fd &creator_end = sockets.ends[0], &receiver_end = sockets.ends[1];
  harness::SharedArray<PassState> shared(1);
  PassState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  // Both actors are forked before the memfd exists: the receiver can only have it from the socket.
  actors.add("creator", [&](harness::ActorContext&) {
    Memfd m(4096);
    expect(m.fd.ok(), m.why_not);
    Mapping map(m.fd.get(), 4096);
    expect(map.ok(), "mmap: " + errno_text(map.error()));
    map.bytes()[0] = 0xc1;
    expect(add_seals(m.fd.get(), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0, "sealing: " + errno_text(errno));
    auto sent = send_descriptor(creator_end.get(), m.fd.get());
    expect(sent.ok(), sent ? "" : sent.error().describe());
    expect(wait_flag(st.checked, 1, kStep), "the receiver never answered");
    expect(map.bytes()[1] == 0xd2, "the receiver's write did not reach the creator's mapping");
    return 0;
  });
  actors.add("receiver", [&](harness::ActorContext& ctx) {
    ctx.doing("receiving the descriptor");
    auto received = receive_descriptor(receiver_end.get(), kStep);
    expect(received.ok(), received ? "" : received.error().describe());
    Fd fd{*received};
    const int seals = ::fcntl(fd.get(), F_GET_SEALS);
    expect(seals == (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), "the received seals are " + std::to_string(seals));
    Mapping map(fd.get(), 4096);
    expect(map.ok(), "mmap of the received descriptor: " + errno_text(map.error()));
    expect(map.bytes()[0] == 0xc1, "the receiver does not see the creator's data");
    map.bytes()[1] = 0xd2;
    expect(::ftruncate(fd.get(), 0) != 0 && errno == EPERM, "the receiver could shrink the sealed memfd");
    st.checked.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  return pass();
}

struct SealedSegmentState {
  std::atomic<std::uint32_t> done;
};

SHMC_CHECK("memfd.segment.sealed", kSection,
           "a Segment over a sealed memfd (Segment::create_sealed), sent over a Unix socket to a process that did not "
           "create it: that process opens it (open_sealed checks the seals and the header), its own ftruncate to 0 fails "
           "with EPERM and every byte of its view and the creator's is still there; a copy without the seals is refused "
           "as not sealed",
           "", "Linux memfd_create(2), fcntl(2) F_ADD_SEALS, unix(7) SCM_RIGHTS") {
  if (!kHaveMemfd) return unsupported("memfd_create is not available in this libc");
  SocketPair sockets;
  if (!sockets.ok()) return fail("socketpair: " + errno_text(errno));
  harness::SharedArray<SealedSegmentState> shared(1);
  SealedSegmentState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  // Both forked before the segment exists: the receiver can only have it from the socket.
  actors.add("creator", [&](harness::ActorContext& ctx) {
    // However the creator ends, the receiver then reads the end of the stream instead of waiting out its bound.
    struct HangUp {
      int sock;
      ~HangUp() { (void)::shutdown(sock, SHUT_WR); }
    } hang_up{sockets.ends[0].get()};
    auto seg = Segment::create_sealed(SegmentKind::raw, 16 * page_size(), shmc::testing::fill_pattern);
    expect(seg.ok(), seg ? "" : "Segment::create_sealed: " + seg.error().describe());
    auto sent = send_descriptor(sockets.ends[0].get(), seg->fd());
    expect(sent.ok(), sent ? "" : sent.error().describe());
    ctx.doing("waiting for the receiver");
    expect(wait_flag(st.done, 1, kStep), "the receiver never finished");
    expect(shmc::testing::pattern_intact(*seg), "the creator's view changed");
    return 0;
  });
  actors.add("receiver", [&](harness::ActorContext& ctx) {
    let_signal_kill(SIGBUS);
    ctx.doing("receiving the descriptor");
    auto received = receive_descriptor(sockets.ends[1].get(), kStep);
    expect(received.ok(), received ? "" : received.error().describe());
    Fd fd{*received};
    auto seg = Segment::open_sealed(fd.get(), SegmentKind::raw);
    expect(seg.ok(), seg ? "" : "Segment::open_sealed refused the creator's segment: " + seg.error().describe());
    expect(shmc::testing::pattern_intact(*seg), "the receiver does not see the creator's payload");
    const bool shrunk = sys::ftruncate(fd.get(), 0) == 0;
    const int e = errno;
    expect(!shrunk, "the receiver shrank the sealed segment to 0 bytes");
    expect(e == EPERM, "shrinking the sealed segment: expected EPERM, got " + errno_text(e));
    ctx.doing("reading every byte after the refused shrink");
    expect(shmc::testing::pattern_intact(*seg), "the receiver's view changed");
    st.done.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  Memfd copy(4096);
  if (!copy.fd.ok()) return fail(copy.why_not);
  auto refused = Segment::open_sealed(copy.fd.get(), SegmentKind::raw);
  if (refused) return fail("open_sealed accepted a memfd without seals");
  if (refused.error().code != Errc::not_sealed) return fail("an unsealed memfd refused as " + refused.error().describe());
  return pass();
}

SHMC_CHECK("memfd.vs_shm_open.peer_shrink", kSection,
           "a peer with write access can shrink a validated shm_open object under its users (FINDING), while a "
           "size-sealed memfd refuses the same shrink",
           "", "XSH ftruncate; Linux memfd_create(2)") {
  ShmName name{harness::unique_name("shrinkable")};
  Fd obj{create_object(name.c_str(), 8192)};
  if (!obj.ok()) return fail("creating the object: " + errno_text(errno));
  Fd peer{sys::shm_open(name.c_str(), O_RDWR, 0)};
  if (!peer.ok()) return fail("the peer's shm_open: " + errno_text(errno));
  if (sys::ftruncate(peer.get(), 0) != 0) return fail("the peer could not shrink the named object: " + errno_text(errno));
  Memfd m(8192);
  if (!m.fd.ok()) return finding("a peer shrank a shm_open object to 0 bytes under its opener; " + m.why_not);
  if (add_seals(m.fd.get(), F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) != 0) return fail("sealing: " + errno_text(errno));
  const int dup = ::fcntl(m.fd.get(), F_DUPFD_CLOEXEC, 0);  // another holder of the same object
  if (dup < 0) return fail("F_DUPFD: " + errno_text(errno));
  Fd other{dup};
  if (::ftruncate(other.get(), 0) == 0) return fail("a sealed memfd was shrunk");
  if (errno != EPERM) return fail("shrinking the sealed memfd: expected EPERM, got " + errno_text(errno));
  return finding("a peer shrank a validated shm_open object to 0 bytes (its users SIGBUS on the next access); a "
                 "size-sealed memfd refused the same shrink with EPERM: pass sealed memfds where peers are not trusted "
                 "(Segment::create_sealed, see memfd.segment.sealed)");
}

}  // namespace
}  // namespace shmc::conformance
