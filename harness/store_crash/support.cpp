// Whether store traps work here: the architecture decides at compile time, then
// a child traps three stores once per process (a sanitizer's or emulator's own
// signal handling could break the mechanism; that is a reason, not a pass).
#include <atomic>
#include <chrono>
#include <sys/mman.h>

#include "harness/store_crash/trap_arch.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/store_trap.hpp"

namespace shmc::harness::store_trap {

namespace detail {
extern bool g_in_self_test;
}

namespace {

Support self_test() {
  constexpr std::size_t kBytes = 4096;
  void* page = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return {false, "store-trap self-test: mmap failed"};
  auto* bytes = static_cast<volatile unsigned char*>(page);
  const ActorOutcome o = run_in_child("store-trap-self-test", [&](ActorContext&) {
    detail::g_in_self_test = true;
    auto session = Session::start({range_of(page, kBytes, "self-test")}, 0);
    if (!session) return 2;
    {
      Window w(**session);
      bytes[0] = 1;
      bytes[100] = 2;
      __atomic_fetch_add(reinterpret_cast<unsigned long*>(page) + 64, 1ul, __ATOMIC_SEQ_CST);
    }
    return (*session)->stores() == 3 ? 0 : 3;
  }, std::chrono::seconds(10));
  const bool stored = bytes[0] == 1 && bytes[100] == 2;
  ::munmap(page, kBytes);
  if (o.ok() && stored) return {true, ""};
  return {false, "store-trap self-test failed in this build (" + o.describe() + ")"};
}

}  // namespace

Support support() {
  if (!arch::kHasSingleStep) return {false, arch::kNoSingleStepReason};
  static const Support tested = self_test();
  return tested;
}

}  // namespace shmc::harness::store_trap
