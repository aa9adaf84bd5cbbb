// Platform finding: are 16-byte atomics usable between processes here?
// (The conformance area reports whether they are lock-free at compile time,
// platform.atomic.lock_free_16; this one measures across two processes.)
#include "suite/abi/pair_consistency.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::conformance {
namespace {

// Long enough for millions of increments natively, tens of thousands under qemu-user.
constexpr std::chrono::milliseconds kWindow{300};

SHMC_CHECK("abi.atomic16.cross_process", "abi",
           "a 16-byte std::atomic is atomic across processes (two processes CAS-increment one pair: no torn read, no "
           "lost update)") {
  const auto r = ports::measure_pair_consistency(ports::PairOps::atomic16, kWindow);
  if (!r.error.empty()) return fail(r.describe());
  if (!r.consistent())
    return finding("NOT atomic across processes: " + r.describe() +
                       " (libatomic's lock table is per process); pack shared state into 8-byte words");
  if (!r.runtime_lock_free)
    return finding("no inconsistency seen (" + r.describe() + "), but libatomic does not promise a lock-free "
                       "16-byte path here, so another process is not excluded; pack shared state into 8-byte words");
  return pass(r.describe());
}

}  // namespace
}  // namespace shmc::conformance
