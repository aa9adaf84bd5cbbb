// The "store" family: for every role and operation kind of a subject, its
// first occurrence is dry-run in counting mode (n stores), then one trial per
// crash state k = 1..n kills the victim before its k-th store to the trial's
// shared objects (a sample of them in the default run, all in the long one).
// The victim is the first actor of its role. Where its op completes with the
// victim alone (every other actor waits for it to end), that is the schedule:
// the op's stores are then the same in every run. Where it cannot (a consumer
// of an empty queue waits for producers), only the others of its role wait,
// and n is the fewest stores over three dry runs.
#include "harness/campaign/store_schedule.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>

#include "shmconform/harness/store_trap.hpp"

namespace shmc::campaign {

namespace trap = harness::store_trap;

namespace detail {

std::optional<std::string> store_traps_unsupported() {
  if (harness::default_actor_mode() == harness::ActorMode::threads)
    return std::string("this build runs actors as threads (TSan): a store-trap window protects the whole process");
  const trap::Support s = trap::support();
  if (!s.available) return "store traps unsupported: " + s.reason;
  return std::nullopt;
}

namespace {

// Every mapping of the trial's /dev/shm objects in this process (names starting with the trial's
// name, and "sem.<name>..."), found by device and inode: glibc maps a named semaphore it creates
// through a temporary file, so /proc/self/maps shows that file's name, "(deleted)", not the semaphore's.
Result<std::vector<trap::Range>> trial_mappings(std::string_view trial_name) {
  std::string bare(trial_name);
  while (bare.starts_with('/')) bare.erase(0, 1);
  if (bare.empty()) return make_error(Errc::invalid_argument, "a store-trap window needs the trial's name");
  std::set<std::pair<std::uint64_t, std::uint64_t>> objects;  // (device, inode)
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with(bare) && !name.starts_with("sem." + bare)) continue;
    struct stat st {};
    if (::stat(entry.path().c_str(), &st) == 0)
      objects.insert({(std::uint64_t{major(st.st_dev)} << 32) | minor(st.st_dev), st.st_ino});
  }
  if (ec) return make_error(Errc::syscall_failed, "cannot list /dev/shm: " + ec.message());
  std::ifstream maps("/proc/self/maps");
  if (!maps) return sys_error("open", "/proc/self/maps");
  std::vector<trap::Range> ranges;
  std::uint64_t last_offset = 0, last_inode = 0;
  std::string line;
  while (std::getline(maps, line)) {
    // "start-end perms offset major:minor inode   path"
    std::istringstream fields(line);
    std::string span, perms, off, dev;
    std::uint64_t inode = 0;
    if (!(fields >> span >> perms >> off >> dev >> inode) || inode == 0) continue;
    const auto dash = span.find('-'), colon = dev.find(':');
    if (dash == std::string::npos || colon == std::string::npos) continue;
    const std::uint64_t maj = std::strtoull(dev.substr(0, colon).c_str(), nullptr, 16);
    const std::uint64_t min = std::strtoull(dev.substr(colon + 1).c_str(), nullptr, 16);
    if (objects.count({(maj << 32) | min, inode}) == 0) continue;
    const std::uintptr_t begin = std::strtoull(span.substr(0, dash).c_str(), nullptr, 16);
    const std::uintptr_t end = std::strtoull(span.substr(dash + 1).c_str(), nullptr, 16);
    const std::uint64_t offset = std::strtoull(off.c_str(), nullptr, 16);
    if (end <= begin) continue;
    const auto at = line.find('/');
    // One mapping split by mprotect continues in address and in file offset; a second mmap starts again.
    if (!ranges.empty() && last_inode == inode && ranges.back().begin + ranges.back().size == begin &&
        last_offset + ranges.back().size == offset) {
      ranges.back().size += end - begin;
    } else {
      ranges.push_back(trap::Range{begin, static_cast<std::size_t>(end - begin),
                                   at == std::string::npos ? "inode " + std::to_string(inode) : line.substr(at)});
      last_offset = offset;
      last_inode = inode;
    }
  }
  if (ranges.empty()) return make_error(Errc::not_found, "no /dev/shm object named from '" + bare + "' is mapped in this process");
  if (ranges.size() > trap::Session::kMaxRanges)
    return make_error(Errc::invalid_argument, "the trial's objects have " + std::to_string(ranges.size()) +
                                                  " mappings here; a store-trap window takes at most " +
                                                  std::to_string(trap::Session::kMaxRanges));
  return ranges;
}

}  // namespace

Result<TrappedOp> perform_trapped(Instance& inst, const Op& op, OpContext& ctx, std::string_view trial_name,
                                  std::uint64_t die_before) {
  auto ranges = trial_mappings(trial_name);
  if (!ranges) return ranges.error();
  trap::Limits limits;
  limits.deadline = std::chrono::duration_cast<std::chrono::milliseconds>(ctx.deadline() - std::chrono::steady_clock::now()) +
                    std::chrono::seconds(1);
  auto session = trap::Session::start(std::move(*ranges), die_before, limits);
  if (!session) return session.error();
  TrappedOp out;
  try {
    trap::Window window(**session);
    out.result = inst.perform(op, ctx);
  } catch (const std::runtime_error& e) {  // the window refused to open: the subject replaced our handlers
    return make_error(Errc::invalid_argument, e.what());
  }
  if (auto why = (*session)->exhausted()) return make_error(Errc::timed_out, *why);
  out.stores = (*session)->stores();
  return out;
}

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64, as trials.cpp
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string word(std::string text) {  // a gtest-name-safe word
  for (char& c : text)
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  return text;
}

// One operation kind of one role: where it first occurs and how many stores it made.
struct Kind {
  std::string role;
  int actor = -1;
  std::uint32_t op = 0;
  std::string call;  // "push(producer 0 item 0)"
  std::string name;  // "push"
  std::optional<std::uint64_t> stores;
  std::string why;  // the dry run did not count
  bool alone = true;  // every other actor waits for the victim (else only its role does)
};

struct Schedule {
  plan::Plan base;  // the concurrent run, no crash, the gates of a store trial
  std::vector<Kind> kinds;
};

plan::Plan gated(plan::Plan p, int victim, bool alone) {
  for (std::size_t i = 0; i < p.actors.size(); ++i)
    if (static_cast<int>(i) != victim && (alone || p.actors[i].role == p.actors[static_cast<std::size_t>(victim)].role))
      p.actors[i].waits_for = victim;
  return p;
}

// Counts survive the process: gtest runs every trial in a process of its own, and each builds the trial list.
// Keyed by the executable (path, size, mtime), the variant and the seed; written whole, then renamed.
std::filesystem::path count_file(const SubjectVariant& variant, std::uint64_t seed) {
  struct stat st {};
  char exe[4096];
  const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0 || ::stat("/proc/self/exe", &st) != 0) return {};
  exe[n] = '\0';
  std::uint64_t h = 1469598103934665603ULL;
  auto add = [&](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  };
  add(exe);
  add(std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec));
  add(variant.id() + ":" + std::to_string(seed));
  const char* tmp = std::getenv("TMPDIR");
  char name[40];
  std::snprintf(name, sizeof name, "%016llx", static_cast<unsigned long long>(h));
  return std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "shmconform-store-counts" / name;
}

bool load_counts(const std::filesystem::path& file, std::vector<Kind>& kinds) {
  if (file.empty()) return false;
  std::ifstream in(file);
  std::vector<std::pair<std::uint64_t, bool>> counts;  // "<n> alone" or "<n> role"
  std::string n, gate;
  while (in >> n >> gate) counts.emplace_back(std::strtoull(n.c_str(), nullptr, 10), gate == "alone");
  if (!in.eof() || counts.size() != kinds.size()) return false;
  for (std::size_t i = 0; i < kinds.size(); ++i) kinds[i].stores = counts[i].first, kinds[i].alone = counts[i].second;
  return true;
}

void save_counts(const std::filesystem::path& file, const std::vector<Kind>& kinds) {
  if (file.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  const auto tmp = file.string() + "." + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    for (const Kind& k : kinds) out << (k.stores ? *k.stores : 0) << (k.alone ? " alone\n" : " role\n");
    if (!out) return;
  }
  std::filesystem::rename(tmp, file, ec);
}

// The dry runs. Alone, one run is the count. With peers, the fewest stores over three runs: a failed
// compare-and-swap or a spinning lock adds stores, so a trial's op reaches store k <= n.
void count(const SubjectVariant& variant, Schedule& s) {
  for (Kind& k : s.kinds) {
    StoreCount alone{k.actor, k.op, {}, {}};
    run_plan_counting(variant, gated(s.base, k.actor, true), alone);
    if (alone.stores) {
      k.stores = alone.stores;
      k.alone = true;
      continue;
    }
    k.alone = false;
    for (int r = 0; r < 3; ++r) {
      StoreCount c{k.actor, k.op, {}, {}};
      const TrialResult result = run_plan_counting(variant, gated(s.base, k.actor, false), c);
      if (!c.stores) {
        k.stores.reset();
        k.why = c.why.empty() ? "the counting run ended " + std::string(to_string(result.verdict.kind)) + ": " +
                                    result.verdict.summary
                              : c.why;
        break;
      }
      k.stores = k.stores ? std::min(*k.stores, *c.stores) : *c.stores;
    }
  }
}

const Schedule& schedule(const SubjectVariant& variant, const CampaignOptions& options) {
  static std::mutex mutex;
  static std::map<std::string, Schedule> cache;
  std::lock_guard lock(mutex);
  const std::string key = variant.id() + "/" + std::to_string(options.seed);
  if (auto found = cache.find(key); found != cache.end()) return found->second;
  Schedule s;
  s.base = concurrent_plan(variant, "", mix(options.seed ^ 0x570e5ULL));
  const auto subject = variant.make();
  const TrialSetup setup{"", "", variant.op_bound};
  const auto model = subject->model(setup);
  std::set<std::string> seen_roles;
  for (std::size_t i = 0; i < s.base.actors.size(); ++i) {
    const auto& a = s.base.actors[i];
    if (!seen_roles.insert(a.role).second) continue;  // the first actor of each role
    std::set<std::uint32_t> codes;
    for (std::size_t j = 0; j < a.ops.size(); ++j) {
      if (!codes.insert(a.ops[j].code).second) continue;
      check::Operation o;
      o.actor = static_cast<int>(i);
      o.code = a.ops[j].code;
      o.arg = a.ops[j].arg;
      Kind k{a.role, static_cast<int>(i), static_cast<std::uint32_t>(j), model->describe_call(o), {}, {}, {}};
      k.name = k.call.substr(0, k.call.find('('));
      s.kinds.push_back(std::move(k));
    }
  }
  if (!store_traps_unsupported()) {
    const auto file = count_file(variant, options.seed);
    if (!load_counts(file, s.kinds)) {
      count(variant, s);
      if (std::all_of(s.kinds.begin(), s.kinds.end(), [](const Kind& k) { return k.stores.has_value(); }))
        save_counts(file, s.kinds);
    }
  }
  return cache.emplace(key, std::move(s)).first->second;
}

// k = 1..n, or at most `limit` of them evenly spread with the first and the last.
std::vector<std::uint64_t> crash_states(std::uint64_t n, std::uint32_t limit) {
  std::vector<std::uint64_t> ks;
  if (n == 0 || limit == 0) return ks;
  if (n <= limit) {
    for (std::uint64_t k = 1; k <= n; ++k) ks.push_back(k);
    return ks;
  }
  for (std::uint32_t j = 0; j < limit; ++j) {
    const std::uint64_t k = 1 + (limit == 1 ? 0 : (j * (n - 1) + (limit - 1) / 2) / (limit - 1));
    if (ks.empty() || ks.back() != k) ks.push_back(k);
  }
  return ks;
}

}  // namespace

void append_store_trials(const SubjectVariant& variant, const CampaignOptions& options, std::vector<TrialSpec>& trials) {
  if (options.stores == 0) return;
  const Schedule& s = schedule(variant, options);
  const bool unsupported = store_traps_unsupported().has_value();
  for (const Kind& k : s.kinds) {
    // Unsupported here, or the dry run failed: one trial that says so when run (skipped, or a harness error).
    std::vector<std::uint64_t> ks = unsupported || !k.stores ? std::vector<std::uint64_t>{1}
                                                             : crash_states(*k.stores, options.stores);
    for (std::uint64_t store : ks) {
      TrialSpec t;
      t.family = "store";
      t.point = "store/" + std::to_string(store);
      t.hit = static_cast<std::uint32_t>(store);
      t.victim = k.actor;
      t.plan = gated(s.base, k.actor, k.alone);
      t.plan.actors[static_cast<std::size_t>(k.actor)].crash = harness::StoreAt{k.op, static_cast<std::uint32_t>(store)};
      const std::string of = k.stores ? " of " + std::to_string(*k.stores) : std::string(" (not counted)");
      t.label = "store " + k.role + " op " + std::to_string(k.op) + " " + k.call + ": before store " +
                std::to_string(store) + of + (k.alone ? " (alone)" : " (with peers)");
      t.id = "store_" + word(k.role) + "_" + word(k.name) + "_op" + std::to_string(k.op) + "_before" + std::to_string(store);
      trials.push_back(std::move(t));
    }
  }
}

}  // namespace detail

std::string StoreCoverage::describe() const {
  if (!error.empty()) return role + " " + call + " (op " + std::to_string(op) + "): not counted: " + error;
  return role + " " + call + " (op " + std::to_string(op) + "): " + std::to_string(stores) + " stores, " +
         std::to_string(tried) + " crash states tried";
}

std::vector<StoreCoverage> store_coverage(const SubjectVariant& variant, const CampaignOptions& options) {
  std::vector<StoreCoverage> out;
  if (options.stores == 0) return out;
  const auto unsupported = detail::store_traps_unsupported();
  for (const auto& k : detail::schedule(variant, options).kinds) {
    StoreCoverage c;
    c.role = k.role;
    c.op = k.op;
    c.call = k.call;
    if (unsupported) c.error = *unsupported;
    else if (!k.stores) c.error = k.why;
    else {
      c.stores = *k.stores;
      c.tried = static_cast<std::uint32_t>(detail::crash_states(*k.stores, options.stores).size());
    }
    out.push_back(std::move(c));
  }
  return out;
}

std::optional<std::string> unsupported(const TrialSpec& trial) {
  for (const auto& a : trial.plan.actors) {
    if (std::holds_alternative<harness::CrashAt>(a.crash) && !harness::crash_injection_available())
      return std::string("crash points are compiled out in this build");
    if (std::holds_alternative<harness::StoreAt>(a.crash))
      if (auto why = detail::store_traps_unsupported()) return why;
  }
  return std::nullopt;
}

}  // namespace shmc::campaign
