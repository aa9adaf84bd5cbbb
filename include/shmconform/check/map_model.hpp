// Sequential key-value map.
//   insert(k, v) -> ok | exists | full     update(k, v) -> ok | not_found
//   find(k)      -> ok(v) | not_found      erase(k)     -> ok | not_found
// insert never overwrites. With lenient "full" (or no capacity) every key is
// an independent sub-object, so histories are checked per key
// (P-compositionality); an exact capacity couples the keys and forces one
// global search.
#pragma once

#include <cstddef>

#include "shmconform/check/model.hpp"

namespace shmc::check::map {

enum Code : std::uint32_t { kInsert = 1, kUpdate = 2, kFind = 3, kErase = 4 };
enum Status : std::uint32_t { kOk = 0, kExists = 1, kNotFound = 2, kFull = 3 };

enum class FullPolicy {
  exact,    // full exactly when size == capacity (and the key is absent)
  lenient,  // full may be reported at any time and has no effect (open addressing with tombstones, probe limits)
};

struct Options {
  std::size_t capacity = 0;  // 0: unbounded, insert never reports full
  FullPolicy full = FullPolicy::lenient;
};

class Model final : public check::Model {
 public:
  explicit Model(Options options = {}) : options_(options) {}
  std::string name() const override { return "kv-map"; }
  State initial() const override { return {}; }
  void step(const State& state, const Operation& op, std::vector<State>& next) const override;
  std::optional<std::uint64_t> partition_key(const Operation& op) const override;
  std::string describe_call(const Operation& op) const override;
  std::string describe_result(const Operation& op) const override;
  std::string describe_state(const State& state) const override;

 private:
  Options options_;
};

}  // namespace shmc::check::map
