// libFuzzer target: the history-log reader on a valid history segment whose
// payload is fuzzer bytes (a log a dead or hostile writer left). open and
// collect give a history or Errc::corrupt / truncated, never a crash.
#include <cstdint>
#include <cstdlib>

#include "shmconform/history/history_log.hpp"
#include "suite/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  shmc::fuzz::check_no_leftovers_at_exit();
  auto seg = shmc::fuzz::segment_with_payload(shmc::SegmentKind::history, {data, size}, 1);
  auto log = shmc::history::HistoryLog::open(seg.name());
  if (!log) {
    if (log.error().message.empty()) std::abort();
    return 0;
  }
  auto history = log->collect();
  if (!history && history.error().message.empty()) std::abort();
  return 0;
}
