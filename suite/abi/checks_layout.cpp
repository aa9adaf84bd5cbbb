// Platform findings about data layout: what a structure shared between a
// 32-bit and a 64-bit process (or built on another port) must not assume.
// A fact that differs from the LP64 reference ABI (x86_64, aarch64) is a
// FINDING with what to do instead, never FAIL: the platform is not wrong,
// shared layouts that assume the reference are.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <pthread.h>
#include <semaphore.h>

#include "suite/abi/abi_facts.hpp"
#include "shmconform/runtime/segment_header.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::conformance {
namespace {

constexpr const char* kSection = "abi";

struct U32ThenU64 {
  std::uint32_t a;
  std::uint64_t b;
};

SHMC_CHECK("abi.layout.u64_member_offset", kSection,
           "a uint64_t member is 8-byte aligned in structs, as on the LP64 reference (struct {u32; u64} puts it at 8)") {
  const std::string fact = "alignof(uint64_t) = " + std::to_string(alignof(std::uint64_t)) +
                           ", offsetof({u32 a; u64 b}, b) = " + std::to_string(offsetof(U32ThenU64, b)) +
                           ", alignof(atomic<uint64_t>) = " + std::to_string(alignof(std::atomic<std::uint64_t>));
  if (alignof(std::atomic<std::uint64_t>) < 8)
    return fail(fact + ": a 64-bit atomic may straddle a cache line and is not atomic");
  if (offsetof(U32ThenU64, b) != 8)
    return finding(fact + ": the same struct has other offsets in a 64-bit process; shared structs need alignas(8) "
                              "on every 64-bit member and static_asserted offsets (as SegmentHeader has)");
  return pass(fact);
}

SHMC_CHECK("abi.layout.libc_sync_objects", kSection,
           "sem_t, pthread_mutex_t and pthread_cond_t have the 64-bit glibc sizes (32, 40, 48 bytes), so a shared layout "
           "holding them is the same in 32- and 64-bit processes") {
  const std::string fact = "sizeof(sem_t) = " + std::to_string(sizeof(sem_t)) +
                           ", sizeof(pthread_mutex_t) = " + std::to_string(sizeof(pthread_mutex_t)) +
                           ", sizeof(pthread_cond_t) = " + std::to_string(sizeof(pthread_cond_t));
  if (sizeof(sem_t) == 32 && sizeof(pthread_mutex_t) == 40 && sizeof(pthread_cond_t) == 48) return pass(fact);
  return finding(fact + ": a segment holding libc synchronisation objects has another layout here and must be "
                            "refused by the ABI tag, never shared with a 64-bit process");
}

// glibc keeps a process-shared semaphore as one 64-bit word (value in the low
// half, waiters in the high half) where 64-bit atomics are native, and as a
// 32-bit word holding value << 1 (bit 0: waiters) elsewhere. Which one this
// process uses is read back from the bytes of a semaphore holding 5; the two
// differ, so a sem_t is never shared between a 32- and a 64-bit process
// (Segment's fixture_abi refuses that pairing).
SHMC_CHECK("abi.sem_t.value_encoding", kSection,
           "a process-shared sem_t holding 5 is in one of glibc's two known encodings (64-bit word, or value << 1 in a "
           "32-bit word) and sem_getvalue reads 5 back; which one is reported",
           "", "glibc nptl sem_t (internaltypes.h)") {
  sem_t sem;
  if (::sem_init(&sem, 1, 5) != 0) return fail("sem_init(pshared): " + std::string(std::strerror(errno)));
  std::uint64_t word64 = 0;
  std::uint32_t word32 = 0;
  std::memcpy(&word64, &sem, sizeof word64);
  std::memcpy(&word32, &sem, sizeof word32);
  int value = -1;
  const int rc = ::sem_getvalue(&sem, &value);
  ::sem_destroy(&sem);
  if (rc != 0 || value != 5) return fail("sem_getvalue read " + std::to_string(value) + " from a semaphore holding 5");
  if (sizeof(sem_t) == 32 && word64 == 5)
    return pass("64-bit encoding: value in the low half of a 64-bit word (sizeof(sem_t) = 32); a 32-bit process "
                "would read value 5 as 2 with its waiters bit set (measured by abi_mixed_test)");
  if (sizeof(sem_t) == 16 && word32 == 10)
    return pass("32-bit encoding: value << 1 in a 32-bit word, bit 0 = waiters (sizeof(sem_t) = 16); a 64-bit "
                "process would read value 5 as 10 (measured by abi_mixed_test)");
  return untested("unknown encoding: sizeof(sem_t) = " + std::to_string(sizeof(sem_t)) + ", first word " +
                  ports::hex(word64) + "; compare with a process of the other width by hand");
}

}  // namespace
}  // namespace shmc::conformance
