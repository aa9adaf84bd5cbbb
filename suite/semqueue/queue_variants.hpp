// The four queues under one shape, so each test and campaign is written once:
//   V::create(name, capacity), V::open(name) -> Result<V::Queue>;
//   q.push(m, deadline), q.pop(m, deadline), q.snapshot();
//   V::kName, V::kCrashSafe (what the campaign expects), V::kPointPrefix,
//   V::kProducers/kConsumers (the single slot has one writer and one reader).
#pragma once

#include <cstdint>
#include <string>

#include "fixtures/semqueue/named_queue.hpp"
#include "fixtures/semqueue/named_slot.hpp"
#include "fixtures/semqueue/robust_queue.hpp"
#include "fixtures/semqueue/unnamed_queue.hpp"

namespace shmc::semqueue::test {

// The single slot as a queue of capacity one.
class SlotQueue {
 public:
  explicit SlotQueue(NamedSlot slot) : slot_(std::move(slot)) {}
  Result<void> push(const Message& m, Deadline d) { return slot_.write(m, d); }
  Result<void> pop(Message& m, Deadline d) { return slot_.read(m, d); }
  QueueSnapshot snapshot() const { return slot_.snapshot(); }

 private:
  NamedSlot slot_;
};

struct NamedVariant {
  using Queue = NamedQueue;
  static constexpr const char* kName = "named";
  static constexpr const char* kPointPrefix = "semqueue/textbook/";
  static constexpr bool kCrashSafe = false;
  static constexpr int kProducers = 2, kConsumers = 2;
  static Result<Queue> create(const std::string& n, std::uint32_t cap) { return NamedQueue::create(n, cap); }
  static Result<Queue> open(const std::string& n) { return NamedQueue::open(n); }
};

struct UnnamedVariant {
  using Queue = UnnamedQueue;
  static constexpr const char* kName = "unnamed";
  static constexpr const char* kPointPrefix = "semqueue/textbook/";
  static constexpr bool kCrashSafe = false;
  static constexpr int kProducers = 2, kConsumers = 2;
  static Result<Queue> create(const std::string& n, std::uint32_t cap) { return UnnamedQueue::create(n, cap); }
  static Result<Queue> open(const std::string& n) { return UnnamedQueue::open(n); }
};

struct NamedSlotVariant {
  using Queue = SlotQueue;
  static constexpr const char* kName = "named_slot";
  static constexpr const char* kPointPrefix = "semqueue/slot/";
  static constexpr bool kCrashSafe = false;
  static constexpr int kProducers = 1, kConsumers = 1;
  static Result<Queue> create(const std::string& n, std::uint32_t) {
    auto s = NamedSlot::create(n);
    if (!s) return s.error();
    return SlotQueue(std::move(*s));
  }
  static Result<Queue> open(const std::string& n) {
    auto s = NamedSlot::open(n);
    if (!s) return s.error();
    return SlotQueue(std::move(*s));
  }
};

template <class Q>
struct BasicRobustVariant {
  using Queue = Q;
  static constexpr const char* kName = "robust";
  static constexpr const char* kPointPrefix = "semqueue/robust/";
  static constexpr bool kCrashSafe = true;
  static constexpr int kProducers = 2, kConsumers = 2;
  static Result<Queue> create(const std::string& n, std::uint32_t cap) { return Q::create(n, cap); }
  static Result<Queue> open(const std::string& n) { return Q::open(n); }
};
using RobustVariant = BasicRobustVariant<RobustQueue>;
// The planted bug: push publishes the message before writing it.
struct EarlyPublishVariant : BasicRobustVariant<EarlyPublishQueue> {
  static constexpr const char* kName = "early_publish";
  static constexpr bool kCrashSafe = false;
};

}  // namespace shmc::semqueue::test
