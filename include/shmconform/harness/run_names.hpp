// Names for everything a test run creates in /dev/shm.
//
// Every name starts with "/shmconform-<run id>-", where the run id is
// "r<pid>t<start ticks>" of the test process. It is unique per process (so
// parallel ctest never collides) and it names a process: `shmconform gc` can
// tell from kernel facts that the run which made a leftover is gone.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "shmconform/runtime/process_identity.hpp"

namespace shmc::harness {

inline constexpr std::string_view kNamePrefix = "/shmconform-";

// "r<pid>t<start ticks>" of this process (fixed at first use, per process).
const std::string& run_id();
// "/shmconform-<run id>-"
std::string run_prefix();
// "/shmconform-<run id>-<n>-<label>": a fresh name for each call.
std::string unique_name(std::string_view label);

// For a /dev/shm entry ("shmconform-r12t34-5-ring" or "sem.shmconform-r12t34-..."):
// the identity of the run that made it, if the name carries one.
std::optional<ProcessIdentity> run_of_entry(std::string_view dev_shm_entry);

// Unlinks a shared-memory name (or a named semaphore) at scope exit, whatever
// happened: for tests whose creator may be killed before it can unlink.
class ScopedUnlink {
 public:
  enum class Kind { shm, semaphore };
  explicit ScopedUnlink(std::string name, Kind kind = Kind::shm) : name_(std::move(name)), kind_(kind) {}
  ~ScopedUnlink();
  ScopedUnlink(const ScopedUnlink&) = delete;
  ScopedUnlink& operator=(const ScopedUnlink&) = delete;
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  Kind kind_;
};

}  // namespace shmc::harness
