#include "shmconform/harness/actors.hpp"

#include <atomic>
#include <charconv>
#include <cerrno>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <thread>
#include <unistd.h>

#include "shmconform/runtime/crash_catalog.hpp"
#include "shmconform/runtime/crash_point.hpp"
#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/runtime/futex.hpp"

#if defined(SHMC_FAULT_INJECTION)
#include <fiu-control.h>
#include <fiu.h>
#endif

namespace shmc::harness {

namespace {

using Clock = std::chrono::steady_clock;

// Per-actor record in anonymous shared memory: what the child reports about itself.
enum SlotState : std::uint32_t { kIdle = 0, kRunning, kReturned, kThrew, kCrashing };

struct Slot {
  std::atomic<std::uint32_t> state;
  std::int32_t exit_code;
  std::uint32_t hit;
  // A futex word: 1 once the harness reaped the actor (or its thread returned, or it never started).
  std::atomic<std::uint32_t> ended;
  char doing[112];
  char crash_point[128];
  char message[640];
};

struct Control {
  std::atomic<std::uint32_t> ready;  // actors waiting at the start gate
  std::atomic<std::uint32_t> go;     // a futex word: 1: start (0 until then)
};

void mark_ended(Slot* slot) {
  slot->ended.store(1, std::memory_order_release);
  futex::wake_all(slot->ended);
}

void copy_text(char* dst, std::size_t cap, std::string_view src) {
  std::size_t n = std::min(cap - 1, src.size());
  std::memcpy(dst, src.data(), n);
  dst[n] = '\0';
}

// --- in the child -----------------------------------------------------------

Slot* g_child_slot = nullptr;

void record_crash(const char* point) {
  if (g_child_slot == nullptr) return;
  copy_text(g_child_slot->crash_point, sizeof g_child_slot->crash_point, point);
  g_child_slot->state.store(kCrashing, std::memory_order_release);
}

#if defined(SHMC_FAULT_INJECTION)
std::uint32_t g_target_hit = 0;
std::uint32_t g_hits = 0;
int count_hits(const char*, int*, void**, unsigned int*) {
  ++g_hits;
  if (g_hits != g_target_hit) return 0;
  if (g_child_slot != nullptr) g_child_slot->hit = g_hits;
  return 1;
}
#endif

std::uint32_t g_armed_store = 0;
std::optional<std::uint32_t> g_armed_store_op;

// Arms the crash plan in this (child) process. Returns an error message, or "".
std::string arm(const CrashPlan& plan) {
  if (const auto* st = std::get_if<StoreAt>(&plan)) {
    if (st->store == 0) return "store numbers start at 1";
    g_armed_store = st->store;
    g_armed_store_op = st->op;
    if (g_child_slot != nullptr) g_child_slot->hit = st->store;
    return "";
  }
  if (const auto* at = std::get_if<CrashAt>(&plan)) {
#if defined(SHMC_FAULT_INJECTION)
    if (crash::find_point(at->point) == nullptr) return "unknown crash point '" + at->point + "'";
    if (at->hit == 0) return "crash hit numbers start at 1";
    g_target_hit = at->hit;
    g_hits = 0;
    if (fiu_enable_external(at->point.c_str(), 1, nullptr, 0, count_hits) != 0)
      return "libfiu refused to arm '" + at->point + "'";
#else
    return "crash point '" + at->point + "' requested, but this build has no fault injection";
#endif
  }
  return "";
}

bool wait_for_go(Control* control, Clock::time_point deadline) {
  while (control->go.load(std::memory_order_acquire) == 0)
    if (futex::wait_until(control->go, 0, deadline) == futex::Wait::timed_out) break;
  return control->go.load(std::memory_order_acquire) == 1;
}

int run_body(const ActorBody& body, ActorContext& ctx, Slot* slot) {
  int code = 0;
  try {
    code = body(ctx);
    slot->exit_code = code;
    slot->state.store(kReturned, std::memory_order_release);
  } catch (const std::exception& e) {
    copy_text(slot->message, sizeof slot->message, e.what());
    slot->state.store(kThrew, std::memory_order_release);
    code = 70;
  } catch (...) {
    copy_text(slot->message, sizeof slot->message, "non-standard exception");
    slot->state.store(kThrew, std::memory_order_release);
    code = 70;
  }
  return code;
}

}  // namespace

// --- public helpers ----------------------------------------------------------

ActorMode default_actor_mode() {
#if defined(SHMC_ACTORS_AS_THREADS)
  return ActorMode::threads;
#else
  return ActorMode::processes;
#endif
}

bool crash_injection_available() {
#if defined(SHMC_FAULT_INJECTION)
  return true;
#else
  return false;
#endif
}

std::string describe(const CrashPlan& plan) {
  if (const auto* at = std::get_if<CrashAt>(&plan)) return "crash at " + at->point + " hit " + std::to_string(at->hit);
  if (const auto* k = std::get_if<KillAfter>(&plan)) return "SIGKILL after " + std::to_string(k->delay.count()) + " us";
  if (const auto* st = std::get_if<StoreAt>(&plan))
    return "crash before store " + std::to_string(st->store) + " of op " + std::to_string(st->op);
  return "no crash";
}

std::string crash_plan_text(const CrashPlan& plan) {
  if (const auto* at = std::get_if<CrashAt>(&plan)) return "at:" + at->point + ":" + std::to_string(at->hit);
  if (const auto* k = std::get_if<KillAfter>(&plan)) return "after:" + std::to_string(k->delay.count()) + "us";
  if (const auto* st = std::get_if<StoreAt>(&plan)) return "store:" + std::to_string(st->op) + ":" + std::to_string(st->store);
  return "none";
}

bool parse_crash_plan(std::string_view s, CrashPlan& out) {
  auto number = [](std::string_view digits, auto& value) {
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    return ec == std::errc{} && p == digits.data() + digits.size();
  };
  if (s == "none") {
    out = std::monostate{};
    return true;
  }
  if (s.starts_with("after:") && s.ends_with("us")) {
    std::uint64_t us = 0;
    if (!number(s.substr(6, s.size() - 8), us)) return false;
    out = KillAfter{std::chrono::microseconds(us)};
    return true;
  }
  if (s.starts_with("store:")) {
    StoreAt st;
    const std::string_view rest = s.substr(6);
    const auto colon = rest.find(':');
    if (colon == std::string_view::npos) {  // the older form: one window, op 0
      if (!number(rest, st.store) || st.store == 0) return false;
    } else if (!number(rest.substr(0, colon), st.op) || !number(rest.substr(colon + 1), st.store) || st.store == 0) {
      return false;
    }
    out = st;
    return true;
  }
  if (s.starts_with("at:")) {
    const auto colon = s.rfind(':');
    if (colon <= 3) return false;
    CrashAt at{std::string(s.substr(3, colon - 3)), 1};
    if (!number(s.substr(colon + 1), at.hit) || at.hit == 0) return false;
    out = std::move(at);
    return true;
  }
  return false;
}

std::uint32_t armed_store() { return g_armed_store; }
std::optional<std::uint32_t> armed_store_op() { return g_armed_store_op; }

void ActorContext::doing(std::string_view what) {
  auto* slot = static_cast<Slot*>(slot_);
  copy_text(slot->doing, sizeof slot->doing, what);
}

bool ActorContext::wait_for_end(int other, std::chrono::steady_clock::time_point deadline) const {
  if (other < 0 || other >= actors_) throw std::out_of_range("wait_for_end: no actor " + std::to_string(other));
  const Slot& s = static_cast<const Slot*>(first_slot_)[other];
  while (s.ended.load(std::memory_order_acquire) == 0)
    if (futex::wait_until(s.ended, 0, deadline) == futex::Wait::timed_out) break;
  return s.ended.load(std::memory_order_acquire) != 0;
}

const char* to_string(ActorOutcome::End end) {
  switch (end) {
    case ActorOutcome::End::exited: return "exited";
    case ActorOutcome::End::threw: return "threw";
    case ActorOutcome::End::crashed_at_point: return "crashed at point";
    case ActorOutcome::End::killed_on_timer: return "killed on timer";
    case ActorOutcome::End::timed_out: return "TIMED OUT";
    case ActorOutcome::End::signalled: return "killed by signal";
    case ActorOutcome::End::not_started: return "not started";
  }
  return "?";
}

std::string ActorOutcome::describe() const {
  std::string s = name + ": " + to_string(end);
  if (end == End::exited) s += " with " + std::to_string(exit_code);
  if (end == End::signalled) s += std::string(" ") + ::strsignal(signal);
  if (end == End::crashed_at_point) s += " " + crash_point + " (hit " + std::to_string(hit) + ")";
  if (!message.empty()) s += ": " + message;
  if (!last_doing.empty()) s += " [was doing: " + last_doing + "]";
  s += " after " + std::to_string(ran_for.count() / 1000) + " ms";
  return s;
}

bool all_ok(const std::vector<ActorOutcome>& outcomes) {
  for (const auto& o : outcomes)
    if (!o.ok()) return false;
  return true;
}

bool all_ok_or_planned_kill(const std::vector<ActorOutcome>& outcomes) {
  for (const auto& o : outcomes)
    if (!o.ok() && !o.killed_by_plan()) return false;
  return true;
}

std::string describe(const std::vector<ActorOutcome>& outcomes) {
  std::string s;
  for (const auto& o : outcomes) s += "  " + o.describe() + "\n";
  return s;
}

// --- the engine ----------------------------------------------------------------

struct Actors::Impl {
  struct Spec {
    std::string name;
    ActorBody body;
    CrashPlan crash;
    pid_t pid = -1;
    int pidfd = -1;
    bool reaped = false;
    bool killed_by_timer = false;
    bool timed_out = false;
    int wait_status = 0;
    Clock::time_point ended;
  };
  ActorMode mode;
  std::vector<Spec> specs;
  std::unique_ptr<SharedRegion> region;
  bool ran = false;

  Control* control() const { return static_cast<Control*>(region->data()); }
  Slot* slot(std::size_t i) const {
    return reinterpret_cast<Slot*>(static_cast<char*>(region->data()) + 64) + i;
  }
  Slot* slot_of(const Spec& s) const { return slot(static_cast<std::size_t>(&s - specs.data())); }

  void kill_group(Spec& s) {
    if (s.pid > 0 && !s.reaped) sys::kill(-s.pid, SIGKILL), sys::kill(s.pid, SIGKILL);
  }

  bool try_reap(Spec& s, Clock::time_point now) {
    if (s.reaped || s.pid <= 0) return s.reaped;
    int status = 0;
    pid_t r = sys::waitpid(s.pid, &status, WNOHANG);
    if (r == s.pid) {
      s.reaped = true;
      s.wait_status = status;
      s.ended = now;
      // Whatever the actor started in its group goes with it.
      sys::kill(-s.pid, SIGKILL);
      if (s.pidfd >= 0) ::close(s.pidfd), s.pidfd = -1;
      mark_ended(slot_of(s));
    }
    return s.reaped;
  }

  // Sleeps until a child may have changed state, `doorbell` (an eventfd, if any) rang, or `until`.
  void wait_for_event(Clock::time_point until, int doorbell = -1) {
    auto left = until - Clock::now();
    if (left <= Clock::duration::zero()) return;
    std::vector<pollfd> fds;
    if (doorbell >= 0) fds.push_back(pollfd{doorbell, POLLIN, 0});
    bool every_exit_wakes = true;
    for (auto& s : specs) {
      if (s.reaped || s.pid <= 0) continue;
      if (s.pidfd >= 0) fds.push_back(pollfd{s.pidfd, POLLIN, 0});
      else every_exit_wakes = false;
    }
    // No pidfd (old kernel or emulator): look at waitpid again after 1 ms, bounded by `until`.
    if (!every_exit_wakes) left = std::min<Clock::duration>(left, std::chrono::milliseconds(1));
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const struct timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    if (::ppoll(fds.data(), fds.size(), &ts, nullptr) > 0 && doorbell >= 0 && (fds[0].revents & POLLIN) != 0) {
      std::uint64_t rings = 0;
      static_cast<void>(::read(doorbell, &rings, sizeof rings));  // non-blocking: clears it for the next wait
    }
  }

  std::vector<ActorOutcome> run_processes(std::chrono::milliseconds timeout);
  std::vector<ActorOutcome> run_threads(std::chrono::milliseconds timeout);
  ActorOutcome outcome_of(std::size_t i, const Spec& s, Clock::time_point started) const;
};

Actors::Actors(ActorMode mode) : impl_(std::make_unique<Impl>()) { impl_->mode = mode; }

Actors::~Actors() {
  for (auto& s : impl_->specs) {
    if (s.pid > 0 && !s.reaped) {
      impl_->kill_group(s);
      // SIGKILLed: reaped promptly; bounded anyway.
      auto until = Clock::now() + std::chrono::seconds(5);
      while (!impl_->try_reap(s, Clock::now()) && Clock::now() < until) impl_->wait_for_event(until);
    }
    if (s.pidfd >= 0) ::close(s.pidfd);
  }
}

int Actors::add(std::string name, ActorBody body, CrashPlan crash) {
  Impl::Spec spec;
  spec.name = std::move(name);
  spec.body = std::move(body);
  spec.crash = std::move(crash);
  impl_->specs.push_back(std::move(spec));
  return static_cast<int>(impl_->specs.size() - 1);
}

std::vector<ActorOutcome> Actors::run(std::chrono::milliseconds timeout) {
  if (impl_->ran) throw std::logic_error("Actors::run called twice");
  impl_->ran = true;
  impl_->region = std::make_unique<SharedRegion>(64 + sizeof(Slot) * (impl_->specs.size() + 1));
  bool needs_process = false;
  for (const auto& s : impl_->specs) needs_process |= !std::holds_alternative<std::monostate>(s.crash);
  if (impl_->mode == ActorMode::threads && !needs_process) return impl_->run_threads(timeout);
  return impl_->run_processes(timeout);
}

ActorOutcome Actors::Impl::outcome_of(std::size_t i, const Spec& s, Clock::time_point started) const {
  ActorOutcome o;
  o.name = s.name;
  const Slot* sl = slot(i);
  o.last_doing = sl->doing;
  o.message = sl->message;
  o.ran_for = std::chrono::duration_cast<std::chrono::microseconds>(s.ended - started);
  if (s.pid < 0) {
    o.end = ActorOutcome::End::not_started;
    return o;
  }
  const std::uint32_t st = sl->state.load(std::memory_order_acquire);
  if (s.timed_out) {
    o.end = ActorOutcome::End::timed_out;
  } else if (WIFEXITED(s.wait_status)) {
    if (st == kThrew) {
      o.end = ActorOutcome::End::threw;
    } else {
      o.end = ActorOutcome::End::exited;
      o.exit_code = st == kReturned ? sl->exit_code : WEXITSTATUS(s.wait_status);
    }
  } else if (WIFSIGNALED(s.wait_status)) {
    o.signal = WTERMSIG(s.wait_status);
    if (o.signal == SIGKILL && st == kCrashing) {
      o.end = ActorOutcome::End::crashed_at_point;
      o.crash_point = sl->crash_point;
      o.hit = sl->hit;
    } else if (o.signal == SIGKILL && s.killed_by_timer) {
      o.end = ActorOutcome::End::killed_on_timer;
    } else {
      o.end = ActorOutcome::End::signalled;
    }
  }
  return o;
}

std::vector<ActorOutcome> Actors::Impl::run_processes(std::chrono::milliseconds timeout) {
  const pid_t harness_pid = ::getpid();
  const auto deadline = Clock::now() + timeout;
  std::fflush(nullptr);  // or the children would flush our buffered output again
  // The start gate's doorbell: a child rings it once armed, so the harness sleeps in ppoll() on it
  // and on the children's pidfds (a child that dies before it is ready ends the wait too).
  const int doorbell = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  std::uint32_t started_count = 0;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    Spec& s = specs[i];
    pid_t pid = sys::fork();
    if (pid < 0) {
      copy_text(slot(i)->message, sizeof slot(i)->message, std::string("fork failed: ") + std::strerror(errno));
      mark_ended(slot(i));
      continue;
    }
    if (pid == 0) {
      // The child: never returns into the test framework.
      ::setpgid(0, 0);
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != harness_pid) ::_exit(71);  // the harness died before we set PDEATHSIG
      Slot* me = slot(i);
      g_child_slot = me;
      crash::set_fire_hook(record_crash);
      std::string armed = arm(s.crash);
      control()->ready.fetch_add(1, std::memory_order_acq_rel);
      if (doorbell >= 0) {
        const std::uint64_t one = 1;
        static_cast<void>(::write(doorbell, &one, sizeof one));
        ::close(doorbell);
      }
      if (!armed.empty()) {
        copy_text(me->message, sizeof me->message, armed);
        me->state.store(kThrew, std::memory_order_release);
        ::_exit(72);
      }
      if (!wait_for_go(control(), deadline)) ::_exit(73);
      me->state.store(kRunning, std::memory_order_release);
      ActorContext ctx(static_cast<int>(i), s.name, me, slot(0), static_cast<int>(specs.size()), deadline, true);
      int code = run_body(s.body, ctx, me);
      ::_exit(code & 0xff ? code & 0xff : (code != 0 ? 1 : 0));
    }
    ::setpgid(pid, pid);  // also in the parent, so kill(-pid) works even before the child ran
    s.pid = pid;
    s.pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    ++started_count;
  }
  // Start gate: everybody forked and armed, then all go at once.
  while (control()->ready.load(std::memory_order_acquire) < started_count && Clock::now() < deadline) {
    bool any_dead = false;
    for (auto& s : specs) any_dead |= try_reap(s, Clock::now());
    if (any_dead) break;  // an actor failed to arm: let the rest run, its outcome says why
    wait_for_event(deadline, doorbell);
  }
  if (doorbell >= 0) ::close(doorbell);
  const auto started = Clock::now();
  control()->go.store(1, std::memory_order_release);
  futex::wake_all(control()->go);

  for (;;) {
    auto now = Clock::now();
    bool all_reaped = true;
    auto next_event = deadline;
    for (auto& s : specs) {
      if (s.pid <= 0 || try_reap(s, now)) continue;
      all_reaped = false;
      if (const auto* k = std::get_if<KillAfter>(&s.crash); k && !s.killed_by_timer) {
        auto when = started + k->delay;
        if (now >= when) {
          s.killed_by_timer = true;
          kill_group(s);
        } else {
          next_event = std::min(next_event, when);
        }
      }
    }
    if (all_reaped) break;
    if (now >= deadline) {
      for (auto& s : specs)
        if (s.pid > 0 && !s.reaped) s.timed_out = true, kill_group(s);
      auto until = Clock::now() + std::chrono::seconds(5);
      for (auto& s : specs)
        while (s.pid > 0 && !try_reap(s, Clock::now()) && Clock::now() < until) wait_for_event(until);
      break;
    }
    wait_for_event(next_event);
  }
  std::vector<ActorOutcome> out;
  for (std::size_t i = 0; i < specs.size(); ++i) out.push_back(outcome_of(i, specs[i], started));
  return out;
}

std::vector<ActorOutcome> Actors::Impl::run_threads(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  std::mutex m;
  std::condition_variable cv;
  std::size_t finished = 0;
  std::vector<Clock::time_point> ended(specs.size());
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    threads.emplace_back([&, i] {
      Slot* me = slot(i);
      control()->ready.fetch_add(1, std::memory_order_acq_rel);
      if (wait_for_go(control(), deadline)) {
        me->state.store(kRunning, std::memory_order_release);
        ActorContext ctx(static_cast<int>(i), specs[i].name, me, slot(0), static_cast<int>(specs.size()), deadline,
                         false);
        run_body(specs[i].body, ctx, me);
      }
      mark_ended(me);
      std::lock_guard lock(m);
      ended[i] = Clock::now();
      ++finished;
      cv.notify_all();
    });
    specs[i].pid = 0;  // "started"
  }
  const auto started = Clock::now();
  control()->go.store(1, std::memory_order_release);
  futex::wake_all(control()->go);
  {
    std::unique_lock lock(m);
    if (!cv.wait_until(lock, deadline, [&] { return finished == specs.size(); })) {
      // A thread cannot be killed. Report who hung and what it was doing, then
      // end the process: returning would leave threads running on freed state.
      std::fprintf(stderr, "shmconform harness: actor thread(s) still running after %lld ms:\n",
                   static_cast<long long>(timeout.count()));
      for (std::size_t i = 0; i < specs.size(); ++i)
        if (slot(i)->state.load() == kRunning)
          std::fprintf(stderr, "  %s [was doing: %s]\n", specs[i].name.c_str(), slot(i)->doing);
      std::fflush(stderr);
      ::_exit(124);
    }
  }
  for (auto& t : threads) t.join();
  std::vector<ActorOutcome> out;
  for (std::size_t i = 0; i < specs.size(); ++i) {
    specs[i].ended = ended[i];
    specs[i].wait_status = 0;  // WIFEXITED with status 0
    ActorOutcome o = outcome_of(i, specs[i], started);
    out.push_back(std::move(o));
  }
  return out;
}

ActorOutcome run_in_child(std::string name, ActorBody body, std::chrono::milliseconds timeout, CrashPlan crash) {
  Actors actors(ActorMode::processes);
  actors.add(std::move(name), std::move(body), std::move(crash));
  return actors.run(timeout).front();
}

}  // namespace shmc::harness
