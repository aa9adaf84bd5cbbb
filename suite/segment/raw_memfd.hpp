// Test helper: memfds made behind the Segment class's back (no header, or a
// copied one; any seals), as a careless or hostile peer would hand them over.
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace shmc::test {

class RawMemfd {
 public:
  // `size` zero bytes with `seals` added (0: none). MFD_ALLOW_SEALING unless `sealable` is false.
  RawMemfd(std::size_t size, int seals, bool sealable = true);
  // `bytes`, then `seals`.
  RawMemfd(const std::vector<unsigned char>& bytes, int seals);
  ~RawMemfd();
  RawMemfd(RawMemfd&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  RawMemfd(const RawMemfd&) = delete;
  RawMemfd& operator=(const RawMemfd&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

// Every byte of the object behind `fd` (pread: no mapping).
std::vector<unsigned char> contents_of(int fd);
// The descriptors open in this process (/proc/self/fd): a refused descriptor that stayed open shows here.
std::set<int> open_descriptors();

}  // namespace shmc::test
