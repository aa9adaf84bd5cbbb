// The trap itself: SIGSEGV counts a store, the trap flag steps over it,
// SIGTRAP protects the range again. Everything a handler touches is a plain
// global of this single-threaded window (store_trap.hpp says why it must be).
#include "shmconform/harness/store_trap.hpp"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "harness/store_crash/trap_arch.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/runtime/crash_point.hpp"

namespace shmc::harness::store_trap {

namespace {

enum Exhausted : int { kNotExhausted = 0, kTooManyStores, kPastDeadline };

struct TrapState {
  std::size_t ranges = 0;
  std::uintptr_t begin[Session::kMaxRanges] = {};
  std::size_t size[Session::kMaxRanges] = {};
  std::uint64_t per_range[Session::kMaxRanges] = {};
  std::uint64_t count = 0;
  std::uint64_t die_before = 0;
  std::uint64_t max_stores = 0;
  std::int64_t deadline_ns = 0;
  volatile sig_atomic_t open = 0;      // a window is open: ranges protected (but the one being stepped)
  volatile sig_atomic_t stepping = 0;  // range index + 1 while one instruction runs unprotected
  volatile sig_atomic_t exhausted = kNotExhausted;
  bool first_in_window = false;
  struct sigaction prev_segv {};
  struct sigaction prev_trap {};
};

TrapState g;
std::atomic<bool> g_live{false};
std::atomic<bool> g_plant_double_count{false};
char g_point[64];

std::int64_t now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void say(const char* text) {
  ssize_t ignored = ::write(STDERR_FILENO, text, std::strlen(text));
  static_cast<void>(ignored);
}

// Async-signal-safe: mprotect is a system call. A failure leaves us unable to
// tell stores apart, so the process ends with a distinct status.
void set_protection(std::size_t r, int prot) {
  if (::mprotect(reinterpret_cast<void*>(g.begin[r]), g.size[r], prot) != 0) {
    say("shmconform store_trap: mprotect failed inside the handler\n");
    ::_exit(125);
  }
}
void set_all(int prot) {
  for (std::size_t r = 0; r < g.ranges; ++r) set_protection(r, prot);
}

int range_of_address(std::uintptr_t a) {
  for (std::size_t r = 0; r < g.ranges; ++r)
    if (a >= g.begin[r] && a - g.begin[r] < g.size[r]) return static_cast<int>(r);
  return -1;
}

// Not ours: the handler that was there before, or the default action.
void chain(int sig, siginfo_t* info, void* uc, const struct sigaction& prev) {
  if ((prev.sa_flags & SA_SIGINFO) != 0 && prev.sa_sigaction != nullptr) {
    prev.sa_sigaction(sig, info, uc);
    return;
  }
  if ((prev.sa_flags & SA_SIGINFO) == 0 && prev.sa_handler != SIG_DFL && prev.sa_handler != SIG_IGN) {
    prev.sa_handler(sig);
    return;
  }
  // SIG_DFL (SIG_IGN cannot stop a fault: the kernel would kill anyway). Raised
  // now, pending until this handler returns: the process dies of `sig` as it
  // would have without us, whether the signal was a fault, an int3 or a kill().
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  sigemptyset(&dfl.sa_mask);
  ::sigaction(sig, &dfl, nullptr);
  ::raise(sig);
}

char* append_number(char* p, std::uint64_t v) {
  char digits[24];
  int n = 0;
  do digits[n++] = static_cast<char>('0' + v % 10), v /= 10;
  while (v != 0);
  while (n > 0) *p++ = digits[--n];
  return p;
}

[[noreturn]] void die_before_store(std::uint64_t k, std::size_t r) {
  // Writable first: the kernel's robust-futex walk at exit writes OWNER_DIED into held locks.
  set_all(PROT_READ | PROT_WRITE);
  char* p = g_point;
  std::memcpy(p, "store/", 6), p += 6;
  p = append_number(p, k);
  std::memcpy(p, "/range/", 7), p += 7;
  p = append_number(p, r);
  *p = '\0';
  crash::fire(g_point);
}

void on_segv(int sig, siginfo_t* info, void* uc) {
  const int saved_errno = errno;
  const int r = g.open ? range_of_address(reinterpret_cast<std::uintptr_t>(info->si_addr)) : -1;
  if (r < 0 || info->si_code != SEGV_ACCERR || g.stepping != 0) {
    errno = saved_errno;
    chain(sig, info, uc, g.prev_segv);
    return;
  }
  const auto range = static_cast<std::size_t>(r);
  std::uint64_t add = 1;
  if (g.first_in_window && g_plant_double_count.load(std::memory_order_relaxed)) add = 2;  // planted bug
  g.first_in_window = false;
  g.count += add;
  g.per_range[range] += add;
  if (g.die_before != 0 && g.count >= g.die_before) die_before_store(g.die_before, range);
  if (g.count > g.max_stores || now_ns() > g.deadline_ns) {
    g.exhausted = g.count > g.max_stores ? kTooManyStores : kPastDeadline;
    g.open = 0;
    set_all(PROT_READ | PROT_WRITE);
    errno = saved_errno;
    return;
  }
  set_protection(range, PROT_READ | PROT_WRITE);
  g.stepping = r + 1;
  arch::set_single_step(uc, true);
  errno = saved_errno;
}

void on_trap(int sig, siginfo_t* info, void* uc) {
  if (g.stepping == 0) {
    chain(sig, info, uc, g.prev_trap);
    return;
  }
  const int saved_errno = errno;
  const auto range = static_cast<std::size_t>(g.stepping - 1);
  g.stepping = 0;
  arch::set_single_step(uc, false);
  if (g.open) set_protection(range, PROT_READ);
  errno = saved_errno;
}

bool handler_is_ours(int sig, void (*ours)(int, siginfo_t*, void*)) {
  struct sigaction cur {};
  if (::sigaction(sig, nullptr, &cur) != 0) return false;
  return (cur.sa_flags & SA_SIGINFO) != 0 && cur.sa_sigaction == ours;
}

Result<void> install() {
  struct sigaction sa {};
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  sa.sa_sigaction = on_segv;
  if (::sigaction(SIGSEGV, &sa, &g.prev_segv) != 0) return sys_error("sigaction", "SIGSEGV");
  sa.sa_sigaction = on_trap;
  if (::sigaction(SIGTRAP, &sa, &g.prev_trap) != 0) {
    ::sigaction(SIGSEGV, &g.prev_segv, nullptr);
    return sys_error("sigaction", "SIGTRAP");
  }
  // Our signals must get through while a window is open.
  sigset_t ours;
  sigemptyset(&ours);
  sigaddset(&ours, SIGSEGV);
  sigaddset(&ours, SIGTRAP);
  ::sigprocmask(SIG_UNBLOCK, &ours, nullptr);
  return {};
}

}  // namespace

namespace detail {
bool g_in_self_test = false;
}

namespace testing {
void plant_double_count_first(bool on) { g_plant_double_count.store(on, std::memory_order_relaxed); }
}  // namespace testing

Result<std::unique_ptr<Session>> Session::start(std::vector<Range> ranges) {
  return start(std::move(ranges), harness::armed_store());
}

Result<std::unique_ptr<Session>> Session::start(std::vector<Range> ranges, std::uint64_t die_before, Limits limits) {
  if (!arch::kHasSingleStep) return make_error(Errc::invalid_argument, arch::kNoSingleStepReason);
  if (!detail::g_in_self_test) {
    if (Support s = support(); !s.available) return make_error(Errc::invalid_argument, "store traps unsupported: " + s.reason);
  }
  if (ranges.empty() || ranges.size() > kMaxRanges)
    return make_error(Errc::invalid_argument, "a store-trap session takes 1.." + std::to_string(kMaxRanges) + " ranges");
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const Range& r = ranges[i];
    if (r.size == 0 || r.begin % page != 0 || r.size % page != 0)
      return make_error(Errc::invalid_argument, "range '" + r.name + "' is empty or not page-aligned (use range_of)");
    for (std::size_t j = 0; j < i; ++j)
      if (r.begin < ranges[j].begin + ranges[j].size && ranges[j].begin < r.begin + r.size)
        return make_error(Errc::invalid_argument, "ranges '" + r.name + "' and '" + ranges[j].name + "' overlap");
  }
  if (g_live.exchange(true)) return make_error(Errc::invalid_argument, "a store-trap session is already live in this process");
  g = TrapState{};
  g.ranges = ranges.size();
  for (std::size_t i = 0; i < ranges.size(); ++i) g.begin[i] = ranges[i].begin, g.size[i] = ranges[i].size;
  g.die_before = die_before;
  g.max_stores = limits.max_stores;
  g.deadline_ns = now_ns() + std::chrono::duration_cast<std::chrono::nanoseconds>(limits.deadline).count();
  if (auto ok = install(); !ok) {
    g_live.store(false);
    return ok.error();
  }
  return std::unique_ptr<Session>(new Session());
}

Session::~Session() {
  g.open = 0;
  set_all(PROT_READ | PROT_WRITE);
  if (handler_is_ours(SIGSEGV, on_segv)) ::sigaction(SIGSEGV, &g.prev_segv, nullptr);
  if (handler_is_ours(SIGTRAP, on_trap)) ::sigaction(SIGTRAP, &g.prev_trap, nullptr);
  g_live.store(false);
}

Result<void> Session::protect() {
  if (!handler_is_ours(SIGSEGV, on_segv) || !handler_is_ours(SIGTRAP, on_trap))
    return make_error(Errc::invalid_argument,
                      "the SIGSEGV or SIGTRAP handler was replaced after the store-trap session started "
                      "(the structure installs its own): store trapping is not applicable");
  if (g.exhausted != kNotExhausted) return make_error(Errc::timed_out, *exhausted());
  g.first_in_window = true;
  g.open = 1;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  set_all(PROT_READ);
  return {};
}

void Session::unprotect() {
  g.open = 0;
  std::atomic_signal_fence(std::memory_order_seq_cst);
  set_all(PROT_READ | PROT_WRITE);
}

std::uint64_t Session::stores() const { return g.count; }
std::uint64_t Session::stores_in(std::size_t range) const { return range < g.ranges ? g.per_range[range] : 0; }

std::optional<std::string> Session::exhausted() const {
  if (g.exhausted == kTooManyStores) return "window made more than " + std::to_string(g.max_stores) + " stores";
  if (g.exhausted == kPastDeadline) return "window still open past the store-trap deadline";
  return std::nullopt;
}

Window::Window(Session& s) : s_(s) {
  if (auto ok = s_.protect(); !ok) throw std::runtime_error(ok.error().describe());
}
Window::~Window() { s_.unprotect(); }

Hole::Hole(Session& s) : s_(s), was_open_(g.open != 0) {
  if (was_open_) s_.unprotect();
}
Hole::~Hole() {
  if (was_open_) static_cast<void>(s_.protect());
}

}  // namespace shmc::harness::store_trap
