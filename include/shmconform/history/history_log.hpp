// Per-actor append-only history logs in one shared-memory segment.
//
//   auto log = history::HistoryLog::create(harness::unique_name("hist"), actors, 4096);
//   actors.add("p0", [&](harness::ActorContext& ctx) {
//     auto rec = log->recorder(ctx.index());
//     SHMC_ACTOR_CHECK(rec.invoke(check::queue::kPush, w[0], w[1]).ok());  // before touching the queue
//     bool pushed = ring.push(...);
//     SHMC_ACTOR_CHECK(rec.complete(pushed ? check::queue::kOk : check::queue::kFull).ok());
//     return 0; });
//   actors.run(...);
//   auto h = log->collect();   // check::History; a killed actor's last op is pending
//
// Timestamps come from one shared counter, taken before the invoke record is
// published and after the operation ended, so real-time order between actors
// is exact. A record is whole or invisible, whatever moment the writer dies.
#pragma once

#include <cstdint>
#include <string>

#include "shmconform/runtime/result.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/check/operation.hpp"
#include "shmconform/history/layout.hpp"

namespace shmc::history {

// Appends to one actor's log. Cheap to copy; valid as long as its HistoryLog
// (in a forked actor: the inherited mapping). One thread/process per actor.
class Recorder {
 public:
  // Takes a timestamp and publishes the invoke record; call it before the
  // operation starts. Fails if an operation is already outstanding, or if
  // the log has no room for this invoke and its return (Errc::invalid_argument,
  // "history log full"); nothing is recorded then.
  Result<void> invoke(std::uint32_t code, std::uint64_t arg0 = 0, std::uint64_t arg1 = 0);
  // Ends the outstanding operation; call it after the operation ended. Room
  // was reserved by invoke(), so this only fails when nothing is outstanding.
  Result<void> complete(std::uint32_t status, std::uint64_t value0 = 0, std::uint64_t value1 = 0);
  std::uint64_t records() const;

 private:
  friend class HistoryLog;
  Recorder(LogHeader* header, ActorSlot* slot, Record* records, std::uint32_t capacity, int actor)
      : header_(header), slot_(slot), records_(records), capacity_(capacity), actor_(actor) {}
  void append(std::uint32_t kind, std::uint32_t code, std::uint64_t w0, std::uint64_t w1, std::uint64_t at);
  LogHeader* header_;
  ActorSlot* slot_;
  Record* records_;
  std::uint32_t capacity_;  // the validated copy: a scribbled header cannot move our writes
  int actor_;
};

class HistoryLog {
 public:
  // capacity: records per actor (two per operation).
  static Result<HistoryLog> create(const std::string& name, std::uint32_t actors, std::uint32_t capacity);
  // Attaches to a log another process created (to read it after its writers died).
  static Result<HistoryLog> open(const std::string& name);

  // Copied at create/open: a writer scribbling on the header later cannot send a reader past the mapping.
  std::uint32_t actors() const { return geometry_.actors; }
  std::uint32_t capacity() const { return geometry_.capacity; }
  const std::string& name() const { return segment_.name(); }
  // Throws std::out_of_range for a bad actor index.
  Recorder recorder(int actor) const;
  // Every published record, as operations: actor by actor, in time order. An
  // invoke with no return is a pending operation. Errc::corrupt if a log breaks
  // its own rules (kinds not alternating, time not increasing, count > capacity).
  Result<check::History> collect() const;

 private:
  struct Geometry {
    std::uint32_t actors, capacity;
  };
  HistoryLog(Segment segment, Geometry geometry) : segment_(std::move(segment)), geometry_(geometry) {}
  LogHeader* header() const { return reinterpret_cast<LogHeader*>(segment_.payload()); }
  ActorSlot* slot(std::size_t actor) const;
  Record* records(std::size_t actor) const;
  // Each refusal names its field: corrupt (a value no creator writes), layout_mismatch, truncated.
  static Result<Geometry> validate(const Segment& segment);
  Segment segment_;
  Geometry geometry_;
};

}  // namespace shmc::history
