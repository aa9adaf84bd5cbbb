#include "harness/runtime/segment_parts.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "shmconform/runtime/crash_point.hpp"
#include "shmconform/runtime/process_identity.hpp"
#include "shmconform/runtime/sys.hpp"

namespace shmc::segment_parts {

namespace {

std::uint64_t random_u64() {
  std::uint64_t v = 0;
  if (::getrandom(&v, sizeof v, 0) != static_cast<ssize_t>(sizeof v)) {
    v = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
        (static_cast<std::uint64_t>(::getpid()) << 32);
  }
  return v == 0 ? 1 : v;
}

std::uint64_t unix_now_ns() {
  struct timespec ts {};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1000000000ULL + static_cast<std::uint64_t>(ts.tv_nsec);
}

// Every owner word in the payload is an identity numbered in the creator's PID namespace: judged from
// another namespace, a live owner reads as dead (and is robbed) or as a stranger. So an opener from
// another namespace is refused; only an unknown side (0: the namespace could not be read) lets it by.
std::optional<Error> check_pid_namespace(const SegmentHeaderImage& h, const std::string& name) {
  const std::uint64_t ours = pid_namespace_id();
  const bool planted = SHMC_FAULT_POINT("segment/open/planted_ignore_pid_namespace",
                                        "planted bug: open() accepts a segment of another PID namespace");
  if (h.creator_pid_ns == 0 || ours == 0 || h.creator_pid_ns == ours || planted) return std::nullopt;
  return make_error(Errc::foreign_pid_namespace,
                    "'" + name + "' was created in PID namespace " + std::to_string(h.creator_pid_ns) +
                        " and this process is in " + std::to_string(ours) +
                        ": its owners' identities mean other processes here, so a live owner would be taken for "
                        "dead; open it from the creator's namespace (share the host PID namespace with the "
                        "container, e.g. docker --pid=host)");
}

std::string describe_sync_abi(std::uint32_t word) {
  if (word == 0) return "none";
  return "sem_t " + std::to_string(word & 0xff) + " bytes (align " + std::to_string((word >> 16) & 0xff) +
         "), pthread_mutex_t " + std::to_string((word >> 8) & 0xff) + " bytes (align " +
         std::to_string(word >> 24) + ")";
}

}  // namespace

Fd::~Fd() {
  if (fd >= 0) sys::close(fd);
}

Result<HeaderRead> read_header(int fd, const std::string& name) {
  HeaderRead out{};
  std::memset(static_cast<void*>(&out.header), 0, sizeof out.header);
  ssize_t n = sys::pread(fd, &out.header, sizeof out.header, 0);
  if (n < 0) return sys_error("pread", name);
  out.complete = static_cast<std::size_t>(n) == sizeof out.header;
  return out;
}

std::optional<Error> check_header(const SegmentHeaderImage& h, std::uint64_t file_size, const std::string& name) {
  if (h.magic == kSegmentMagicSwapped)
    return make_error(Errc::abi_mismatch, "'" + name + "' was written with the other byte order");
  if (h.magic != kSegmentMagic) return make_error(Errc::foreign, "'" + name + "' is not a shmconform segment (bad magic)");
  if (h.layout_version != kSegmentLayoutVersion)
    return make_error(Errc::layout_mismatch, "'" + name + "' has header layout version " + std::to_string(h.layout_version) +
                                                 ", this build reads version " + std::to_string(kSegmentLayoutVersion));
  if (h.abi_tag != current_abi_tag()) {
    AbiTag theirs = decode_abi_tag(h.abi_tag), ours = decode_abi_tag(current_abi_tag());
    return make_error(Errc::abi_mismatch,
                      "'" + name + "' was created by a process with " + std::to_string(theirs.pointer_size * 8) +
                          "-bit pointers and 64-bit alignment " + std::to_string(theirs.align_u64) + ", this process has " +
                          std::to_string(ours.pointer_size * 8) + "-bit pointers and alignment " +
                          std::to_string(ours.align_u64));
  }
  if (h.header_size != sizeof(SegmentHeader) || h.payload_offset != kPayloadOffset)
    return make_error(Errc::corrupt, "'" + name + "' has an impossible header size or payload offset");
  if (h.total_size < kPayloadOffset || h.payload_size != h.total_size - kPayloadOffset)
    return make_error(Errc::corrupt, "'" + name + "' has inconsistent sizes in its header");
  if (file_size < h.total_size)
    return make_error(Errc::truncated, "'" + name + "' is " + std::to_string(file_size) + " bytes but its header says " +
                                           std::to_string(h.total_size));
  return std::nullopt;
}

std::optional<Error> check_usable(const SegmentHeaderImage& h, SegmentKind kind, const SegmentOptions& options,
                                  const std::string& name) {
  if (h.state == kStatePoisoned)
    return make_error(Errc::corrupt, "'" + name + "' was poisoned by a fixture that found its contents unrecoverable");
  if (h.state != kStateReady) return make_error(Errc::corrupt, "'" + name + "' has an unknown state word");
  if (h.kind != static_cast<std::uint32_t>(kind))
    return make_error(Errc::wrong_kind, "'" + name + "' holds another kind of fixture");
  if (auto bad = check_pid_namespace(h, name)) return bad;
  if (h.fixture_abi != options.fixture_abi)
    return make_error(Errc::abi_mismatch, "'" + name + "' holds libc objects laid out as " +
                                              describe_sync_abi(h.fixture_abi) + ", this process expects " +
                                              describe_sync_abi(options.fixture_abi));
  return std::nullopt;
}

Result<std::size_t> total_size_for(std::size_t payload_size, const std::string& name) {
  if (payload_size == 0 || static_cast<std::uint64_t>(payload_size) > (std::uint64_t{1} << 40))
    return make_error(Errc::invalid_argument, "payload size " + std::to_string(payload_size) + " for '" + name + "'");
  return kPayloadOffset + ((payload_size + 63) & ~std::size_t{63});
}

Result<void> size_and_reserve(int fd, std::size_t total, const std::string& name, std::string_view full_hint) {
  if (sys::ftruncate(fd, static_cast<off_t>(total)) != 0) return sys_error("ftruncate", name);
  if (const int e = ::posix_fallocate(fd, 0, static_cast<off_t>(total)); e != 0) {
    std::string why = "cannot reserve " + std::to_string(total) + " bytes for '" + name + "'";
    if (e == ENOSPC) why += std::string(": ") + std::string(full_hint);
    return make_error(Errc::syscall_failed, why + " (posix_fallocate: " + std::strerror(e) + ")", e);
  }
  return {};
}

void write_header(SegmentHeader& h, SegmentKind kind, std::size_t total, const SegmentOptions& options) {
  const ProcessIdentity me = self_identity();
  h.magic = kSegmentMagic;
  h.layout_version = kSegmentLayoutVersion;
  h.abi_tag = current_abi_tag();
  h.header_size = sizeof(SegmentHeader);
  h.kind = static_cast<std::uint32_t>(kind);
  h.total_size = total;
  h.payload_offset = kPayloadOffset;
  h.payload_size = total - kPayloadOffset;
  h.generation = random_u64();
  h.creator_tid = me.tid;
  h.creator_start_ticks = me.start_ticks;
  h.fixture_version = options.fixture_version;
  h.fixture_abi = options.fixture_abi;
  h.created_unix_ns = unix_now_ns();
  h.creator_pid_ns = pid_namespace_id();
  std::strncpy(h.label, options.label.c_str(), sizeof h.label - 1);
}

}  // namespace shmc::segment_parts
