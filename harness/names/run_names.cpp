#include "shmconform/harness/run_names.hpp"

#include <atomic>
#include <charconv>
#include <semaphore.h>
#include <sys/mman.h>
#include <unistd.h>

namespace shmc::harness {

namespace {
std::atomic<unsigned> g_counter{0};

// The run is the process that was running when the program started, not whoever
// names something first: a forked child that named first used to take its own pid
// as the run id, so the parent's leak guard never saw those names and another
// run's sweep removed them as a dead run's while they were still in use.
struct Run {
  pid_t pid;
  std::string id;
};

const Run& the_run() {
  static const Run run = [] {
    ProcessIdentity me = identity_of(::getpid());
    // Appends, not a chain of operator+: g++ 12 -O2 warns falsely (-Wrestrict) on the chain.
    std::string id = "r";
    id += std::to_string(::getpid());
    id += 't';
    id += std::to_string(me.start_ticks);
    return Run{::getpid(), std::move(id)};
  }();
  return run;
}

// Fixed during static initialisation, before main() or any test can fork.
[[maybe_unused]] const Run& g_fixed_at_start = the_run();

}  // namespace

const std::string& run_id() { return the_run().id; }

std::string run_prefix() {
  std::string prefix{kNamePrefix};
  prefix += run_id();
  prefix += '-';
  return prefix;
}

std::string unique_name(std::string_view label) {
  // Forked actors share the run id but not the counter: the pid keeps their names apart.
  std::string name = run_prefix();
  name += std::to_string(g_counter.fetch_add(1) + 1);
  if (::getpid() != the_run().pid) {
    name += 'p';
    name += std::to_string(::getpid());
  }
  name += "-";
  name += label;
  return name;
}

std::optional<ProcessIdentity> run_of_entry(std::string_view entry) {
  if (entry.starts_with("sem.")) entry.remove_prefix(4);
  constexpr std::string_view head = "shmconform-r";
  if (!entry.starts_with(head)) return std::nullopt;
  entry.remove_prefix(head.size());
  std::int32_t pid = 0;
  std::uint64_t ticks = 0;
  auto [p1, e1] = std::from_chars(entry.data(), entry.data() + entry.size(), pid);
  if (e1 != std::errc{} || p1 == entry.data() + entry.size() || *p1 != 't') return std::nullopt;
  ++p1;
  auto [p2, e2] = std::from_chars(p1, entry.data() + entry.size(), ticks);
  if (e2 != std::errc{} || p2 == entry.data() + entry.size() || *p2 != '-') return std::nullopt;
  return ProcessIdentity{pid, ticks};
}

ScopedUnlink::~ScopedUnlink() {
  if (kind_ == Kind::shm) ::shm_unlink(name_.c_str());
  else ::sem_unlink(name_.c_str());
}

}  // namespace shmc::harness
