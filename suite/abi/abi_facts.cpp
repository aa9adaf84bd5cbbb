#include "suite/abi/abi_facts.hpp"

#include <cstdio>

#include "shmconform/runtime/segment_header.hpp"

namespace shmc::ports {

std::string hex(std::uint64_t value) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(value));
  return buf;
}

std::string describe_abi(std::uint32_t tag) {
  const AbiTag t = decode_abi_tag(tag);
  return std::to_string(t.pointer_size * 8) + "-bit pointers, alignof(uint64_t) " + std::to_string(t.align_u64) +
         ", alignof(atomic<uint64_t>) " + std::to_string(t.align_atomic_u64) +
         ((t.flags & 1u) ? ", little-endian" : ", big-endian") +
         ((t.flags & 2u) ? ", 64-bit atomics lock-free" : ", 64-bit atomics NOT lock-free");
}

}  // namespace shmc::ports
