// Single-process behaviour of the map: results of each operation, tombstone
// reuse, a full table, and refusal of bad arguments.
#include <gtest/gtest.h>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;

TEST(MapBasic, InsertFindUpdateEraseReportEachOutcome) {
  auto m = Map::create(harness::unique_name("map-basic"), {.capacity = 16});
  ASSERT_TRUE(m.ok()) << text(m.error());
  std::uint64_t v = 0;
  EXPECT_EQ(must(find_u64(*m, 7, &v)), Status::not_found);
  EXPECT_EQ(must(insert_u64(*m, 7, 70)), Status::ok);
  EXPECT_EQ(must(insert_u64(*m, 7, 71)), Status::exists);
  ASSERT_EQ(must(find_u64(*m, 7, &v)), Status::ok);
  EXPECT_EQ(v, 70u) << "insert never overwrites";
  EXPECT_EQ(must(update_u64(*m, 7, 72)), Status::ok);
  ASSERT_EQ(must(find_u64(*m, 7, &v)), Status::ok);
  EXPECT_EQ(v, 72u);
  EXPECT_EQ(must(update_u64(*m, 8, 1)), Status::not_found);
  EXPECT_EQ(must(erase_u64(*m, 7)), Status::ok);
  EXPECT_EQ(must(erase_u64(*m, 7)), Status::not_found);
  EXPECT_EQ(must(find_u64(*m, 7, &v)), Status::not_found);
}

TEST(MapBasic, EraseLeavesATombstoneThatTheNextInsertReuses) {
  auto m = Map::create(harness::unique_name("map-tomb"), {.capacity = 8});
  ASSERT_TRUE(m.ok()) << text(m.error());
  // Three keys in one chain: home, home+1, home+2.
  const std::uint32_t home = 3;
  const std::uint64_t a = nth_key_with_home(*m, home, 0), b = nth_key_with_home(*m, home, 1),
                      c = nth_key_with_home(*m, home, 2);
  ASSERT_EQ(must(insert_u64(*m, a, 1)), Status::ok);
  ASSERT_EQ(must(insert_u64(*m, b, 2)), Status::ok);
  ASSERT_EQ(must(insert_u64(*m, c, 3)), Status::ok);
  ASSERT_EQ(must(erase_u64(*m, b)), Status::ok);
  EXPECT_EQ(m->bucket_info(home + 1)->state, kStateTombstone);
  std::uint64_t v = 0;
  ASSERT_EQ(must(find_u64(*m, c, &v)), Status::ok) << "a probe goes on past a tombstone";
  EXPECT_EQ(v, 3u);
  const std::uint64_t d = nth_key_with_home(*m, home, 3);
  ASSERT_EQ(must(insert_u64(*m, d, 4)), Status::ok);
  EXPECT_EQ(m->bucket_info(home + 1)->state, kStateFull) << "the tombstone was reused";
  EXPECT_EQ(m->bucket_info(home + 3)->state, kStateEmpty) << "no new bucket was taken";
  ASSERT_EQ(must(find_u64(*m, d, &v)), Status::ok);
  EXPECT_EQ(v, 4u);
  EXPECT_EQ(must(insert_u64(*m, c, 9)), Status::exists) << "insert looks past the reused tombstone for the key";
}

TEST(MapBasic, AFullTableSaysSoAndAnEraseMakesRoom) {
  auto m = Map::create(harness::unique_name("map-full"), {.capacity = 4});
  ASSERT_TRUE(m.ok()) << text(m.error());
  for (std::uint64_t k = 1; k <= 4; ++k) ASSERT_EQ(must(insert_u64(*m, k, k * 10)), Status::ok);
  EXPECT_EQ(must(insert_u64(*m, 5, 50)), Status::full);
  EXPECT_EQ(must(insert_u64(*m, 2, 0)), Status::exists) << "an existing key is found even in a full table";
  std::uint64_t v = 0;
  EXPECT_EQ(must(find_u64(*m, 5, &v)), Status::not_found) << "a full table's probe wraps once and stops";
  ASSERT_EQ(must(erase_u64(*m, 3)), Status::ok);
  EXPECT_EQ(must(insert_u64(*m, 5, 50)), Status::ok) << "the only free bucket is a tombstone";
  EXPECT_EQ(must(insert_u64(*m, 6, 60)), Status::full);
  for (std::uint64_t k : {1, 2, 4, 5}) {
    ASSERT_EQ(must(find_u64(*m, k, &v)), Status::ok) << k;
    EXPECT_EQ(v, k * 10);
  }
}

TEST(MapBasic, WrongSizesAndBadConfigurationsAreRefused) {
  EXPECT_EQ(Map::create(harness::unique_name("map-bad"), {.capacity = 0}).error().code, Errc::invalid_argument);
  EXPECT_EQ(Map::create(harness::unique_name("map-bad"), {.capacity = 4, .key_size = 0}).error().code,
            Errc::invalid_argument);
  EXPECT_EQ(Map::create(harness::unique_name("map-bad"), {.capacity = 4, .value_size = kMaxValueSize + 1}).error().code,
            Errc::invalid_argument);
  auto m = Map::create(harness::unique_name("map-sizes"), {.capacity = 4, .key_size = 12, .value_size = 3});
  ASSERT_TRUE(m.ok()) << text(m.error());
  std::byte key[12]{}, value[3]{std::byte{1}, std::byte{2}, std::byte{3}}, out[3]{};
  EXPECT_EQ(m->insert(std::span(key, 11), value).error().code, Errc::invalid_argument);
  EXPECT_EQ(m->insert(key, std::span(value, 2)).error().code, Errc::invalid_argument);
  EXPECT_EQ(m->find(key, std::span(out, 2)).error().code, Errc::invalid_argument);
  ASSERT_EQ(must(m->insert(key, value)), Status::ok);
  ASSERT_EQ(must(m->find(key, out)), Status::ok);
  EXPECT_EQ(out[2], std::byte{3}) << "odd sizes round-trip through padded words";
}

TEST(MapBasic, ASecondHandleSeesTheSameContentsAndTheOtherProtocolIsRefused) {
  const auto name = harness::unique_name("map-open");
  auto m = Map::create(name, {.capacity = 8});
  ASSERT_TRUE(m.ok()) << text(m.error());
  ASSERT_EQ(must(insert_u64(*m, 1, 11)), Status::ok);
  auto again = Map::open(name);
  ASSERT_TRUE(again.ok()) << text(again.error());
  std::uint64_t v = 0;
  ASSERT_EQ(must(find_u64(*again, 1, &v)), Status::ok);
  EXPECT_EQ(v, 11u);
  auto plain = PlainSpinMap::open(name);
  ASSERT_FALSE(plain.ok());
  EXPECT_EQ(plain.error().code, Errc::wrong_kind) << plain.error().describe();
}

}  // namespace
}  // namespace shmc::map
