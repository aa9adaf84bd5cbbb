#include "shmconform/harness/scoped_fault.hpp"

#include <cstdint>
#include <stdexcept>

#if defined(SHMC_FAULT_INJECTION)
#include <fiu-control.h>
#endif

namespace shmc::harness {

namespace {
// One armed point at a time per process is all the tests need; the counters
// let a test assert the fault was actually reached.
unsigned g_failures = 0;
#if defined(SHMC_FAULT_INJECTION)
unsigned g_skip = 0;
unsigned g_calls = 0;
int decide(const char*, int*, void**, unsigned int*) {
  if (g_calls++ < g_skip) return 0;
  ++g_failures;
  return 1;
}
#endif
}  // namespace

bool ScopedFault::available() {
#if defined(SHMC_FAULT_INJECTION)
  return true;
#else
  return false;
#endif
}

ScopedFault::ScopedFault(std::string point, int err, unsigned skip) : point_(std::move(point)) {
#if defined(SHMC_FAULT_INJECTION)
  g_skip = skip;
  g_calls = 0;
  g_failures = 0;
  void* info = reinterpret_cast<void*>(static_cast<std::intptr_t>(err));
  if (fiu_enable_external(point_.c_str(), 1, info, 0, decide) != 0)
    throw std::runtime_error("cannot arm fault point " + point_);
#else
  (void)err;
  (void)skip;
#endif
}

ScopedFault::~ScopedFault() {
#if defined(SHMC_FAULT_INJECTION)
  fiu_disable(point_.c_str());
#endif
}

unsigned ScopedFault::failures() const { return g_failures; }

}  // namespace shmc::harness
