// `shmconform inspect NAME`: what is this object, and may it be reclaimed?
#include <cstdio>
#include <stdexcept>
#include <cstring>
#include <ctime>

#include "shmconform/runtime/segment.hpp"
#include "cli/commands.hpp"

namespace shmc::cli {

namespace {

std::string fourcc(std::uint32_t v) {
  std::string s(4, ' ');
  for (int i = 0; i < 4; ++i) {
    char c = static_cast<char>((v >> (8 * i)) & 0xff);
    s[static_cast<std::size_t>(i)] = (c >= 32 && c < 127) ? c : '?';
  }
  return s;
}

void print_header(const SegmentHeaderImage& h) {
  AbiTag abi = decode_abi_tag(h.abi_tag);
  std::printf("  magic            0x%016llx%s\n", static_cast<unsigned long long>(h.magic),
              h.magic == kSegmentMagic ? " (shmconform)" : "");
  std::printf("  layout version   %u (this build: %u)\n", h.layout_version, kSegmentLayoutVersion);
  std::printf("  ABI tag          0x%08x: %u-bit pointers, u64 align %u, atomic u64 align %u, %s-endian%s\n", h.abi_tag,
              abi.pointer_size * 8u, abi.align_u64, abi.align_atomic_u64, (abi.flags & 1) ? "little" : "big",
              h.abi_tag == current_abi_tag() ? " (matches this process)" : " (DIFFERS from this process)");
  std::printf("  kind             %s\n", fourcc(h.kind).c_str());
  std::printf("  total size       %llu bytes (payload %llu at offset %llu)\n",
              static_cast<unsigned long long>(h.total_size), static_cast<unsigned long long>(h.payload_size),
              static_cast<unsigned long long>(h.payload_offset));
  const char* state = h.state == kStateReady ? "READY" : h.state == kStateInitialising ? "INITIALISING"
                      : h.state == kStatePoisoned ? "POISONED" : "INVALID";
  std::printf("  state            %s (0x%08x)\n", state, h.state);
  ProcessIdentity creator{h.creator_tid, h.creator_start_ticks};
  // An identity from another PID namespace names another process here: do not judge it.
  const bool foreign_ns = h.creator_pid_ns != 0 && pid_namespace_id() != 0 && h.creator_pid_ns != pid_namespace_id();
  std::printf("  creator          %s, %s now\n", creator.describe().c_str(),
              foreign_ns ? "unknown (another PID namespace)" : to_string(liveness(creator)));
  std::printf("  pid namespace    %llu%s\n", static_cast<unsigned long long>(h.creator_pid_ns),
              h.creator_pid_ns == 0 ? " (not recorded)" : foreign_ns ? " (NOT this process's: open() refuses it)" : " (this process's)");
  std::printf("  generation       0x%016llx\n", static_cast<unsigned long long>(h.generation));
  std::time_t secs = static_cast<std::time_t>(h.created_unix_ns / 1000000000ULL);
  char when[64] = "?";
  if (std::tm tm{}; ::gmtime_r(&secs, &tm) != nullptr) std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
  std::printf("  created          %s\n", when);
  std::printf("  fixture version  0x%08x\n", h.fixture_version);
  std::printf("  libc objects     %s\n", h.fixture_abi == 0 ? "none in the payload"
                                         : h.fixture_abi == libc_sync_abi() ? "laid out as in this process"
                                                                            : "laid out DIFFERENTLY from this process");
  std::string label(h.label, strnlen(h.label, sizeof h.label));
  if (!label.empty()) std::printf("  label            %s\n", label.c_str());
}

}  // namespace

int inspect_command(const Args& args) {
  if (args.size() != 1) throw std::invalid_argument("usage: shmconform inspect NAME (for example /shmconform-...)");
  auto cls = classify_segment(args[0]);
  if (!cls) {
    std::fprintf(stderr, "shmconform inspect: %s\n", cls.error().describe().c_str());
    return 1;
  }
  std::printf("%s: %s (%s)\n", args[0].c_str(), to_string(cls->cls), cls->reason.c_str());
  std::printf("  file size        %llu bytes\n", static_cast<unsigned long long>(cls->file_size));
  if (cls->header) print_header(*cls->header);
  return 0;
}

}  // namespace shmc::cli
