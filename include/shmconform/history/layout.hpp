// The history log segment's payload layout (offsets from the payload start).
//
//   LogHeader                       128 bytes: identity, sizes, the shared clock
//   ActorSlot[actors]               64 bytes each: how many records are published
//   Record[actors][capacity]        32 bytes each
//
// One writer per actor log, so publishing needs no CAS: the writer fills the
// record at index `count`, then stores count + 1 with release. A reader loads
// count with acquire and reads only below it. A writer SIGKILLed mid-record
// leaves a half-written record at index `count`, which nobody ever reads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace shmc::history {

inline constexpr std::uint32_t kLogMagic = 0x474f4c48;  // "HLOG"
inline constexpr std::uint32_t kLogVersion = 1;
// Unlikely bit patterns, so a zeroed or scribbled record is not taken for one.
inline constexpr std::uint32_t kInvokeRecord = 0x31564e49;  // "INV1"
inline constexpr std::uint32_t kReturnRecord = 0x31544552;  // "RET1"

struct LogHeader {
  std::uint32_t magic;
  std::uint32_t version;
  std::uint32_t actors;
  std::uint32_t capacity;  // records per actor
  std::uint8_t reserved0[48];
  // Its own cache line: every record of every actor takes a ticket here.
  alignas(64) std::atomic<std::uint64_t> clock;
  std::uint8_t reserved1[56];
};

struct ActorSlot {
  alignas(64) std::atomic<std::uint64_t> count;  // records published; odd = an operation is outstanding
  std::uint8_t reserved[56];
};

struct Record {
  std::uint64_t time;  // from LogHeader::clock, > 0
  std::uint32_t kind;  // kInvokeRecord | kReturnRecord
  std::uint32_t code;  // invoke: operation code; return: status
  std::uint64_t word[2];  // invoke: arguments; return: values
};

static_assert(sizeof(LogHeader) == 128);
static_assert(offsetof(LogHeader, clock) == 64);
static_assert(sizeof(ActorSlot) == 64);
static_assert(sizeof(Record) == 32);
static_assert(offsetof(Record, kind) == 8);
static_assert(offsetof(Record, word) == 16);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

inline constexpr std::size_t slots_offset() { return sizeof(LogHeader); }
inline constexpr std::size_t records_offset(std::size_t actors) { return sizeof(LogHeader) + actors * sizeof(ActorSlot); }
inline constexpr std::size_t payload_size(std::size_t actors, std::size_t capacity) {
  return records_offset(actors) + actors * capacity * sizeof(Record);
}

}  // namespace shmc::history
