// Model-based test in one process: any sequence of try_push / try_pop / push /
// pop agrees with a bounded FIFO of byte strings. Alone, the ring is exact:
// full exactly at capacity, empty exactly at zero, items back in order.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <ostream>
#include <vector>

#include "fixtures/ring/ring.hpp"
#include "shmconform/harness/run_names.hpp"

namespace shmc::ring {
namespace {

struct Op {
  bool push = false;
  bool blocking = false;   // push()/pop() with a zero timeout instead of try_*
  std::uint32_t length = 1;
  std::uint8_t fill = 0;
};

std::ostream& operator<<(std::ostream& os, const Op& op) {
  return os << (op.push ? (op.blocking ? "push" : "try_push") : (op.blocking ? "pop" : "try_pop")) << "(len "
            << op.length << ", fill " << int{op.fill} << ")";
}

std::vector<std::byte> payload(const Op& op, std::uint32_t slot_size, std::size_t serial) {
  const std::uint32_t n = 1 + (op.length - 1) % slot_size;
  std::vector<std::byte> b(n);
  for (std::uint32_t i = 0; i < n; ++i) b[i] = static_cast<std::byte>(op.fill + i * 31 + serial);
  return b;
}

template <Variant V>
void agrees_with_fifo(std::uint32_t capacity_log2, std::uint32_t slot_size, const std::vector<Op>& ops) {
  const std::uint32_t capacity = 1u << capacity_log2;
  auto ring = BasicRing<V>::create(harness::unique_name("ring-model"), {capacity, slot_size});
  RC_ASSERT(ring.ok());
  std::deque<std::vector<std::byte>> model;
  std::vector<std::byte> out(slot_size);
  std::size_t serial = 0;
  for (const Op& op : ops) {
    if (op.push) {
      auto item = payload(op, slot_size, serial++);
      auto r = op.blocking ? ring->push(item, std::chrono::microseconds(0)) : ring->try_push(item);
      RC_ASSERT(r.ok());
      if (model.size() == capacity) {
        RC_ASSERT(*r == PushStatus::full);
      } else {
        RC_ASSERT(*r == PushStatus::pushed);
        model.push_back(std::move(item));
      }
    } else {
      auto r = op.blocking ? ring->pop(out, std::chrono::microseconds(0)) : ring->try_pop(out);
      RC_ASSERT(r.ok());
      if (model.empty()) {
        RC_ASSERT(r->status == PopStatus::empty);
      } else {
        RC_ASSERT(r->status == PopStatus::popped);
        RC_ASSERT(std::vector<std::byte>(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(r->size)) ==
                  model.front());
        model.pop_front();
      }
    }
  }
  RC_ASSERT(ring->validate().ok());
  const auto s = ring->stats();
  RC_ASSERT(s.head - s.tail == model.size());
  RC_ASSERT(s.skipped == 0u);
}

rc::Gen<Op> gen_op() {
  return rc::gen::build<Op>(rc::gen::set(&Op::push, rc::gen::arbitrary<bool>()),
                            rc::gen::set(&Op::blocking, rc::gen::arbitrary<bool>()),
                            rc::gen::set(&Op::length, rc::gen::inRange<std::uint32_t>(1, 200)),
                            rc::gen::set(&Op::fill, rc::gen::arbitrary<std::uint8_t>()));
}

RC_GTEST_PROP(RingModel, RobustRingIsABoundedFifo, ()) {
  const auto capacity_log2 = *rc::gen::inRange<std::uint32_t>(1, 5);
  const auto slot_size = *rc::gen::inRange<std::uint32_t>(1, 100);
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  agrees_with_fifo<Variant::robust>(capacity_log2, slot_size, ops);
}

RC_GTEST_PROP(RingModel, NonRobustRingIsABoundedFifo, ()) {
  const auto capacity_log2 = *rc::gen::inRange<std::uint32_t>(1, 5);
  const auto slot_size = *rc::gen::inRange<std::uint32_t>(1, 100);
  const auto ops = *rc::gen::container<std::vector<Op>>(gen_op());
  agrees_with_fifo<Variant::non_robust>(capacity_log2, slot_size, ops);
}

}  // namespace
}  // namespace shmc::ring
