#include "suite/segment/raw_object.hpp"

#include <fcntl.h>
#include <stdexcept>
#include <sys/mman.h>
#include <unistd.h>

namespace shmc::test {

namespace {
int open_or_throw(const std::string& name, int flags) {
  int fd = ::shm_open(name.c_str(), flags, 0600);
  if (fd < 0) throw std::runtime_error("shm_open " + name);
  return fd;
}
}  // namespace

void make_raw_object(const std::string& name, const void* bytes, std::size_t size) {
  int fd = open_or_throw(name, O_RDWR | O_CREAT | O_EXCL);
  bool ok = ::pwrite(fd, bytes, size, 0) == static_cast<ssize_t>(size);
  ::close(fd);
  if (!ok) throw std::runtime_error("pwrite " + name);
}

void truncate_object(const std::string& name, off_t size) {
  int fd = open_or_throw(name, O_RDWR);
  bool ok = ::ftruncate(fd, size) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("ftruncate " + name);
}

void patch_object(const std::string& name, off_t offset, const void* bytes, std::size_t size) {
  int fd = open_or_throw(name, O_RDWR);
  bool ok = ::pwrite(fd, bytes, size, offset) == static_cast<ssize_t>(size);
  ::close(fd);
  if (!ok) throw std::runtime_error("pwrite " + name);
}

}  // namespace shmc::test
