#include "shmconform/campaign/verdict.hpp"

#include <array>

namespace shmc::campaign {

namespace {
constexpr std::array<const char*, kVerdictKinds> kNames = {
    "ok",           "lost",          "duplicated",        "corrupted",     "not_linearizable",
    "survivor_stuck", "invariant_broken", "unexpected_signal", "harness_error",
    "not_reached",
};
}  // namespace

const char* to_string(VerdictKind kind) {
  const auto i = static_cast<std::size_t>(kind);
  return i < kNames.size() ? kNames[i] : "?";
}

std::optional<VerdictKind> verdict_kind_from_string(const std::string& text) {
  for (std::size_t i = 0; i < kNames.size(); ++i)
    if (text == kNames[i]) return static_cast<VerdictKind>(i);
  return std::nullopt;
}

std::string VerdictSet::describe() const {
  std::string out;
  for (std::size_t i = 0; i < kVerdictKinds; ++i) {
    if (!contains(static_cast<VerdictKind>(i))) continue;
    if (!out.empty()) out += "|";
    out += kNames[i];
  }
  return out.empty() ? "nothing" : out;
}

}  // namespace shmc::campaign
