// One operation of a concurrent history, as the checkers see it.
//
// Timestamps come from one shared monotonic counter (harness/history), so
// "a returned before b was invoked" is simply a.ret < b.invoke. An operation
// that was invoked and never returned (its actor was killed or timed out) is
// pending: it may have taken effect at any point after its invoke, or never,
// and its result is unknown.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace shmc::check {

struct Operation {
  int actor = 0;
  std::uint32_t code = 0;               // which operation; meaning owned by the model
  std::array<std::uint64_t, 2> arg{};   // arguments
  bool pending = false;                 // invoked, never returned: result unknown
  std::uint32_t status = 0;             // result code; meaning owned by the model
  std::array<std::uint64_t, 2> value{}; // returned values
  std::uint64_t invoke = 0;
  std::uint64_t ret = 0;                // ignored when pending
};

using History = std::vector<Operation>;

}  // namespace shmc::check
