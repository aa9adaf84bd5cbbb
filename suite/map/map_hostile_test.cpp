// A peer may scribble on the segment. Whatever it writes into a lock word, a
// state word or a seq, the map answers with a clear error (or repairs what is
// repairable) within its wait bound: never a crash or a hang. Forged header
// fields are refused at open: map_geometry_test.cpp.
#include <gtest/gtest.h>

#include <cstring>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;

const MapOptions kQuick = bounded_options(std::chrono::milliseconds(300));

BucketHead* bucket_of(const Map& m, std::uint32_t i) {
  return reinterpret_cast<BucketHead*>(m.segment().payload() + sizeof(MapHeader) +
                                       std::size_t{i} * bucket_stride_for(m.key_size(), m.value_size()));
}

class MapHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = Map::create(name_, {.capacity = 8}, kQuick);
    ASSERT_TRUE(m.ok()) << text(m.error());
    map_.emplace(std::move(*m));
  }
  Map& map() { return *map_; }
  std::string name_ = harness::unique_name("map-hostile");
  std::optional<Map> map_;
};

TEST_F(MapHostile, ALockWordNamingNoThreadIsReportedNotWaitedOn) {
  const std::uint64_t key = nth_key_with_home(map(), 2, 0);
  bucket_of(map(), 2)->lock.store(12345, std::memory_order_relaxed);  // tid field 0: no identity packs to this
  auto r = insert_u64(map(), key, 1);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::corrupt) << r.error().describe();
  EXPECT_NE(r.error().describe().find("bucket 2"), std::string::npos) << r.error().describe();
}

TEST_F(MapHostile, ALockWordOfADeadThreadIsTakenOver) {
  const std::uint64_t key = nth_key_with_home(map(), 5, 0);
  // pid_max is at most 2^22; tid 2^22-1 with start tick 1 is not running here.
  const ProcessIdentity ghost{(1 << 22) - 1, 1};
  ASSERT_EQ(liveness(ghost), Liveness::dead);
  bucket_of(map(), 5)->lock.store(pack(ghost), std::memory_order_relaxed);
  auto r = insert_u64(map(), key, 1);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(*r, Status::ok);
  EXPECT_EQ(map().stats().takeovers, 1u);
  EXPECT_EQ(map().bucket_info(5)->lock_word, 0u);
}

TEST_F(MapHostile, AScribbledStateWordIsCorruptionNotAKey) {
  const std::uint64_t key = nth_key_with_home(map(), 4, 0);
  bucket_of(map(), 4)->state.store(0x1234, std::memory_order_relaxed);
  std::uint64_t v = 0;
  auto f = find_u64(map(), key, &v);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::corrupt) << f.error().describe();
  auto i = insert_u64(map(), key, 1);
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.error().code, Errc::corrupt) << i.error().describe();
  EXPECT_EQ(map().bucket_info(4)->lock_word, 0u) << "the failed insert released its home lock";
}

TEST_F(MapHostile, AnOddSeqWithAForeignUndoRecordIsReportedWithinTheBound) {
  const std::uint64_t key = nth_key_with_home(map(), 1, 0);
  BucketHead* b = bucket_of(map(), 1);
  b->seq.store(41, std::memory_order_relaxed);          // torn, nobody holds the lock
  b->undo.store(undo_word(10, kStateFull), std::memory_order_relaxed);  // taken at seq 10, not 40
  std::uint64_t v = 0;
  const auto t0 = std::chrono::steady_clock::now();
  auto f = find_u64(map(), key, &v);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.error().code, Errc::corrupt) << f.error().describe();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, kQuick.wait_bound) << "reported before the wait bound";
  EXPECT_EQ(map().bucket_info(1)->lock_word, 0u) << "the would-be repairer let the lock go";
}

TEST_F(MapHostile, AnOddSeqWithItsOwnUndoRecordIsRolledBackByAReader) {
  const std::uint64_t key = nth_key_with_home(map(), 6, 0);
  ASSERT_EQ(must(insert_u64(map(), key, 77)), Status::ok);
  BucketHead* b = bucket_of(map(), 6);
  // As a writer would leave it after saving the undo record and setting seq odd, before dying unlocked.
  const std::uint64_t seq = b->seq.load();
  auto* words = reinterpret_cast<std::atomic<std::uint64_t>*>(b + 1);
  words[2].store(key);  // undo key
  words[3].store(77);   // undo value
  b->undo.store(undo_word(seq, kStateFull));
  b->seq.store(seq + 1);
  words[1].store(999);  // the torn new value
  std::uint64_t v = 0;
  auto f = find_u64(map(), key, &v);
  ASSERT_TRUE(f.ok()) << f.error().describe();
  EXPECT_EQ(*f, Status::ok);
  EXPECT_EQ(v, 77u) << "rolled back to the value before the interrupted write";
  EXPECT_EQ(map().stats().repairs, 1u);
  EXPECT_EQ(map().bucket_info(6)->seq % 2, 0u);
}

}  // namespace
}  // namespace shmc::map
