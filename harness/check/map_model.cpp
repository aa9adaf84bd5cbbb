#include "shmconform/check/map_model.hpp"

#include <algorithm>

#include "shmconform/check/format.hpp"

namespace shmc::check::map {
namespace {

// State: (key, value) pairs sorted by key, so equal maps are equal vectors.
std::size_t lower(const State& s, std::uint64_t key) {
  std::size_t lo = 0, hi = s.size() / 2;
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    if (s[2 * mid] < key) lo = mid + 1; else hi = mid;
  }
  return lo;
}

}  // namespace

void Model::step(const State& s, const Operation& op, std::vector<State>& next) const {
  const std::uint64_t key = op.arg[0];
  const std::size_t at = lower(s, key);
  const bool present = 2 * at < s.size() && s[2 * at] == key;
  const std::size_t size = s.size() / 2;
  const bool exact = options_.capacity != 0 && options_.full == FullPolicy::exact;
  const bool room = !exact || size < options_.capacity;
  auto with = [&](std::uint64_t value) {
    State n = s;
    if (present) {
      n[2 * at + 1] = value;
    } else {
      n.insert(n.begin() + static_cast<std::ptrdiff_t>(2 * at), {key, value});
    }
    next.push_back(std::move(n));
  };
  auto without = [&] {
    State n = s;
    n.erase(n.begin() + static_cast<std::ptrdiff_t>(2 * at), n.begin() + static_cast<std::ptrdiff_t>(2 * at + 2));
    next.push_back(std::move(n));
  };
  switch (op.code) {
    case kInsert:
      if (op.pending) {
        if (!present && room) with(op.arg[1]);
      } else if (op.status == kOk) {
        if (!present && room) with(op.arg[1]);
      } else if (op.status == kExists) {
        if (present) next.push_back(s);
      } else if (op.status == kFull) {
        const bool allowed = options_.capacity != 0 && (exact ? (!present && !room) : true);
        if (allowed) next.push_back(s);
      }
      break;
    case kUpdate:
      if (op.pending || op.status == kOk) {
        if (present) with(op.arg[1]);
      } else if (op.status == kNotFound && !present) {
        next.push_back(s);
      }
      break;
    case kFind:
      if (op.pending) {
        next.push_back(s);
      } else if (op.status == kOk) {
        if (present && s[2 * at + 1] == op.value[0]) next.push_back(s);
      } else if (op.status == kNotFound && !present) {
        next.push_back(s);
      }
      break;
    case kErase:
      if (op.pending || op.status == kOk) {
        if (present) without();
      } else if (op.status == kNotFound && !present) {
        next.push_back(s);
      }
      break;
    default:
      break;
  }
}

std::optional<std::uint64_t> Model::partition_key(const Operation& op) const {
  if (options_.capacity != 0 && options_.full == FullPolicy::exact) return std::nullopt;
  return op.arg[0];
}

std::string Model::describe_call(const Operation& op) const {
  const std::string k = format_word(op.arg[0]);
  switch (op.code) {
    case kInsert: return "insert(" + k + ", " + format_word(op.arg[1]) + ")";
    case kUpdate: return "update(" + k + ", " + format_word(op.arg[1]) + ")";
    case kFind: return "find(" + k + ")";
    case kErase: return "erase(" + k + ")";
    default: return "op#" + std::to_string(op.code) + "?";
  }
}

std::string Model::describe_result(const Operation& op) const {
  if (op.pending) return "?";
  switch (op.status) {
    case kOk: return op.code == kFind ? "ok " + format_word(op.value[0]) : "ok";
    case kExists: return "exists";
    case kNotFound: return "not_found";
    case kFull: return "full";
    default: return "status#" + std::to_string(op.status) + "?";
  }
}

std::string Model::describe_state(const State& s) const {
  std::string out = "{";
  for (std::size_t i = 0; i + 1 < s.size(); i += 2) {
    if (i != 0) out += ", ";
    out += format_word(s[i]) + ": " + format_word(s[i + 1]);
  }
  return out + "}";
}

}  // namespace shmc::check::map
