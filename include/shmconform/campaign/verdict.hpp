// What one campaign trial found, as a type: never a string or an exit code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace shmc::campaign {

enum class VerdictKind : std::uint32_t {
  ok,                // every survivor finished; drain, invariant and checkers found nothing
  lost,              // an acknowledged item or a unit of capacity is gone for good
  duplicated,        // an item was delivered twice
  corrupted,         // a value nobody wrote was returned (torn, garbage, checksum wrong)
  not_linearizable,  // the history has no linearisation (the checker's minimal window in `detail`)
  survivor_stuck,    // a survivor could not finish within its bound after a peer's death
  invariant_broken,  // the subject's own validate() or recovery refused the final state
  unexpected_signal, // an actor nobody planned to kill died of a signal (SIGSEGV, SIGBUS, ...)
  harness_error,     // the trial proves nothing: set-up failed, the armed crash never fired, ...
  // A store crash among running peers whose crash state this interleaving never reached: the op took
  // a path with fewer stores than the armed k in every re-run (a consumer that found an item at once
  // where the dry run waited). Neither a pass nor a failure: a skip with the store counts it saw.
  not_reached,
};
inline constexpr std::size_t kVerdictKinds = 10;
const char* to_string(VerdictKind kind);
std::optional<VerdictKind> verdict_kind_from_string(const std::string& text);

struct Verdict {
  VerdictKind kind = VerdictKind::ok;
  std::string summary{};  // one line: "consumer-1 stuck: pop stalled for 2000 ms at tail 7, after producer-0 died at ..."
  std::string detail{};   // several lines: the checker's report, the per-actor table
  bool ok() const { return kind == VerdictKind::ok; }
};

// A set of verdict kinds, as the expectation of a trial.
class VerdictSet {
 public:
  VerdictSet() = default;
  VerdictSet(std::initializer_list<VerdictKind> kinds) {
    for (VerdictKind k : kinds) add(k);
  }
  VerdictSet& add(VerdictKind k) {
    bits_ |= 1u << static_cast<std::uint32_t>(k);
    return *this;
  }
  bool contains(VerdictKind k) const { return (bits_ >> static_cast<std::uint32_t>(k)) & 1u; }
  bool empty() const { return bits_ == 0; }
  std::string describe() const;  // "survivor_stuck|lost"

 private:
  std::uint32_t bits_ = 0;
};

}  // namespace shmc::campaign
