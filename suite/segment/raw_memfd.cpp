#include "suite/segment/raw_memfd.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace shmc::test {

namespace {
[[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string(what) + ": " + std::strerror(errno)); }
}  // namespace

RawMemfd::RawMemfd(std::size_t size, int seals, bool sealable) {
  fd_ = ::memfd_create("shmconform-test-raw", MFD_CLOEXEC | (sealable ? MFD_ALLOW_SEALING : 0u));
  if (fd_ < 0) fail("memfd_create");
  if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) fail("ftruncate");
  if (seals != 0 && ::fcntl(fd_, F_ADD_SEALS, seals) != 0) fail("F_ADD_SEALS");
}

RawMemfd::RawMemfd(const std::vector<unsigned char>& bytes, int seals) : RawMemfd(bytes.size(), 0) {
  if (::pwrite(fd_, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) fail("pwrite");
  if (seals != 0 && ::fcntl(fd_, F_ADD_SEALS, seals) != 0) fail("F_ADD_SEALS");
}

RawMemfd::~RawMemfd() {
  if (fd_ >= 0) ::close(fd_);
}

std::vector<unsigned char> contents_of(int fd) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("fstat");
  std::vector<unsigned char> out(static_cast<std::size_t>(st.st_size));
  if (::pread(fd, out.data(), out.size(), 0) != static_cast<ssize_t>(out.size())) fail("pread");
  return out;
}

std::set<int> open_descriptors() {
  DIR* d = ::opendir("/proc/self/fd");
  if (d == nullptr) fail("opendir /proc/self/fd");
  std::set<int> out;
  while (const struct dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') out.insert(std::atoi(e->d_name));
  out.erase(::dirfd(d));
  ::closedir(d);
  return out;
}

}  // namespace shmc::test
