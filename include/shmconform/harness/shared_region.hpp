// Anonymous shared memory for test bookkeeping (results, counters, barriers).
//
// MAP_SHARED|MAP_ANONYMOUS: inherited by forked actors, visible to all of them,
// and never in /dev/shm, so it cannot leak a name.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>

namespace shmc::harness {

class SharedRegion {
 public:
  explicit SharedRegion(std::size_t bytes);  // zero-filled; throws std::bad_alloc on failure
  ~SharedRegion();
  SharedRegion(const SharedRegion&) = delete;
  SharedRegion& operator=(const SharedRegion&) = delete;
  void* data() const { return data_; }
  std::size_t size() const { return size_; }

 private:
  void* data_;
  std::size_t size_;
};

// `count` default-constructed Ts in shared memory. T must be usable across
// processes: trivially copyable or lock-free atomics, no pointers.
template <class T>
class SharedArray {
 public:
  explicit SharedArray(std::size_t count) : region_(sizeof(T) * (count == 0 ? 1 : count)), count_(count) {
    static_assert(std::is_trivially_destructible_v<T>, "shared memory outlives any one process's destructors");
    for (std::size_t i = 0; i < count_; ++i) new (static_cast<T*>(region_.data()) + i) T{};
  }
  T& operator[](std::size_t i) const { return static_cast<T*>(region_.data())[i]; }
  T* data() const { return static_cast<T*>(region_.data()); }
  std::size_t size() const { return count_; }

 private:
  SharedRegion region_;
  std::size_t count_;
};

}  // namespace shmc::harness
