// Push and pop operations of delivery items (delivery::encode), for hand-written delivery histories.
#pragma once

#include "shmconform/check/delivery.hpp"
#include "suite/check/histories.hpp"

namespace shmc::check::delivery::testing_items {

inline Operation push(int actor, Item it, std::uint64_t i, std::uint64_t r, std::uint32_t st = queue::kOk) {
  const auto w = encode(it);
  return testing::op(actor, queue::kPush, w[0], w[1], st, 0, i, r);
}
inline Operation pop(int actor, Item it, std::uint64_t i, std::uint64_t r) {
  const auto w = encode(it);
  Operation o = testing::op(actor, queue::kPop, 0, 0, queue::kOk, w[0], i, r);
  o.value[1] = w[1];
  return o;
}

}  // namespace shmc::check::delivery::testing_items
