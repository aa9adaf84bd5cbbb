#include "shmconform/history/history_log.hpp"

#include "shmconform/runtime/crash_point.hpp"

#include <new>
#include <string>
#include <stdexcept>

namespace shmc::history {

namespace {
constexpr std::uint32_t kMaxActors = 4096;
}

void Recorder::append(std::uint32_t kind, std::uint32_t code, std::uint64_t w0, std::uint64_t w1, std::uint64_t at) {
  Record& r = records_[at];
  r.kind = kind;
  r.code = code;
  r.word[0] = w0;
  r.word[1] = w1;
  // seq_cst: the ticket order is the real-time order of invokes and returns
  // across actors, and the operation's own accesses stay on their side of it.
  r.time = header_->clock.fetch_add(1, std::memory_order_seq_cst) + 1;
  slot_->count.store(at + 1, std::memory_order_release);
}

Result<void> Recorder::invoke(std::uint32_t code, std::uint64_t arg0, std::uint64_t arg1) {
  const std::uint64_t at = slot_->count.load(std::memory_order_relaxed);
  if (at % 2 != 0)
    return make_error(Errc::invalid_argument, "history: actor " + std::to_string(actor_) +
                                                  " invoked an operation while one is outstanding");
  if (at > capacity_ - 2)  // not at + 2: a scribbled count near 2^64 would wrap past the check
    return make_error(Errc::invalid_argument, "history log full: actor " + std::to_string(actor_) + " holds " +
                                                  std::to_string(at) + " of " + std::to_string(capacity_) +
                                                  " records; create the log with a larger capacity");
  append(kInvokeRecord, code, arg0, arg1, at);
  return {};
}

Result<void> Recorder::complete(std::uint32_t status, std::uint64_t value0, std::uint64_t value1) {
  const std::uint64_t at = slot_->count.load(std::memory_order_relaxed);
  if (at % 2 == 0)
    return make_error(Errc::invalid_argument,
                      "history: actor " + std::to_string(actor_) + " completed an operation it never invoked");
  if (at >= capacity_)  // invoke() reserved this record; a count past it was written by somebody else
    return make_error(Errc::corrupt, "history: actor " + std::to_string(actor_) + "'s record count " +
                                         std::to_string(at) + " is past its capacity " + std::to_string(capacity_));
  append(kReturnRecord, status, value0, value1, at);
  return {};
}

std::uint64_t Recorder::records() const { return slot_->count.load(std::memory_order_acquire); }

Result<HistoryLog> HistoryLog::create(const std::string& name, std::uint32_t actors, std::uint32_t capacity) {
  if (actors == 0 || actors > kMaxActors || capacity < 2)
    return make_error(Errc::invalid_argument, "history log '" + name + "': need 1.." + std::to_string(kMaxActors) +
                                                  " actors and a capacity of at least 2 records, got " +
                                                  std::to_string(actors) + " actors x " + std::to_string(capacity));
  auto init = [&](std::byte* payload, std::size_t) -> Result<void> {
    auto* h = new (payload) LogHeader{};
    h->magic = kLogMagic;
    h->version = kLogVersion;
    h->actors = actors;
    h->capacity = capacity;
    for (std::uint32_t a = 0; a < actors; ++a) new (payload + slots_offset() + a * sizeof(ActorSlot)) ActorSlot{};
    return {};
  };
  SegmentOptions options;
  options.label = "history";
  auto seg = Segment::create(name, SegmentKind::history, payload_size(actors, capacity), init, options);
  if (!seg) return seg.error();
  return HistoryLog(std::move(seg).value(), Geometry{actors, capacity});
}

Result<HistoryLog> HistoryLog::open(const std::string& name) {
  auto seg = Segment::open(name, SegmentKind::history);
  if (!seg) return seg.error();
  auto g = validate(seg.value());
  if (!g) return g.error();
  return HistoryLog(std::move(seg).value(), *g);
}

Result<HistoryLog::Geometry> HistoryLog::validate(const Segment& segment) {
  const std::string where = "history log '" + segment.name() + "'";
  if (segment.payload_size() < sizeof(LogHeader))
    return make_error(Errc::truncated, where + ": payload smaller than its header");
  const auto* h = reinterpret_cast<const LogHeader*>(segment.payload());
  const Geometry g{h->actors, h->capacity};  // read once: what we index with is what we checked
  if (h->magic != kLogMagic) return make_error(Errc::corrupt, where + ": bad history log magic " + std::to_string(h->magic));
  if (h->version != kLogVersion)
    return make_error(Errc::layout_mismatch, where + ": log layout version " + std::to_string(h->version) +
                                                 ", this build reads " + std::to_string(kLogVersion));
  if (g.actors == 0 || g.actors > kMaxActors)
    return make_error(Errc::corrupt, where + ": " + std::to_string(g.actors) + " actors, outside 1.." +
                                         std::to_string(kMaxActors));
  if (g.capacity < 2) return make_error(Errc::corrupt, where + ": capacity " + std::to_string(g.capacity) + " records");
  const std::size_t needs = payload_size(g.actors, g.capacity);
  if (needs > segment.payload_size())
    return make_error(Errc::truncated, where + ": " + std::to_string(g.actors) + " actors x " +
                                           std::to_string(g.capacity) + " records need " + std::to_string(needs) +
                                           " bytes, the payload has " + std::to_string(segment.payload_size()));
  // Segment::create rounds a payload up to a cache line. Sizes forged smaller still fit, and would read each
  // actor's records from where another actor's are.
  if ((needs + 63) / 64 * 64 != segment.payload_size() &&
      !SHMC_FAULT_POINT("history/open/planted_skips_size_check", "planted bug: a history log's sizes are not checked against its payload"))
    return make_error(Errc::corrupt, where + ": " + std::to_string(g.actors) + " actors x " +
                                         std::to_string(g.capacity) + " records fill " + std::to_string(needs) +
                                         " bytes of a payload of " + std::to_string(segment.payload_size()));
  return g;
}

ActorSlot* HistoryLog::slot(std::size_t actor) const {
  return reinterpret_cast<ActorSlot*>(segment_.payload() + slots_offset() + actor * sizeof(ActorSlot));
}

Record* HistoryLog::records(std::size_t actor) const {
  return reinterpret_cast<Record*>(segment_.payload() + records_offset(actors()) +
                                   actor * std::size_t{capacity()} * sizeof(Record));
}

Recorder HistoryLog::recorder(int actor) const {
  if (actor < 0 || static_cast<std::uint32_t>(actor) >= actors())
    throw std::out_of_range("history: no actor " + std::to_string(actor) + " in a log of " +
                            std::to_string(actors()));
  return Recorder(header(), slot(actor), records(actor), geometry_.capacity, actor);
}

Result<check::History> HistoryLog::collect() const {
  check::History out;
  const std::uint64_t clock = header()->clock.load(std::memory_order_acquire);
  for (std::uint32_t a = 0; a < actors(); ++a) {
    const std::uint64_t count = slot(a)->count.load(std::memory_order_acquire);
    auto bad = [&](const std::string& why) {
      return make_error(Errc::corrupt, "history log '" + name() + "', actor " + std::to_string(a) + ": " + why);
    };
    if (count > capacity()) return bad(std::to_string(count) + " records published, capacity " + std::to_string(capacity()));
    const Record* r = records(a);
    std::uint64_t last = 0;
    for (std::uint64_t i = 0; i < count; ++i) {
      const bool want_invoke = i % 2 == 0;
      if (r[i].kind != (want_invoke ? kInvokeRecord : kReturnRecord))
        return bad("record " + std::to_string(i) + " should be " + (want_invoke ? "an invoke" : "a return"));
      if (r[i].time <= last || r[i].time > clock)
        return bad("record " + std::to_string(i) + " has time " + std::to_string(r[i].time) + " after " +
                   std::to_string(last) + " (clock " + std::to_string(clock) + ")");
      last = r[i].time;
      if (want_invoke) {
        check::Operation op;
        op.actor = static_cast<int>(a);
        op.code = r[i].code;
        op.arg = {r[i].word[0], r[i].word[1]};
        op.invoke = r[i].time;
        op.pending = true;
        out.push_back(op);
      } else {
        check::Operation& op = out.back();
        op.pending = false;
        op.status = r[i].code;
        op.value = {r[i].word[0], r[i].word[1]};
        op.ret = r[i].time;
      }
    }
  }
  return out;
}

}  // namespace shmc::history
