// Findings about our own Segment protocol (harness/runtime/segment.cpp): it refuses what
// it must refuse, detects staleness from kernel facts, and closes the
// create-then-initialise race. Quick end-to-end checks; the detailed tests are
// in suite/segment.
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>

#include "shmconform/runtime/segment.hpp"
#include "shmconform/runtime/sys.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/shared_region.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"

namespace shmc::conformance {
namespace {

using namespace support;

constexpr const char* kSection = "segment";
constexpr milliseconds kStep{2000};

std::string code_of(const Error& e) { return std::string(to_string(e.code)) + ": " + e.message; }

SHMC_CHECK("segment.open.foreign", kSection,
           "an object of that name that is not a shmconform segment is refused as foreign and classified FOREIGN") {
  ShmName name{harness::unique_name("foreign")};
  Fd fd{create_object(name.c_str(), 4096)};
  if (!fd.ok()) return fail("creating the object: " + errno_text(errno));
  const char text[] = "somebody else's data, long enough to fill a header";
  if (::pwrite(fd.get(), text, sizeof text, 0) != static_cast<ssize_t>(sizeof text)) return fail("pwrite: " + errno_text(errno));
  auto seg = Segment::open(name.str(), SegmentKind::raw);
  if (seg) return fail("Segment::open accepted a foreign object");
  if (seg.error().code != Errc::foreign) return fail("expected foreign, got " + code_of(seg.error()));
  auto cls = classify_segment(name.str());
  if (!cls) return fail("classify_segment: " + code_of(cls.error()));
  if (cls->cls != SegmentClass::foreign) return fail(std::string("classified ") + to_string(cls->cls) + ": " + cls->reason);
  return pass();
}

SHMC_CHECK("segment.open.truncated", kSection,
           "a segment file shorter than its header says is refused as truncated before any access past its end (no SIGBUS)") {
  ShmName name{harness::unique_name("truncated")};
  auto created = Segment::create(name.str(), SegmentKind::raw, 64 * 1024);
  if (!created) return fail("Segment::create: " + code_of(created.error()));
  {
    Fd shrink{sys::shm_open(name.c_str(), O_RDWR, 0)};
    if (!shrink.ok() || sys::ftruncate(shrink.get(), static_cast<off_t>(page_size())) != 0)
      return fail("shrinking the file: " + errno_text(errno));
  }
  // In a child: if open() touched memory past the end, the SIGBUS kills only the child.
  auto child = harness::run_in_child("opener", [&](harness::ActorContext&) {
    auto seg = Segment::open(name.str(), SegmentKind::raw);
    expect(!seg, "Segment::open accepted a truncated segment");
    expect(seg.error().code == Errc::truncated, "expected truncated, got " + code_of(seg.error()));
    return 0;
  }, kStep);
  if (!child.ok()) return fail(child.describe());
  return pass();
}

struct ShrinkState {
  std::atomic<std::uint32_t> opened;
  std::atomic<std::uint32_t> shrunk;
  std::atomic<std::int32_t> shrink_errno;  // 0: the shrink went through
};

SHMC_CHECK("segment.named.peer_shrink", kSection,
           "a peer with write access shrinks a named Segment after an opener validated it: nothing refuses the shrink, "
           "the opener dies of SIGBUS at its next access past the new end, and a later Segment::open refuses it as "
           "truncated (FINDING: use Segment::create_sealed where peers are not trusted)",
           "", "XSH ftruncate, XSH mmap") {
  ShmName name{harness::unique_name("shrunk")};
  auto created = Segment::create(name.str(), SegmentKind::raw, 16 * page_size());
  if (!created) return fail("Segment::create: " + code_of(created.error()));
  harness::SharedArray<ShrinkState> shared(1);
  ShrinkState& st = shared[0];
  st.shrink_errno.store(-1);
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("opener", [&](harness::ActorContext& ctx) {
    let_signal_kill(SIGBUS);
    auto seg = Segment::open(name.str(), SegmentKind::raw);
    expect(seg.ok(), seg ? "" : "Segment::open: " + code_of(seg.error()));
    st.opened.store(1, std::memory_order_release);
    ctx.doing("waiting for the peer's shrink");
    expect(wait_flag(st.shrunk, 1, kStep), "the peer never shrank it");
    ctx.doing("touching the last page after the shrink");
    static_cast<volatile std::byte*>(seg->payload())[seg->payload_size() - 1] = std::byte{1};
    return 0;
  });
  actors.add("peer", [&](harness::ActorContext&) {
    expect(wait_flag(st.opened, 1, kStep), "the opener never opened it");
    Fd fd{sys::shm_open(name.c_str(), O_RDWR | O_CLOEXEC, 0)};
    expect(fd.ok(), "the peer's shm_open: " + errno_text(errno));
    st.shrink_errno.store(sys::ftruncate(fd.get(), static_cast<off_t>(page_size())) == 0 ? 0 : errno);
    st.shrunk.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  if (!outcomes[1].ok()) return fail("peer: " + outcomes[1].describe());
  if (const int e = st.shrink_errno.load(); e != 0) return fail("the peer could not shrink the segment: " + errno_text(e));
  if (!died_of(outcomes[0], SIGBUS)) return fail("the opener did not die of SIGBUS: " + outcomes[0].describe());
  auto again = Segment::open(name.str(), SegmentKind::raw);
  if (again) return fail("Segment::open accepted the shrunk segment");
  if (again.error().code != Errc::truncated) return fail("the shrunk segment was refused as " + code_of(again.error()));
  return finding("a peer shrank a named Segment under an attached opener, which died of SIGBUS at its next access; "
                 "later opens are refused as truncated, but nothing protects a process already attached; a sealed "
                 "segment refuses the shrink (memfd.segment.sealed)");
}

struct StaleState {
  std::atomic<std::uint64_t> creator;   // packed identities
  std::atomic<std::uint64_t> attachee;
  std::atomic<std::int32_t> creator_pid;
  std::atomic<std::int32_t> attachee_pid;
  std::atomic<std::uint32_t> created;
  std::atomic<std::uint32_t> attached;
  std::atomic<std::uint32_t> never;
};

SHMC_CHECK("segment.stale.after_creator_killed", kSection,
           "a segment is ALIVE while any attached process lives and STALE once its creator and every attachee were killed") {
  ShmName name{harness::unique_name("stale")};
  harness::SharedArray<StaleState> shared(1);
  StaleState& st = shared[0];
  auto classify = [&]() -> std::string {
    auto c = classify_segment(name.str());
    return c ? std::string(to_string(c->cls)) + " (" + c->reason + ")" : "error: " + code_of(c.error());
  };
  auto kill_and_wait = [&](const std::atomic<std::int32_t>& pid, const std::atomic<std::uint64_t>& who) {
    expect(sys::kill(pid.load(), SIGKILL) == 0, "kill: " + errno_text(errno));
    expect(wait_dead(unpack(who.load()), kStep), "still alive after SIGKILL");
  };
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("creator", [&](harness::ActorContext& ctx) {
    auto seg = Segment::create(name.str(), SegmentKind::raw, 64);
    expect(seg.ok(), seg ? "" : "Segment::create: " + code_of(seg.error()));
    st.creator.store(pack(self_identity()));
    st.creator_pid.store(::getpid());
    st.created.store(1, std::memory_order_release);
    ctx.doing("attached until killed");
    (void)wait_flag(st.never, 1, milliseconds(5000));
    return 1;
  });
  actors.add("attachee", [&](harness::ActorContext& ctx) {
    expect(wait_flag(st.created, 1, kStep), "the creator never created");
    auto seg = Segment::open(name.str(), SegmentKind::raw);
    expect(seg.ok(), seg ? "" : "Segment::open: " + code_of(seg.error()));
    st.attachee.store(pack(self_identity()));
    st.attachee_pid.store(::getpid());
    st.attached.store(1, std::memory_order_release);
    ctx.doing("attached until killed");
    (void)wait_flag(st.never, 1, milliseconds(5000));
    return 1;
  });
  actors.add("observer", [&](harness::ActorContext& ctx) {
    expect(wait_flag(st.attached, 1, kStep), "the attachee never attached");
    std::string c = classify();
    expect(c.starts_with("ALIVE"), "with both attached: " + c);
    ctx.doing("killing the creator");
    kill_and_wait(st.creator_pid, st.creator);
    c = classify();
    expect(c.starts_with("ALIVE"), "creator dead, attachee alive: " + c);
    ctx.doing("killing the attachee");
    kill_and_wait(st.attachee_pid, st.attachee);
    // A killed multi-threaded process (a sanitizer runtime adds a thread) reads as
    // dead once its main thread is a zombie, but the kernel drops its locks only
    // when the last thread has gone: STALE follows within a bound, not at once.
    expect(wait_until([&] { return classify().starts_with("STALE"); }, kStep), "everybody dead: " + classify());
    return 0;
  });
  auto outcomes = actors.run(milliseconds(6000));
  if (!outcomes[2].ok()) return fail(harness::describe(outcomes));
  auto reclaimed = reclaim_if_stale(name.str());
  if (!reclaimed || reclaimed->cls != SegmentClass::stale) return fail("reclaim_if_stale did not reclaim it: " + classify());
  return pass();
}

SHMC_CHECK("segment.init.creator_killed", kSection,
           "an opener of a segment whose creator was killed before READY gets 'creator died' at once, never its memory") {
  if (!harness::crash_injection_available()) return unsupported("this build has no crash points (release preset)");
  ShmName name{harness::unique_name("init-killed")};
  auto creator = harness::run_in_child("creator", [&](harness::ActorContext&) {
    auto seg = Segment::create(name.str(), SegmentKind::raw, 64);
    return 1;  // the crash point should have killed us
  }, kStep, harness::CrashAt{"segment/create/after_header", 1});
  if (creator.end != harness::ActorOutcome::End::crashed_at_point) return fail("creator: " + creator.describe());
  SegmentOptions options;
  options.init_wait = milliseconds(1500);
  const auto started = Clock::now();
  auto seg = Segment::open(name.str(), SegmentKind::raw, options);
  const auto waited = std::chrono::duration_cast<milliseconds>(Clock::now() - started).count();
  if (seg) return fail("Segment::open accepted a segment that never became ready");
  if (seg.error().code != Errc::creator_died) return fail("expected creator_died, got " + code_of(seg.error()));
  if (waited > 1000) return fail("open waited " + std::to_string(waited) + " ms for a creator that was already dead");
  auto cls = classify_segment(name.str());
  if (!cls || cls->cls != SegmentClass::stale) return fail("not classified STALE");
  return pass();
}

struct RaceState {
  std::atomic<std::uint32_t> in_init;
  std::atomic<std::uint32_t> release;
  std::atomic<std::uint32_t> opener_done;
};

SHMC_CHECK("segment.init.race", kSection,
           "an opener racing the creator's initialisation gets 'still initialising' after its bound, then the initialised payload") {
  ShmName name{harness::unique_name("init-race")};
  harness::SharedArray<RaceState> shared(1);
  RaceState& st = shared[0];
  harness::Actors actors(harness::ActorMode::processes);
  actors.add("creator", [&](harness::ActorContext& ctx) {
    ctx.doing("initialising");
    auto seg = Segment::create(name.str(), SegmentKind::raw, 64, [&](std::byte* payload, std::size_t) -> Result<void> {
      st.in_init.store(1, std::memory_order_release);
      if (!wait_flag(st.release, 1, kStep)) return make_error(Errc::timed_out, "the opener never released us");
      payload[0] = std::byte{0xAB};
      return {};
    });
    expect(seg.ok(), seg ? "" : "Segment::create: " + code_of(seg.error()));
    ctx.doing("waiting for the opener");
    expect(wait_flag(st.opener_done, 1, kStep), "the opener never finished");
    return 0;
  });
  actors.add("opener", [&](harness::ActorContext& ctx) {
    expect(wait_flag(st.in_init, 1, kStep), "the creator never started initialising");
    SegmentOptions quick;
    quick.init_wait = milliseconds(100);
    ctx.doing("opening during initialisation");
    auto early = Segment::open(name.str(), SegmentKind::raw, quick);
    expect(!early, "open succeeded while the creator was still initialising");
    expect(early.error().code == Errc::still_initialising, "expected still_initialising, got " + code_of(early.error()));
    st.release.store(1, std::memory_order_release);
    SegmentOptions patient;
    patient.init_wait = kStep;
    ctx.doing("opening with a longer bound");
    auto late = Segment::open(name.str(), SegmentKind::raw, patient);
    expect(late.ok(), late ? "" : "open after initialisation: " + code_of(late.error()));
    expect(late->payload()[0] == std::byte{0xAB}, "the opener sees an uninitialised payload");
    st.opener_done.store(1, std::memory_order_release);
    return 0;
  });
  auto outcomes = actors.run(milliseconds(5000));
  if (!harness::all_ok(outcomes)) return fail(harness::describe(outcomes));
  return pass();
}

}  // namespace
}  // namespace shmc::conformance
