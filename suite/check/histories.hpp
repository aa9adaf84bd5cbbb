// Terse constructors for hand-written histories in the checker tests.
#pragma once

#include <cstdint>

#include "shmconform/check/counter_model.hpp"
#include "shmconform/check/map_model.hpp"
#include "shmconform/check/queue_model.hpp"
#include "shmconform/check/semaphore_model.hpp"

namespace shmc::check::testing {

inline Operation op(int actor, std::uint32_t code, std::uint64_t a0, std::uint64_t a1, std::uint32_t status,
                    std::uint64_t v0, std::uint64_t invoke, std::uint64_t ret) {
  Operation o;
  o.actor = actor;
  o.code = code;
  o.arg = {a0, a1};
  o.status = status;
  o.value = {v0, 0};
  o.invoke = invoke;
  o.ret = ret;
  return o;
}
// The same operation, invoked and never returned.
inline Operation crashed(Operation o) {
  o.pending = true;
  o.status = 0;
  o.value = {};
  o.ret = 0;
  return o;
}

inline Operation push(int a, std::uint64_t v, std::uint64_t i, std::uint64_t r, std::uint32_t st = queue::kOk) {
  return op(a, queue::kPush, v, 0, st, 0, i, r);
}
inline Operation pop(int a, std::uint64_t v, std::uint64_t i, std::uint64_t r) {
  return op(a, queue::kPop, 0, 0, queue::kOk, v, i, r);
}
inline Operation pop_empty(int a, std::uint64_t i, std::uint64_t r) {
  return op(a, queue::kPop, 0, 0, queue::kEmpty, 0, i, r);
}
inline Operation insert(int a, std::uint64_t k, std::uint64_t v, std::uint64_t i, std::uint64_t r,
                        std::uint32_t st = map::kOk) {
  return op(a, map::kInsert, k, v, st, 0, i, r);
}
inline Operation find(int a, std::uint64_t k, std::uint64_t i, std::uint64_t r, std::uint64_t v,
                      std::uint32_t st = map::kOk) {
  return op(a, map::kFind, k, 0, st, v, i, r);
}
inline Operation erase(int a, std::uint64_t k, std::uint64_t i, std::uint64_t r, std::uint32_t st = map::kOk) {
  return op(a, map::kErase, k, 0, st, 0, i, r);
}
inline Operation fetch_add(int a, std::uint64_t d, std::uint64_t prev, std::uint64_t i, std::uint64_t r) {
  return op(a, counter::kFetchAdd, d, 0, counter::kOk, prev, i, r);
}
inline Operation read(int a, std::uint64_t v, std::uint64_t i, std::uint64_t r) {
  return op(a, counter::kRead, 0, 0, counter::kOk, v, i, r);
}
inline Operation sem(int a, std::uint32_t code, std::uint32_t st, std::uint64_t i, std::uint64_t r) {
  return op(a, code, 0, 0, st, 0, i, r);
}

}  // namespace shmc::check::testing
