// Map operations that leave an invoke/return record in a history log, for the
// linearizability checker. An operation that fails with an Error stays
// pending (its effect is unknown to the checker) and the error is thrown.
#pragma once

#include <stdexcept>

#include "shmconform/check/map_model.hpp"
#include "shmconform/history/history_log.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map::testing {

inline std::uint32_t status_code(Status s) {
  switch (s) {
    case Status::ok: return check::map::kOk;
    case Status::exists: return check::map::kExists;
    case Status::not_found: return check::map::kNotFound;
    case Status::full: return check::map::kFull;
  }
  return check::map::kFull;
}

// Thrown when a map operation returns an Error; code() says which.
class MapOpFailed : public std::runtime_error {
 public:
  explicit MapOpFailed(const Error& e) : std::runtime_error(e.describe()), code_(e.code) {}
  Errc code() const { return code_; }

 private:
  Errc code_;
};

// With a 16-byte value map, the value v is stored as the words {v, ~v}: a
// reader that sees a value whose halves disagree saw a torn write, which no
// sequential history explains (the checker only sees word 0).
template <class M>
class RecordedMap {
 public:
  RecordedMap(M& map, history::Recorder recorder) : map_(map), rec_(recorder) {}

  Status insert(std::uint64_t k, std::uint64_t v) {
    return run(check::map::kInsert, k, v, [&](std::uint64_t*) { return map_.insert(bytes_of(k), encode(v)); });
  }
  Status update(std::uint64_t k, std::uint64_t v) {
    return run(check::map::kUpdate, k, v, [&](std::uint64_t*) { return map_.update(bytes_of(k), encode(v)); });
  }
  Status erase(std::uint64_t k) {
    return run(check::map::kErase, k, 0, [&](std::uint64_t*) { return map_.erase(bytes_of(k)); });
  }
  Status find(std::uint64_t k, std::uint64_t* value) {
    return run(
        check::map::kFind, k, 0,
        [&](std::uint64_t* out) {
          auto r = map_.find(bytes_of(k), std::as_writable_bytes(std::span(words_, map_.value_size() / 8)));
          if (r.ok() && *r == Status::ok) {
            if (map_.value_size() == 16 && words_[1] != ~words_[0])
              throw std::runtime_error("torn value for key " + std::to_string(k) + ": halves " +
                                       std::to_string(words_[0]) + " and " + std::to_string(words_[1]));
            *out = words_[0];
          }
          return r;
        },
        value);
  }

 private:
  std::span<const std::byte> encode(std::uint64_t v) {
    words_[0] = v;
    words_[1] = ~v;
    return std::as_bytes(std::span(words_, map_.value_size() / 8));
  }
  template <class Fn>
  Status run(std::uint32_t code, std::uint64_t k, std::uint64_t v, Fn fn, std::uint64_t* value = nullptr) {
    must_log(rec_.invoke(code, k, v));
    std::uint64_t got = 0;
    Result<Status> r = fn(&got);
    if (!r.ok()) throw MapOpFailed(r.error());
    must_log(rec_.complete(status_code(*r), *r == Status::ok ? got : 0));
    if (value != nullptr) *value = got;
    return *r;
  }
  static void must_log(const Result<void>& r) {
    if (!r.ok()) throw std::runtime_error("history log: " + r.error().describe());
  }
  M& map_;
  history::Recorder rec_;
  std::uint64_t words_[2] = {0, 0};
};

}  // namespace shmc::map::testing
