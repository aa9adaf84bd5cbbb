// A named POSIX shared-memory segment with a validated header.
//
// Life cycle, and why it cannot race (seed 003, exercise 5: a second process
// that opens between O_EXCL create and initialisation uses uninitialised memory):
//   creator: shm_open(O_CREAT|O_EXCL, 0600) -> OFD write-lock on byte 0 (init)
//            and read-lock on byte 1 (attach) -> ftruncate -> header (state 0)
//            -> fixture initialiser -> state = READY (release) -> unlock byte 0.
//   opener:  shm_open -> read-lock byte 1 -> wait (bounded) while byte 0 is
//            write-locked -> fstat before touching memory -> validate header
//            -> state must be READY -> map the whole object.
// The kernel drops a dead creator's locks, so "byte 0 free and state not READY"
// proves the creator died during initialisation; an opener never spins on a
// counter a dead process could not update.
//
// Every attached process holds the shared lock on byte 1 for as long as the
// Segment object lives; a segment whose byte 1 nobody holds is STALE: nobody
// can be using it, whatever the header says.
//
// The sealed variant (create_sealed / open_sealed) lives in a memfd instead of
// a name: the same header, checked the same way, but its size is sealed
// (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL), so no holder of the object can
// shrink it under another's mapping, the SIGBUS a named object's peers can
// cause at will. It has no name in /dev/shm: peers get it by descriptor,
// inherited across fork or passed over a Unix socket (fd_passing.hpp), and it
// goes away with its last descriptor and mapping. Nobody sees it before its
// creator hands it over, so it needs neither the init lock nor stale
// detection; gc and `shmconform inspect` never see it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <sys/types.h>

#include "shmconform/runtime/result.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/runtime/segment_header.hpp"

namespace shmc {

struct SegmentOptions {
  // How long open() waits for a creator that is still initialising.
  std::chrono::milliseconds init_wait{2000};
  mode_t mode = 0600;
  std::string label;               // informational, shown by `shmconform inspect`
  std::uint32_t fixture_version = 1;
  // libc_sync_abi() for fixtures with sem_t or pthread_mutex_t in the payload;
  // create records it, open refuses a segment that recorded another value.
  std::uint32_t fixture_abi = 0;
};

// The options of a fixture whose payload holds sem_t or pthread_mutex_t:
// fixture_abi = libc_sync_abi(), for create and open alike.
inline SegmentOptions holding_libc_objects(SegmentOptions options) {
  options.fixture_abi = libc_sync_abi();
  return options;
}

class Segment {
 public:
  // Initialises the payload (all zeros on entry). Runs while the init lock is
  // held, before the segment is READY: nobody else can see the payload yet.
  using Initialiser = std::function<Result<void>(std::byte* payload, std::size_t size)>;

  static Result<Segment> create(const std::string& name, SegmentKind kind, std::size_t payload_size,
                                const Initialiser& init = {}, const SegmentOptions& options = {});
  // Opens and validates. Each reason for refusal is its own Errc. A segment created in another PID
  // namespace is refused (Errc::foreign_pid_namespace): the owner identities in it name other processes here.
  static Result<Segment> open(const std::string& name, SegmentKind kind, const SegmentOptions& options = {});

  // A segment over a new memfd (MFD_ALLOW_SEALING | MFD_CLOEXEC): sized,
  // header written, initialised, sealed against resizing, then READY. Pass
  // fd() to peers. Its name() is "memfd:shmconform-<label>" (for messages and
  // /proc/<pid>/fd); options.mode and init_wait do not apply.
  static Result<Segment> create_sealed(SegmentKind kind, std::size_t payload_size, const Initialiser& init = {},
                                       const SegmentOptions& options = {});
  // Opens the segment behind a descriptor somebody handed over. Refuses, as
  // Errc::not_sealed, a descriptor whose size is not sealed (a memfd without
  // the seals, a shm_open object, any other file); a write-sealed one as
  // permission_denied; then validates the header as open() does (foreign,
  // layout, ABI, sizes, state, kind, PID namespace, libc layout). Keeps its
  // own duplicate of `fd`: the caller's stays the caller's to close.
  static Result<Segment> open_sealed(int fd, SegmentKind kind, const SegmentOptions& options = {});

  Segment(Segment&& other) noexcept;
  Segment& operator=(Segment&& other) noexcept;
  Segment(const Segment&) = delete;
  Segment& operator=(const Segment&) = delete;
  // Unmaps and closes. The owner (the creating process, not a forked child of
  // it) also unlinks the name, if the name still refers to this object.
  ~Segment();

  const std::string& name() const { return name_; }
  std::byte* payload() const { return base_ + kPayloadOffset; }
  std::size_t payload_size() const { return payload_size_; }
  const SegmentHeader& header() const { return *reinterpret_cast<const SegmentHeader*>(base_); }
  std::uint64_t generation() const { return header().generation; }
  // This process unlinks the name on destruction (never for a sealed segment: it has no name).
  bool is_owner() const { return owner_pid_ != 0; }
  int fd() const { return fd_; }
  // Over a size-sealed memfd (create_sealed / open_sealed): its size cannot change while mapped.
  bool sealed() const { return sealed_; }

  // Unlinks the name now (owner only, and only if the name is still ours; a
  // sealed segment has none: invalid_argument).
  Result<void> unlink();
  // This process will not unlink on destruction (another takes over the name).
  void disown() { owner_pid_ = 0; }
  // Marks the contents as unusable; later opens fail with Errc::corrupt.
  void poison();

 private:
  Segment() = default;
  // Takes ownership of a validated descriptor and its mapping.
  static Segment adopt(const std::string& name, int fd, void* base, std::size_t total, const struct ::stat& st);
  void reset() noexcept;

  std::string name_;
  int fd_ = -1;
  std::byte* base_ = nullptr;
  std::size_t mapped_size_ = 0;
  std::size_t payload_size_ = 0;
  pid_t owner_pid_ = 0;
  bool sealed_ = false;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

// Stale-segment detection, from kernel facts only (OFD locks held by attached
// processes, the creator's (tid, start time)), never from counters.
enum class SegmentClass {
  alive,    // some process is attached (or the creator is initialising it)
  stale,    // ours, valid or abandoned mid-initialisation, and nobody is attached: reclaimable
  foreign,  // not a shmconform segment: never touched
  unknown,  // ours by magic but unreadable (other ABI / layout, truncated, no permission): never touched
};
const char* to_string(SegmentClass c);

struct Classification {
  SegmentClass cls = SegmentClass::unknown;
  std::string reason;
  std::optional<SegmentHeaderImage> header;  // a copy, when one could be read
  std::uint64_t file_size = 0;
  Liveness creator = Liveness::unknown;
};

Result<Classification> classify_segment(const std::string& name);
// Unlinks the name if and only if it is STALE at the moment we hold its locks.
// Returns the classification that decided.
Result<Classification> reclaim_if_stale(const std::string& name);

// Checks a segment name: starts with '/', no other '/', 2..NAME_MAX bytes.
Result<void> validate_segment_name(const std::string& name);

}  // namespace shmc
