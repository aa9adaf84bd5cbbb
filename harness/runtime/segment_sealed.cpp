// The sealed segment: the named segment's header in a memfd whose size is
// sealed (segment.hpp). What a named object cannot promise, the seals do: they
// belong to the object, not to a descriptor, so no holder of it (a receiver of
// the descriptor, a process that reopened /proc/<pid>/fd/<n>) can shrink it
// under somebody's mapping.
#include <cerrno>
#include <climits>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/runtime/segment_parts.hpp"
#include "shmconform/runtime/crash_point.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/runtime/sys.hpp"

// Old headers: the kernel's values (include/uapi/linux/fcntl.h), so this file
// builds; without memfd_create the create fails with ENOSYS (sys.cpp).
#ifndef F_SEAL_SEAL
#define F_SEAL_SEAL 0x0001
#define F_SEAL_SHRINK 0x0002
#define F_SEAL_GROW 0x0004
#define F_SEAL_WRITE 0x0008
#endif
#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 0x0001U
#define MFD_ALLOW_SEALING 0x0002U
#endif

namespace shmc {

namespace {

using segment_parts::Fd;

// Size frozen both ways, and no further seal: nobody can later add a write
// seal that would refuse the mappings of peers still to open it.
constexpr int kSizeSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;
constexpr int kWriteSeals = F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;

std::string describe_seals(int seals) {
  std::string out;
  auto add = [&](int bit, const char* word) {
    if ((seals & bit) == 0) return;
    if (!out.empty()) out += "|";
    out += word;
  };
  add(F_SEAL_SHRINK, "SHRINK");
  add(F_SEAL_GROW, "GROW");
  add(F_SEAL_WRITE, "WRITE");
  add(F_SEAL_FUTURE_WRITE, "FUTURE_WRITE");
  add(F_SEAL_SEAL, "SEAL");
  return out.empty() ? "none" : out;
}

// "memfd:shmconform-ring" from /proc/self/fd, for messages; "descriptor 7" when /proc cannot say.
std::string describe_descriptor(int fd) {
  char link[PATH_MAX];
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  const ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
  if (n <= 0) return "descriptor " + std::to_string(fd);
  std::string target(link, static_cast<std::size_t>(n));
  if (target.rfind("/memfd:", 0) == 0) target.erase(0, 1);
  if (const std::string gone = " (deleted)"; target.ends_with(gone)) target.erase(target.size() - gone.size());
  return target;
}

// The reason to refuse a descriptor for its seals, if there is one.
std::optional<Error> check_seals(int fd, const std::string& name) {
  const int seals = sys::get_seals(fd);
  if (seals < 0 && errno != EINVAL) return sys_error("F_GET_SEALS", name);
  if (SHMC_FAULT_POINT("segment/sealed/planted_unchecked_seals", "planted bug: open_sealed takes any descriptor"))
    return std::nullopt;
  if (seals < 0)
    return make_error(Errc::not_sealed, "'" + name + "' is not a memfd (F_GET_SEALS: EINVAL): its size cannot be sealed",
                      EINVAL);
  if ((seals & kSizeSeals) != kSizeSeals) {
    std::string could;
    auto unless = [&](int bit, const char* what) {
      if ((seals & bit) != 0) return;
      could += could.empty() ? "" : ", ";
      could += what;
    };
    unless(F_SEAL_SHRINK, "shrink it under our mapping (SIGBUS)");
    unless(F_SEAL_GROW, "grow it");
    unless(F_SEAL_SEAL, "add a write seal that refuses later openers' mappings");
    return make_error(Errc::not_sealed, "'" + name + "' has seals " + describe_seals(seals) + ", not " +
                                            describe_seals(kSizeSeals) + ": any holder of it could " + could +
                                            " (a shm_open object, or a memfd made without MFD_ALLOW_SEALING, has only "
                                            "SEAL and can never be sealed)");
  }
  if ((seals & kWriteSeals) != 0)
    return make_error(Errc::permission_denied, "'" + name + "' is write-sealed (" + describe_seals(seals) +
                                                   "): no writable mapping of it can be made");
  return std::nullopt;
}

// The header checks of open(), for a memfd: no init lock to wait on (nobody
// sees a memfd before its creator hands it over), so anything not READY was
// handed over too early or scribbled. The size to map, from the header read
// once: a peer scribbling it later cannot change what was checked.
Result<std::size_t> checked_size(int fd, std::uint64_t file_size, SegmentKind kind, const SegmentOptions& options,
                                 const std::string& name) {
  if (SHMC_FAULT_POINT("segment/sealed/planted_unchecked_header", "planted bug: open_sealed maps whatever it is given")) {
    if (file_size < kPayloadOffset) return make_error(Errc::truncated, "'" + name + "' is smaller than a header");
    return static_cast<std::size_t>(file_size);
  }
  auto hr = segment_parts::read_header(fd, name);
  if (!hr) return hr.error();
  const SegmentHeaderImage& h = hr->header;
  if (file_size >= sizeof h.magic && h.magic != kSegmentMagic && h.magic != kSegmentMagicSwapped)
    return make_error(Errc::foreign, "'" + name + "' is not a shmconform segment (bad magic)");
  if (!hr->complete)
    return make_error(Errc::truncated, "'" + name + "' is " + std::to_string(file_size) +
                                           " bytes, smaller than a segment header");
  if (auto bad = segment_parts::check_header(h, file_size, name)) return *bad;
  if (h.state == kStateInitialising)
    return make_error(Errc::corrupt, "'" + name + "' was never marked ready: it was handed over before its creator "
                                         "finished (create_sealed hands out only ready segments)");
  if (auto bad = segment_parts::check_usable(h, kind, options, name)) return *bad;
  return static_cast<std::size_t>(h.total_size);
}

}  // namespace

Result<Segment> Segment::create_sealed(SegmentKind kind, std::size_t payload_size, const Initialiser& init,
                                       const SegmentOptions& options) {
  // memfd names are for /proc only and may repeat; 249 bytes at most.
  const std::string memfd_name = "shmconform-" + (options.label.empty() ? std::string("segment") : options.label.substr(0, 200));
  const std::string name = "memfd:" + memfd_name;
  auto total = segment_parts::total_size_for(payload_size, name);
  if (!total) return total.error();

  // No crash points here: a creator that dies anywhere below takes the only
  // descriptor with it, and the object goes before anybody could have seen it.
  Fd fd{sys::memfd_create(memfd_name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING)};
  if (fd.fd < 0) return sys_error("memfd_create", name);
  if (auto r = segment_parts::size_and_reserve(fd.fd, *total, name,
                                              "out of memory for memfds (they do not use /dev/shm; their pages count "
                                              "against this process's memory limits)");
      !r)
    return r.error();
  struct ::stat st {};
  if (sys::fstat(fd.fd, &st) != 0) return sys_error("fstat", name);
  void* base = sys::mmap(nullptr, *total, PROT_READ | PROT_WRITE, MAP_SHARED, fd.fd, 0);
  if (base == MAP_FAILED) return sys_error("mmap", name);

  Segment seg = adopt(name, fd.release(), base, *total, st);
  seg.sealed_ = true;
  auto* h = reinterpret_cast<SegmentHeader*>(seg.base_);
  segment_parts::write_header(*h, kind, *total, options);
  if (init) {
    if (auto r = init(seg.payload(), seg.payload_size_); !r) return r.error();
  }
  // Sealed before READY: whoever sees READY sees a size nobody can change.
  const bool planted = SHMC_FAULT_POINT("segment/sealed/planted_no_seals", "planted bug: create_sealed seals nothing");
  if (!planted && sys::add_seals(seg.fd_, kSizeSeals) != 0) return sys_error("F_ADD_SEALS", name);
  h->state.store(kStateReady, std::memory_order_release);
  return seg;
}

Result<Segment> Segment::open_sealed(int fd, SegmentKind kind, const SegmentOptions& options) {
  if (fd < 0) return make_error(Errc::invalid_argument, "no descriptor to open (" + std::to_string(fd) + ")");
  const std::string name = describe_descriptor(fd);
  // The seals first: once they are checked the size below is final.
  if (auto bad = check_seals(fd, name)) return *bad;
  Fd own{::fcntl(fd, F_DUPFD_CLOEXEC, 0)};
  if (own.fd < 0) return sys_error("F_DUPFD_CLOEXEC", name);
  struct ::stat st {};
  if (sys::fstat(own.fd, &st) != 0) return sys_error("fstat", name);
  auto total = checked_size(own.fd, static_cast<std::uint64_t>(st.st_size), kind, options, name);
  if (!total) return total.error();
  void* base = sys::mmap(nullptr, *total, PROT_READ | PROT_WRITE, MAP_SHARED, own.fd, 0);
  if (base == MAP_FAILED) return sys_error("mmap", name);
  Segment seg = adopt(name, own.release(), base, *total, st);
  seg.sealed_ = true;
  return seg;
}

}  // namespace shmc
