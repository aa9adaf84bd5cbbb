// The double buffers' shortest reproductions, shared by double_buffer_test and
// the report rows (checks_double_buffer.cpp): test values a reader can tell
// whole from torn without trusting the structure, a writer in a child that
// dies where a crash plan says, one write then a read, and two writes placed
// inside one read's copy with the second frozen before it completes.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "fixtures/double_buffer/double_buffer.hpp"
#include "shmconform/harness/actors.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::double_buffer::repro {

inline constexpr std::uint32_t kWords = 64;

inline std::vector<std::uint64_t> value(std::uint64_t n) {
  std::vector<std::uint64_t> v(kWords);
  for (std::uint32_t i = 0; i < kWords; ++i) v[i] = n * 1000003 + i;
  return v;
}
// n if `out` is a whole value(n) (0 for the never-written zeros), -1 if torn.
inline long long whole(const std::vector<std::uint64_t>& out) {
  const std::uint64_t n = out[0] / 1000003;
  if (out == std::vector<std::uint64_t>(kWords, 0)) return 0;
  return out == value(n) ? static_cast<long long>(n) : -1;
}

// A short read bound: the seed's reads that never complete give up quickly.
inline Options quick() {
  Options o;
  o.read_bound = std::chrono::milliseconds(100);
  return o;
}

// The crash points of each design's write: the fill half done, and the fill done but not yet complete.
template <class Buffer>
struct WritePoints;
template <>
struct WritePoints<DoubleBuffer> {
  static constexpr const char* half = "double_buffer/write/half";
  static constexpr const char* copied = "double_buffer/write/copied";
};
template <>
struct WritePoints<SeedDoubleBuffer> {
  static constexpr const char* half = "double_buffer/seed/write/half";
  static constexpr const char* copied = "double_buffer/seed/write/copied";
};

// In a child: write values first..last, dying where `crash` says.
template <class Buffer>
harness::ActorOutcome write_in_child(const std::string& name, std::uint64_t first, std::uint64_t last,
                                     harness::CrashPlan crash) {
  return harness::run_in_child(
      "writer",
      [&](harness::ActorContext&) {
        auto b = Buffer::open(name, quick());
        SHMC_ACTOR_CHECK(b.ok());
        SHMC_ACTOR_CHECK(b->claim_writer().ok());
        for (std::uint64_t n = first; n <= last; ++n) SHMC_ACTOR_CHECK(b->write(value(n)).ok());
        return 0;
      },
      std::chrono::seconds(10), std::move(crash));
}

// Shortest reproduction 1: one complete write, then one read.
template <class Buffer>
Result<ReadResult> read_after_one_write(std::vector<std::uint64_t>& out) {
  auto b = Buffer::create(harness::unique_name("dbuf"), kWords, quick());
  if (!b.ok()) return b.error();
  if (auto r = b->claim_writer(); !r) return r.error();
  if (auto r = b->write(value(1)); !r) return r.error();
  return b->read(out);
}

// Shortest reproduction 2: while a read copies buffer 0, the writer writes value 1
// (buffer 1) and value 2 (buffer 0 again), frozen at `frozen_at` before value 2 is
// marked complete (a writer descheduled there looks the same; a kill makes it deterministic).
template <class Buffer>
Result<ReadResult> read_around_two_writes(const char* frozen_at, std::vector<std::uint64_t>& out) {
  const auto name = harness::unique_name("dbuf");
  auto b = Buffer::create(name, kWords, quick());
  if (!b.ok()) return b.error();
  harness::ActorOutcome writer;
  auto r = b->read(out, [&] { writer = write_in_child<Buffer>(name, 1, 2, harness::CrashAt{frozen_at, 2}); });
  if (writer.end != harness::ActorOutcome::End::crashed_at_point)
    return make_error(Errc::invalid_argument, "the writer was not frozen: " + writer.describe());
  return r;
}

}  // namespace shmc::double_buffer::repro
