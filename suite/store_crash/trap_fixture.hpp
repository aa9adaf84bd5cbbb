// Shared pieces of the store-trap tests: a named shared-memory mapping the
// victim traps, and the operation whose stores the tests count.
#pragma once

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "shmconform/harness/run_names.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace shmc::store_crash_test {

namespace trap = harness::store_trap;

// A /dev/shm object of `object_bytes`, mapped `map_bytes` long (more than the
// object: the pages past its end SIGBUS). Unlinked by the test process.
class ShmMapping {
 public:
  explicit ShmMapping(std::size_t object_bytes, std::size_t map_bytes = 0)
      : name_(harness::unique_name("store-trap")), unlink_(name_), size_(map_bytes ? map_bytes : object_bytes) {
    const int fd = ::shm_open(name_.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
    if (fd < 0) throw std::runtime_error("shm_open " + name_);
    if (::ftruncate(fd, static_cast<off_t>(object_bytes)) != 0) throw std::runtime_error("ftruncate");
    base_ = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (base_ == MAP_FAILED) throw std::runtime_error("mmap");
  }
  ~ShmMapping() { ::munmap(base_, size_); }
  ShmMapping(const ShmMapping&) = delete;
  ShmMapping& operator=(const ShmMapping&) = delete;

  const std::string& name() const { return name_; }
  volatile std::uint8_t* bytes() const { return static_cast<volatile std::uint8_t*>(base_); }
  // The fetch_add counter sits on the last 8 bytes of the first page.
  std::uint64_t* counter() const { return reinterpret_cast<std::uint64_t*>(static_cast<char*>(base_) + 4096 - 8); }
  trap::Range range() const { return trap::range_of(base_, size_, name_); }
  void* base() const { return base_; }

 private:
  std::string name_;
  harness::ScopedUnlink unlink_;
  std::size_t size_;
  void* base_;
};

// n plain byte stores to bytes[0..n) with a fetch_add after each of the first m.
inline void byte_and_add_op(const ShmMapping& m, std::uint32_t n, std::uint32_t adds) {
  for (std::uint32_t i = 0; i < n; ++i) {
    m.bytes()[i] = 1;
    if (i < adds) __atomic_fetch_add(m.counter(), 1, __ATOMIC_SEQ_CST);
  }
}
// What of byte_and_add_op landed: set bytes plus the counter.
inline std::uint64_t visible_stores(const ShmMapping& m, std::uint32_t n) {
  std::uint64_t seen = __atomic_load_n(m.counter(), __ATOMIC_SEQ_CST);
  for (std::uint32_t i = 0; i < n; ++i) seen += m.bytes()[i] != 0;
  return seen;
}

#define SHMC_REQUIRE_STORE_TRAPS()                                                   \
  do {                                                                               \
    const auto support = ::shmc::harness::store_trap::support();                     \
    if (!support.available) GTEST_SKIP() << "store traps unsupported: " << support.reason; \
  } while (0)

}  // namespace shmc::store_crash_test
