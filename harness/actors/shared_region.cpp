#include "shmconform/harness/shared_region.hpp"

#include <sys/mman.h>

namespace shmc::harness {

SharedRegion::SharedRegion(std::size_t bytes) : data_(nullptr), size_(bytes == 0 ? 1 : bytes) {
  void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  data_ = p;
}

SharedRegion::~SharedRegion() { ::munmap(data_, size_); }

}  // namespace shmc::harness
