// Store traps: count the stores an operation makes to a shared mapping, or
// SIGKILL the process just before its k-th one, with no annotation in the code
// under test. A process killed in coherent shared memory leaves exactly the
// stores it made before it died, so "die before store k" for k = 1..n+1 is
// every crash state of an operation that made n stores.
//
//   auto range = store_trap::find_mapping(queue_name);        // or store_trap::range_of(base, size, "ring")
//   auto session = store_trap::Session::start({*range});      // die before harness::armed_store(), if any
//   { store_trap::Window w(**session); op(); }                // stores inside are counted (or fatal)
//   std::uint64_t n = (*session)->stores();
//
// How (x86-64 and i386): inside a window the ranges are mprotect(PROT_READ).
// A write fault in a range is one store (a plain store, a locked
// read-modify-write even if it changes nothing, one iteration of a rep string
// instruction). At the chosen store the handler makes every range writable
// again (so the kernel's robust-futex cleanup at exit can still write) and
// dies through shmc::crash::fire("store/<k>/range/<i>"): an actor reports
// ActorOutcome::crashed_at_point with that point and hit k. Otherwise it opens
// the range, sets the trap flag for one instruction and protects the range
// again in the SIGTRAP that follows. Other processes are not affected (each
// has its own page tables). Cost: one SIGSEGV, one SIGTRAP and two mprotects
// per store (bench/store_crash measures it).
//
// Limits, each handled or refused, never a silent pass:
// - The window's process must be single-threaded while the window is open
//   (mprotect is process-wide; another thread's stores during a step would be
//   missed, a thread's store to a protected page would count).
// - A system call that writes into a protected range fails with EFAULT instead
//   of faulting: read/pread/readv/recv/recvmsg/recvfrom into the range, stat
//   and friends into a struct in the range, mq_receive/msgrcv buffers,
//   FUTEX_LOCK_PI / FUTEX_UNLOCK_PI / FUTEX_WAKE_OP and a PI or robust mutex's
//   contended path (the kernel writes the futex word), CLONE_CHILD_CLEARTID
//   words. Wrap such a call in a Hole (it runs unprotected; its stores are
//   neither counted nor crash states), or report the subject not applicable.
//   Plain futex wait/wake only read and are fine; writes through /proc/self/mem
//   or process_vm_writev bypass protection and are not seen at all.
// - SIGSEGVs that are not ours (another address, a map error, a kill()) go to
//   the handler that was installed before the session (chained, with SA_SIGINFO
//   or not), or get the default action: the process dies of SIGSEGV as it
//   would have. No SIGBUS handler is installed: a store past the object's end
//   is counted (the protection fault comes first), then dies of SIGBUS.
// - A structure that installs its own SIGSEGV or SIGTRAP handler after the
//   session started: Window refuses to open (protect() fails), never counts wrong.
// - A window that never ends is bounded: after Limits::max_stores stores or
//   past Limits::deadline the session unprotects everything and says so
//   (exhausted()); the actor's own deadline bounds it anyway.
// - aarch64, armhf and every other target: no user-visible single-step flag.
//   support() says so and Session::start refuses (a tracer with
//   PTRACE_SINGLESTEP would do; not implemented). TSan and ASan: see support().
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shmconform/runtime/result.hpp"

namespace shmc::harness::store_trap {

struct Support {
  bool available = false;
  std::string reason;  // why not, for the UNSUPPORTED line; empty when available
};
// Decided at compile time (architecture) and once at run time (a self-test in
// a child that traps one store).
Support support();

struct Range {
  std::uintptr_t begin = 0;  // page-aligned
  std::size_t size = 0;      // a multiple of the page size
  std::string name;          // for reports: "/dev/shm/shmconform-..."
};
// The pages holding [base, base + size).
Range range_of(const void* base, std::size_t size, std::string name);
// The mapping of a POSIX shared-memory object in this process, found by name
// ("/shmconform-x" or "shmconform-x", as Boost takes it) in /proc/self/maps.
// Adjacent pieces of one object are merged; two separate mappings of the same
// object are invalid_argument (say which one with range_of). not_found if unmapped.
Result<Range> find_mapping(std::string_view shm_name);
// Every separate mapping of the object (a forked child also has its parent's):
// trap them all, a store through any of them is a store to the object.
Result<std::vector<Range>> find_mappings(std::string_view shm_name);

// "store/<k>/range/<i>": the crash point of a store death, and its inverse.
std::string store_point(std::uint64_t k, std::size_t range);
bool parse_store_point(std::string_view point, std::uint64_t& k, std::size_t& range);

struct Limits {
  std::uint64_t max_stores = 1'000'000;          // per session
  std::chrono::milliseconds deadline{30'000};    // from Session::start
};

class Session {
 public:
  static constexpr std::size_t kMaxRanges = 8;
  // Installs the handlers. die_before = 0 counts only; k dies before store k
  // (counted over every window of the session). One live session per process.
  static Result<std::unique_ptr<Session>> start(std::vector<Range> ranges, std::uint64_t die_before,
                                                Limits limits = {});
  // die_before = harness::armed_store(): what the actor runner armed (StoreAt), else count only.
  static Result<std::unique_ptr<Session>> start(std::vector<Range> ranges);
  ~Session();  // ranges writable again, previous handlers back
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Opens a window: the ranges are protected and stores counted until unprotect().
  Result<void> protect();
  void unprotect();
  std::uint64_t stores() const;
  std::uint64_t stores_in(std::size_t range) const;
  // Why the session stopped counting by itself ("more than 1000000 stores"), or nothing.
  std::optional<std::string> exhausted() const;

 private:
  Session() = default;
};

// A window: protect() on construction (throws std::runtime_error if refused), unprotect() after.
class Window {
 public:
  explicit Window(Session& s);
  ~Window();
  Window(const Window&) = delete;
  Window& operator=(const Window&) = delete;

 private:
  Session& s_;
};

// Inside a window: the ranges are writable for a system call that writes into
// them (see the limits above). Its stores are neither counted nor crash states.
class Hole {
 public:
  explicit Hole(Session& s);
  ~Hole();
  Hole(const Hole&) = delete;
  Hole& operator=(const Hole&) = delete;

 private:
  Session& s_;
  bool was_open_;
};

namespace testing {
// A planted bug for the exactness tests: the handler counts the first store of
// every window twice. Test-only; off by default.
void plant_double_count_first(bool on);
}  // namespace testing

}  // namespace shmc::harness::store_trap
