// libFuzzer target: arbitrary bytes as a /dev/shm object, judged the way
// `shmconform inspect` and `gc` judge one (classify, reclaim if stale) and
// opened as every segment kind. Any bytes: a classification or a clear
// refusal, never a crash, a hang or a read past the object.
#include <cstdint>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

#include "shmconform/harness/run_names.hpp"
#include "shmconform/runtime/segment.hpp"
#include "suite/fuzz/fuzz_support.hpp"

namespace {

void write_object(const std::string& name, const std::uint8_t* data, std::size_t size) {
  int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) std::abort();
  for (std::size_t done = 0; done < size;) {
    ssize_t n = ::write(fd, data + done, size - done);
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

constexpr shmc::SegmentKind kKinds[] = {
    shmc::SegmentKind::raw,        shmc::SegmentKind::ring,          shmc::SegmentKind::map,
    shmc::SegmentKind::sem_queue,  shmc::SegmentKind::history,       shmc::SegmentKind::blackboard,
    shmc::SegmentKind::scoreboard, shmc::SegmentKind::double_buffer, shmc::SegmentKind::monitor,
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shmc::fuzz::check_no_leftovers_at_exit();
  const std::string name = shmc::harness::unique_name("fuzz-seg");
  write_object(name, data, size);
  shmc::harness::ScopedUnlink unlink(name);
  shmc::SegmentOptions options;
  options.init_wait = std::chrono::milliseconds(0);  // nobody initialises a fuzzer's object
  if (auto cls = shmc::classify_segment(name); cls && cls->header) {
    auto& h = *cls->header;
    (void)shmc::decode_abi_tag(h.abi_tag);
    (void)shmc::ProcessIdentity{h.creator_tid, h.creator_start_ticks}.describe();
  }
  for (auto kind : kKinds) {
    auto seg = shmc::Segment::open(name, kind, options);
    if (!seg) {
      if (seg.error().message.empty()) std::abort();
      continue;
    }
    // An accepted segment must keep every promise the header made about it.
    if (seg->payload_size() != seg->header().payload_size || seg->payload_size() > size) std::abort();
    volatile std::uint8_t sink = 0;
    for (std::size_t i = 0; i < seg->payload_size(); ++i) sink = sink ^ static_cast<std::uint8_t>(seg->payload()[i]);
  }
  (void)shmc::reclaim_if_stale(name);
  return 0;
}
