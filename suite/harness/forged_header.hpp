// Forged headers (issue 14, class 5): a structure's segment, its header fields
// forged one at a time in the live mapping, each forgery opened afresh and
// expected to be refused with its own error. Header-only so each structure's
// geometry test includes it and nothing else.
//
//   auto missed = forging::not_refused(name, SegmentKind::map, {}, forgeries, [&] { return opened(Map::open(name)); });
//   EXPECT_TRUE(missed.empty()) << forging::lines(missed);
#pragma once

#include <cstddef>
#include <cstring>
#include <gtest/gtest.h>
#include <functional>
#include <string>
#include <vector>

#include "shmconform/runtime/result.hpp"
#include "shmconform/runtime/segment.hpp"
#include "shmconform/runtime/segment_header.hpp"
#include "suite/harness/report_lines.hpp"

namespace shmc::forging {

struct Forgery {
  std::string what;
  std::function<void(std::byte* payload)> forge;  // writes into the live payload (or its segment header)
  Errc want;
  std::string says;  // a piece of the refusal's text that names the field: the check that fired, not just any
};

// The segment header in front of a payload, for forgeries of the fixture's variant word or the payload size.
inline SegmentHeader& segment_header_of(std::byte* payload) {
  return *reinterpret_cast<SegmentHeader*>(payload - kPayloadOffset);
}

// Makes the segment header claim a payload of `bytes` (the file stays as large: Segment::open accepts that).
inline void shrink_payload(std::byte* payload, std::size_t bytes) {
  SegmentHeader& h = segment_header_of(payload);
  h.payload_size = bytes;
  h.total_size = kPayloadOffset + bytes;
}

template <class T>
T& at(std::byte* payload, std::size_t offset) {
  return *reinterpret_cast<T*>(payload + offset);
}

// An opener's result with the handle dropped.
template <class T>
Result<void> opened(Result<T>&& r) {
  if (!r) return r.error();
  return {};
}

// An opener's result and, when it opened, that of a first operation on it (for fields only an operation
// reads, under the structure's lock), with the values dropped.
template <class T, class Op>
Result<void> opened_then(Result<T>&& r, Op&& op) {
  if (!r) return r.error();
  auto v = op(*r);
  if (!v) return v.error();
  return {};
}

// One line per forgery that opened or was refused with another error; empty when every one was refused as
// expected. Each forgery starts from the bytes as they were (header and payload restored after each).
inline std::vector<std::string> not_refused(const std::string& name, SegmentKind kind, const SegmentOptions& options,
                                            const std::vector<Forgery>& forgeries,
                                            const std::function<Result<void>()>& open) {
  std::vector<std::string> missed;
  auto seg = Segment::open(name, kind, options);
  if (!seg) return {"attaching to forge: " + seg.error().describe()};
  std::byte* payload = seg->payload();
  std::byte* const first = payload - kPayloadOffset;
  const std::vector<std::byte> saved(first, payload + seg->payload_size());
  for (const Forgery& f : forgeries) {
    f.forge(payload);
    auto r = open();
    if (r) {
      missed.push_back(f.what + ": opened");
    } else if (r.error().code != f.want || r.error().describe().find(f.says) == std::string::npos) {
      missed.push_back(f.what + ": " + r.error().describe() + " (wanted " + std::string(to_string(f.want)) + ", saying '" + f.says +
                       "')");
    }
    std::memcpy(first, saved.data(), saved.size());
  }
  if (auto again = open(); !again) missed.push_back("the restored header no longer opens: " + again.error().describe());
  return missed;
}

using report_lines::lines;
using report_lines::mentions;

}  // namespace shmc::forging

// A structure's two forged-header tests: `run()` (the forgeries not refused) must come back empty, and
// with the planted bug `point` armed it must list `planted_miss` (the forgery the removed check let open).
#define SHMC_FORGED_HEADER_TESTS(Suite, run, point, planted_miss)                                              \
  TEST(Suite, EachForgedFieldIsRefusedWithItsError) {                                                        \
    auto missed = run();                                                                                     \
    EXPECT_TRUE(missed.empty()) << ::shmc::forging::lines(missed);                                           \
  }                                                                                                          \
  TEST(Suite, PlantedCheckRemovedIsCaught) {                                                                 \
    if (!::shmc::harness::ScopedFault::available()) GTEST_SKIP() << "needs libfiu for the planted bug";       \
    EXPECT_TRUE(::shmc::forging::mentions(::shmc::report_lines::with_planted(point, run), planted_miss))     \
        << "the check " point " removes is not what refuses '" planted_miss "'";                             \
  }
