// The double buffers in `shmconform report` (section "double buffer"), one
// gtest each in double_buffer_rows_test. Seed 001's design (one version
// increment per write, "even = complete") is a FINDING: the shortest
// reproductions of a torn buffer and of a read that never completes
// (docs/double_buffer.md). The seqlocked design is PASS on the same schedules
// and with its writer killed half-way through a copy. Each row is a function
// of the design: run on the other design it FAILs (double_buffer_rows_can_fail_test).
#include "suite/double_buffer/checks_double_buffer.hpp"

#include <string>
#include <vector>

#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/double_buffer/double_buffer_repro.hpp"

namespace shmc::double_buffer::rows {

namespace {

using conformance::Outcome;
using namespace repro;

Outcome needs_crash_points() {
  return conformance::untested("crash points compiled out: they stop the writer inside a read's copy");
}

// What a read returned, for a FAIL: torn, or whole but not the value expected.
std::string got(const std::vector<std::uint64_t>& out, const Result<ReadResult>& r, long long expected) {
  if (!r) return r.error().describe();
  const long long n = whole(out);
  const std::string attempts = " (attempt " + std::to_string(r->attempts) + ")";
  if (n < 0) return "a torn buffer: words of different values" + attempts;
  return "value " + std::to_string(n) + ", not the last complete value " + std::to_string(expected) + attempts;
}

}  // namespace

template <class Buffer>
Outcome two_writes_inside_one_read() {
  if (!harness::crash_injection_available()) return needs_crash_points();
  std::vector<std::uint64_t> out(kWords);
  auto r = read_around_two_writes<Buffer>(WritePoints<Buffer>::copied, out);
  if (!r || whole(out) != 1)
    return conformance::fail("a read of buffer 0 spanning write 1 (buffer 1) and write 2 (buffer 0 again, frozen at " +
                             std::string(WritePoints<Buffer>::copied) + ") returned " + got(out, r, 1));
  return conformance::pass("the copy spanning both writes was rejected; attempt " + std::to_string(r->attempts) +
                           " returned value 1 whole");
}

template <class Buffer>
Outcome writer_killed_mid_copy() {
  if (!harness::crash_injection_available()) return needs_crash_points();
  const char* half = WritePoints<Buffer>::half;
  std::vector<std::uint64_t> out(kWords);
  // A read in flight while the writer dies half-way through refilling the very buffer it copies.
  auto in_flight = read_around_two_writes<Buffer>(half, out);
  if (!in_flight || whole(out) != 1)
    return conformance::fail("the read whose buffer the writer was refilling when it was killed (at " + std::string(half) +
                             ", write 2) returned " + got(out, in_flight, 1));
  const std::uint32_t in_flight_attempts = in_flight->attempts;
  // Reads after the writer died in write 4..7: both buffers, and every count of complete writes mod 4.
  for (std::uint32_t hit = 1; hit <= 4; ++hit) {
    const auto name = harness::unique_name("dbuf-row");
    auto b = Buffer::create(name, kWords, quick());
    if (!b) return conformance::fail(b.error().describe());
    if (auto w = write_in_child<Buffer>(name, 1, 3, {}); !w.ok())
      return conformance::fail("writing values 1..3: " + w.describe());
    const long long last = 3 + hit - 1;
    auto died = write_in_child<Buffer>(name, 4, 7, harness::CrashAt{half, hit});
    if (died.end != harness::ActorOutcome::End::crashed_at_point)
      return conformance::fail("the writer was not killed in write " + std::to_string(last + 1) + ": " + died.describe());
    auto r = b->read(out);
    if (!r || whole(out) != last)
      return conformance::fail("after the writer was killed half-way through write " + std::to_string(last + 1) +
                               ", a read returned " + got(out, r, last));
    if (auto c = b->claim_writer(); !c)
      return conformance::fail("a new writer could not take over from the dead one: " + c.error().describe());
    if (auto w = b->write(value(9)); !w) return conformance::fail("the new writer's write: " + w.error().describe());
    if (auto again = b->read(out); !again || whole(out) != 9)
      return conformance::fail("after the takeover, a read returned " + got(out, again, 9));
  }
  return conformance::pass("a read in flight when the writer died refilling its buffer returned value 1 whole (attempt " +
                           std::to_string(in_flight_attempts) + "); the writer killed half-way through write 4, 5, 6 "
                           "or 7: a later read returned the last complete value (3..6), and a new writer took over");
}

template <class Buffer>
Outcome torn_read_finding() {
  if (!harness::crash_injection_available()) return needs_crash_points();
  std::vector<std::uint64_t> out(kWords);
  auto r = read_around_two_writes<Buffer>(WritePoints<Buffer>::copied, out);
  if (!r || whole(out) >= 0)
    return conformance::fail("expected a torn buffer from a read spanning two writes, got " +
                             (r ? "value " + std::to_string(whole(out)) + " whole in " + std::to_string(r->attempts) +
                                      " attempt(s)"
                                : r.error().describe()));
  return conformance::finding(
      "reproduced: a read copied half of buffer 0 (never written, version 0), the writer wrote value 1 (buffer 1) and "
      "value 2 (buffer 0 again) and was stopped before its version increment (killed at " +
      std::string(WritePoints<Buffer>::copied) + "); the copy, half zeros and half value 2, validated on attempt " +
      std::to_string(r->attempts) + " (both versions 0, even)");
}

template <class Buffer>
Outcome read_never_completes_finding() {
  std::vector<std::uint64_t> out(kWords);
  auto r = read_after_one_write<Buffer>(out);
  if (r || r.error().code != Errc::timed_out)
    return conformance::fail("expected the read after one write to give up (timed_out), got " +
                             (r ? "value " + std::to_string(whole(out)) + " in " + std::to_string(r->attempts) +
                                      " attempt(s)"
                                : r.error().describe()));
  return conformance::finding("reproduced: after one write the current buffer's version is 1 (odd), so no copy can "
                              "validate; the read gave up at its 100 ms bound (" + r.error().message +
                              "); an unbounded reader spins until the next write");
}

template Outcome two_writes_inside_one_read<DoubleBuffer>();
template Outcome two_writes_inside_one_read<SeedDoubleBuffer>();
template Outcome writer_killed_mid_copy<DoubleBuffer>();
template Outcome writer_killed_mid_copy<SeedDoubleBuffer>();
template Outcome torn_read_finding<DoubleBuffer>();
template Outcome torn_read_finding<SeedDoubleBuffer>();
template Outcome read_never_completes_finding<DoubleBuffer>();
template Outcome read_never_completes_finding<SeedDoubleBuffer>();

}  // namespace shmc::double_buffer::rows

namespace {

namespace rows = shmc::double_buffer::rows;
using shmc::double_buffer::DoubleBuffer;
using shmc::double_buffer::SeedDoubleBuffer;

constexpr const char* kSection = "double buffer";

SHMC_CHECK("finding.double_buffer.seed.torn_read", kSection,
           "seed 001's double buffer (one version increment per write, even = complete): a read whose copy spans "
           "two writes returns a torn buffer") {
  return rows::torn_read_finding<SeedDoubleBuffer>();
}

SHMC_CHECK("finding.double_buffer.seed.read_never_completes", kSection,
           "seed 001's double buffer: after one write no read can complete (the current buffer's version is odd)") {
  return rows::read_never_completes_finding<SeedDoubleBuffer>();
}

SHMC_CHECK("double_buffer.seqlocked.two_writes_inside_one_read", kSection,
           "seqlocked double buffer: a read whose copy spans two writes, the second stopped before it completes, "
           "returns the last complete value whole") {
  return rows::two_writes_inside_one_read<DoubleBuffer>();
}

SHMC_CHECK("double_buffer.seqlocked.writer_killed_mid_copy", kSection,
           "seqlocked double buffer: a writer SIGKILLed half-way through its copy never exposes a torn buffer; "
           "readers keep the last complete value and a new writer takes over") {
  return rows::writer_killed_mid_copy<DoubleBuffer>();
}

}  // namespace
