#include "suite/map/map_campaign.hpp"

#include <algorithm>
#include <cstdlib>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/check/linearizability.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/map/recorded_map.hpp"

#ifndef SHMC_MAP_CAMPAIGN_DEFAULT_HITS
#define SHMC_MAP_CAMPAIGN_DEFAULT_HITS 3
#endif

namespace shmc::map::testing {

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr std::uint32_t kCapacity = 16;
// Two value words, so a write interrupted between them is visible as a torn value if nobody repairs it.
constexpr std::uint32_t kValueSize = 16;
constexpr std::uint32_t kHome = 5;
constexpr int kRounds = 3;  // every write-path point is reached 33 times by the victim (value steps 21)
constexpr const char* kBreakPoint = "map/write/value_written";

// The victim's keys share home bucket kHome (k*) or kHome+1 (j0); the peer's
// (p*, q0) share the same two home buckets, so both fight over the same locks
// and chains without changing each other's keys.
struct Keys {
  std::uint64_t k0, k1, k2, j0, p0, p1, q0;
  std::vector<std::uint64_t> all() const { return {k0, k1, k2, j0, p0, p1, q0}; }
};

template <class M>
Keys keys_for(const M& m) {
  return Keys{nth_key_with_home(m, kHome, 0),     nth_key_with_home(m, kHome, 1), nth_key_with_home(m, kHome, 2),
              nth_key_with_home(m, kHome + 1, 0), nth_key_with_home(m, kHome, 3), nth_key_with_home(m, kHome, 4),
              nth_key_with_home(m, kHome + 1, 1)};
}

template <class M>
void victim_workload(RecordedMap<M>& rm, const Keys& k) {
  std::uint64_t n = 0, out = 0;
  auto v = [&] { return (std::uint64_t{1} << 32) | ++n; };
  // Insert, update and erase come first, so hits 1..3 of each write step land in different operations.
  for (int r = 0; r < kRounds; ++r) {
    rm.insert(k.k0, v());
    rm.update(k.k0, v());
    rm.erase(k.k0);
    rm.insert(k.k1, v());  // reuses k0's tombstone
    rm.insert(k.k2, v());
    rm.update(k.k2, v());
    rm.insert(k.j0, v());
    rm.erase(k.k1);
    rm.update(k.j0, v());
    rm.find(k.k2, &out);
    rm.erase(k.k2);
    rm.erase(k.j0);
  }
}

template <class M>
void peer_workload(RecordedMap<M>& rm, const Keys& k) {
  std::uint64_t n = 0, out = 0;
  auto v = [&] { return (std::uint64_t{2} << 32) | ++n; };
  for (int r = 0; r < kRounds; ++r) {
    rm.insert(k.p0, v());
    rm.insert(k.q0, v());
    rm.update(k.p0, v());
    rm.find(k.p0, &out);
    rm.erase(k.p0);
    rm.insert(k.p1, v());
    rm.erase(k.q0);
    rm.erase(k.p1);
  }
}

bool is_bounded_wait(const std::string& message) { return message.rfind("timed out:", 0) == 0; }

void judge_victim(const harness::ActorOutcome& o, TrialOutcome& out) {
  out.fired = o.end == harness::ActorOutcome::End::crashed_at_point && o.crash_point == out.point && o.hit == out.hit;
  if (!out.fired) out.failures.push_back("the armed point did not fire: " + o.describe());
}

// Recovery, then every key read back by the test process, then the linearizability verdict.
template <class M>
void recover_and_check(M& m, history::HistoryLog& log, int auditor, const std::vector<std::uint64_t>& keys,
                       TrialOutcome& out) {
  const auto t0 = Clock::now();
  const MapStats before = m.stats();
  auto rec = m.recover();
  out.recovery_takeovers = m.stats().takeovers - before.takeovers;
  out.repairs += m.stats().repairs - before.repairs;
  out.recover_time = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0);
  if (!rec) {
    out.bounded_wait |= rec.error().code == Errc::timed_out;
    out.failures.push_back("recover: " + rec.error().describe());
  } else {
    for (std::uint32_t i = 0; i < m.capacity(); ++i) {
      auto info = m.bucket_info(i);
      if (info->lock_word != 0 || info->seq % 2 != 0)
        out.failures.push_back("after recover, bucket " + std::to_string(i) + " has lock word " +
                               std::to_string(info->lock_word) + " and seq " + std::to_string(info->seq));
    }
    RecordedMap<M> audit(m, log.recorder(auditor));
    for (std::uint64_t k : keys) {
      std::uint64_t v = 0;
      try {
        audit.find(k, &v);
      } catch (const MapOpFailed& e) {
        out.bounded_wait |= e.code() == Errc::timed_out;
        out.failures.push_back(std::string("audit find: ") + e.what());
        break;
      } catch (const std::exception& e) {  // a torn value; the find stays pending in the history
        out.failures.push_back(std::string("audit find: ") + e.what());
        break;
      }
    }
  }
  auto history = log.collect();
  if (!history) {
    out.failures.push_back("history: " + history.error().describe());
    return;
  }
  const check::map::Model model({.capacity = m.capacity(), .full = check::map::FullPolicy::lenient});
  auto verdict = check::check_linearizable(*history, model);
  if (!verdict.ok()) out.failures.push_back("not linearizable:\n" + verdict.report);
}

}  // namespace

std::string CampaignSummary::describe(std::size_t max_trials) const {
  std::string s = std::to_string(trials) + " trials, " + std::to_string(fired) + " fired, " +
                  std::to_string(bounded_waits) + " with a bounded-wait report, " + std::to_string(failed.size()) +
                  " failed, " + std::to_string(wall.count()) + " ms; takeover by the peer in " +
                  std::to_string(peer_took_over) + ", by recovery in " + std::to_string(recovery_took_over) +
                  ", rollback in " + std::to_string(repaired) + "\n";
  for (std::size_t i = 0; i < failed.size() && i < max_trials; ++i) {
    s += "- " + failed[i].point + " hit " + std::to_string(failed[i].hit) + ":\n";
    for (const auto& f : failed[i].failures) s += "    " + f + "\n";
  }
  return s;
}

std::uint32_t campaign_hits() {
  if (const char* env = std::getenv("SHMC_MAP_CAMPAIGN_HITS")) {
    const long n = std::strtol(env, nullptr, 10);
    if (n >= 1 && n <= 33) return static_cast<std::uint32_t>(n);
  }
  return SHMC_MAP_CAMPAIGN_DEFAULT_HITS;
}

template <class M>
std::vector<std::string> operation_points() {
  std::vector<std::string> out;
  for (const auto& p : crash::crash_points_with_prefix("map/")) {
    const std::string name = p.name;
    if (name.rfind("map/repair/", 0) == 0) continue;
    if (!M::kKeepsUndoRecord && (name == "map/write/saving_undo" || name == "map/write/undo_saved")) continue;
    out.push_back(name);
  }
  return out;
}

std::vector<std::string> repair_points() {
  std::vector<std::string> out;
  for (const auto& p : crash::crash_points_with_prefix("map/repair/")) out.emplace_back(p.name);
  return out;
}

template <class M>
TrialOutcome run_operation_trial(const std::string& point, std::uint32_t hit, const MapOptions& options) {
  TrialOutcome out{point, hit, false, false, {}, {}};
  const auto name = harness::unique_name("map-crash");
  auto m = M::create(name, {.capacity = kCapacity, .key_size = 8, .value_size = kValueSize}, options);
  auto log = history::HistoryLog::create(harness::unique_name("map-crash-log"), 3, 1024);
  if (!m || !log) {
    out.failures.push_back("setup: " + (m ? log.error().describe() : m.error().describe()));
    return out;
  }
  const Keys keys = keys_for(*m);
  harness::SharedArray<std::atomic<std::uint64_t>> peer_stats(2);  // takeovers, repairs
  harness::Actors actors;
  auto body = [&](int who) {
    return [&, who](harness::ActorContext& ctx) {
      auto map = M::open(name, options);
      SHMC_ACTOR_CHECK(map.ok());
      RecordedMap<M> rm(*map, log->recorder(ctx.index()));
      if (who == 0) {
        victim_workload(rm, keys);
      } else {
        peer_workload(rm, keys);
        peer_stats[0].store(map->stats().takeovers);
        peer_stats[1].store(map->stats().repairs);
      }
      return 0;
    };
  };
  actors.add("victim", body(0), harness::CrashAt{point, hit});
  actors.add("peer", body(1));
  auto outcomes = actors.run(30s);
  judge_victim(outcomes[0], out);
  if (!outcomes[1].ok()) {
    out.bounded_wait |= is_bounded_wait(outcomes[1].message);
    out.failures.push_back("peer: " + outcomes[1].describe());
  }
  out.peer_takeovers = peer_stats[0].load();
  out.repairs += peer_stats[1].load();
  recover_and_check(*m, *log, 2, keys.all(), out);
  return out;
}

template <class M>
TrialOutcome run_repair_trial(const std::string& point, std::uint32_t hit, const MapOptions& options) {
  TrialOutcome out{point, hit, false, false, {}, {}};
  const auto name = harness::unique_name("map-repair");
  const int breakers = static_cast<int>(hit);
  auto m = M::create(name, {.capacity = kCapacity, .key_size = 8, .value_size = kValueSize}, options);
  auto log = history::HistoryLog::create(harness::unique_name("map-repair-log"), hit + 2, 64);
  if (!m || !log) {
    out.failures.push_back("setup: " + (m ? log.error().describe() : m.error().describe()));
    return out;
  }
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < breakers; ++i) keys.push_back(nth_key_with_home(*m, (3 * i) % kCapacity, 0));
  // Each breaker inserts its key, then dies in the middle of updating it: a torn bucket, locked by the dead.
  for (int i = 0; i < breakers; ++i) {
    auto o = harness::run_in_child(
        "breaker-" + std::to_string(i),
        [&, i](harness::ActorContext&) {
          auto map = M::open(name, options);
          SHMC_ACTOR_CHECK(map.ok());
          RecordedMap<M> rm(*map, log->recorder(i));
          rm.insert(keys[i], 100 + i);
          rm.update(keys[i], 200 + i);
          return 0;
        },
        10s, harness::CrashAt{kBreakPoint, 2});
    if (o.end != harness::ActorOutcome::End::crashed_at_point) {
      out.failures.push_back("breaker did not die mid-write: " + o.describe());
      return out;
    }
  }
  // The victim reads the torn keys, so it repairs them, and dies at its nth repair step.
  auto victim = harness::run_in_child(
      "victim",
      [&](harness::ActorContext&) {
        auto map = M::open(name, options);
        SHMC_ACTOR_CHECK(map.ok());
        RecordedMap<M> rm(*map, log->recorder(breakers));
        for (std::uint64_t k : keys) {
          std::uint64_t v = 0;
          rm.find(k, &v);
        }
        return 0;
      },
      10s, harness::CrashAt{point, hit});
  judge_victim(victim, out);
  recover_and_check(*m, *log, breakers + 1, keys, out);
  // Stricter than linearizability: an update killed before its commit is rolled back, never half applied.
  for (int i = 0; i < breakers && out.failures.empty(); ++i) {
    std::uint64_t words[2] = {0, 0};
    auto r = m->find(bytes_of(keys[i]), std::as_writable_bytes(std::span(words)));
    const std::uint64_t v = words[0];
    if (!r || *r != Status::ok || v != static_cast<std::uint64_t>(100 + i))
      out.failures.push_back("key " + std::to_string(keys[i]) + " should hold its inserted value " +
                             std::to_string(100 + i) + " after the rollback, holds " + std::to_string(v));
  }
  return out;
}

template TrialOutcome run_operation_trial<Map>(const std::string&, std::uint32_t, const MapOptions&);
template TrialOutcome run_operation_trial<PlainSpinMap>(const std::string&, std::uint32_t, const MapOptions&);
template TrialOutcome run_operation_trial<NoRollbackMap>(const std::string&, std::uint32_t, const MapOptions&);
template TrialOutcome run_repair_trial<Map>(const std::string&, std::uint32_t, const MapOptions&);
template std::vector<std::string> operation_points<Map>();
template std::vector<std::string> operation_points<PlainSpinMap>();
template std::vector<std::string> operation_points<NoRollbackMap>();

}  // namespace shmc::map::testing
