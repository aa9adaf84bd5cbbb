// What the two kinds of segment share (segment.hpp): the named one
// (segment.cpp) and the sealed one over a memfd (segment_sealed.cpp). Both
// write the same header and refuse the same things in it. Internal to the
// runtime library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shmconform/runtime/segment.hpp"

namespace shmc::segment_parts {

// Owns a descriptor until released.
struct Fd {
  int fd = -1;
  ~Fd();
  int release() {
    int f = fd;
    fd = -1;
    return f;
  }
};

struct HeaderRead {
  SegmentHeaderImage header;
  bool complete = false;
};
// Reads the header through the descriptor: no mapping, so no SIGBUS whatever
// the object's size.
Result<HeaderRead> read_header(int fd, const std::string& name);

// Magic, layout version, ABI tag, sizes, and the file's size against them
// (open and classification). The refusal, if any.
std::optional<Error> check_header(const SegmentHeaderImage& h, std::uint64_t file_size, const std::string& name);
// After check_header, what an opener also needs: READY, the kind it asked
// for, its own PID namespace, the libc layout `options` expects.
std::optional<Error> check_usable(const SegmentHeaderImage& h, SegmentKind kind, const SegmentOptions& options,
                                  const std::string& name);

// The object's size for a payload of `payload_size` bytes (payload rounded up
// to a cache line), or invalid_argument.
Result<std::size_t> total_size_for(std::size_t payload_size, const std::string& name);
// Sizes the object and reserves every page: ftruncate only sets the size, and on
// a full tmpfs the first store to a page with no space behind it is a SIGBUS,
// never an error. `full_hint` says where the space ran out.
Result<void> size_and_reserve(int fd, std::size_t total, const std::string& name, std::string_view full_hint);
// Every header field but the state, which stays initialising.
void write_header(SegmentHeader& h, SegmentKind kind, std::size_t total, const SegmentOptions& options);

}  // namespace shmc::segment_parts
