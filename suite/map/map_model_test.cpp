// Model-based test: random operation sequences against std::unordered_map, in
// one process. A small capacity and a key range larger than it make full
// tables, long chains, tombstones and their reuse common.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <unordered_map>

#include "fixtures/map/map.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/map/map_test_support.hpp"

namespace shmc::map {
namespace {

using namespace testing;

enum class Kind { insert, update, erase, find };
struct Command {
  Kind kind;
  std::uint64_t key;
  std::uint64_t value;
};

rc::Gen<Command> gen_command(std::uint64_t keys) {
  return rc::gen::build<Command>(
      rc::gen::set(&Command::kind, rc::gen::weightedElement<Kind>({{4, Kind::insert}, {2, Kind::update},
                                                                   {3, Kind::erase}, {3, Kind::find}})),
      rc::gen::set(&Command::key, rc::gen::inRange<std::uint64_t>(0, keys)),
      rc::gen::set(&Command::value, rc::gen::arbitrary<std::uint64_t>()));
}

template <class M>
void run_against_model(std::uint32_t capacity, const std::vector<Command>& commands) {
  auto m = M::create(harness::unique_name("map-model"), {.capacity = capacity});
  RC_ASSERT(m.ok());
  std::unordered_map<std::uint64_t, std::uint64_t> model;
  for (const Command& c : commands) {
    const bool present = model.count(c.key) != 0;
    std::uint64_t got = 0;
    switch (c.kind) {
      case Kind::insert: {
        auto r = insert_u64(*m, c.key, c.value);
        RC_ASSERT(r.ok());
        // Tombstones are reused, so the table is full exactly when every bucket holds a key.
        const Status want = present ? Status::exists : model.size() == capacity ? Status::full : Status::ok;
        RC_ASSERT(*r == want);
        if (want == Status::ok) model[c.key] = c.value;
        break;
      }
      case Kind::update: {
        auto r = update_u64(*m, c.key, c.value);
        RC_ASSERT(r.ok());
        RC_ASSERT(*r == (present ? Status::ok : Status::not_found));
        if (present) model[c.key] = c.value;
        break;
      }
      case Kind::erase: {
        auto r = erase_u64(*m, c.key);
        RC_ASSERT(r.ok());
        RC_ASSERT(*r == (present ? Status::ok : Status::not_found));
        model.erase(c.key);
        break;
      }
      case Kind::find: {
        auto r = find_u64(*m, c.key, &got);
        RC_ASSERT(r.ok());
        RC_ASSERT(*r == (present ? Status::ok : Status::not_found));
        if (present) RC_ASSERT(got == model[c.key]);
        break;
      }
    }
    std::size_t full_buckets = 0;
    for (std::uint32_t i = 0; i < capacity; ++i) {
      auto info = m->bucket_info(i);
      RC_ASSERT(info->lock_word == 0u);
      RC_ASSERT(info->seq % 2 == 0u);
      full_buckets += info->state == kStateFull;
    }
    RC_ASSERT(full_buckets == model.size());
  }
  for (const auto& [k, v] : model) {
    std::uint64_t got = 0;
    RC_ASSERT(must(find_u64(*m, k, &got)) == Status::ok);
    RC_ASSERT(got == v);
  }
}

RC_GTEST_PROP(MapModel, MatchesUnorderedMapIncludingTombstonesAndFullTables, ()) {
  const auto capacity = *rc::gen::inRange<std::uint32_t>(1, 17);
  const auto commands = *rc::gen::container<std::vector<Command>>(gen_command(capacity + capacity / 2 + 2));
  run_against_model<Map>(capacity, commands);
}

RC_GTEST_PROP(MapModel, PlainVariantHasTheSameSequentialBehaviour, ()) {
  const auto capacity = *rc::gen::inRange<std::uint32_t>(1, 9);
  const auto commands = *rc::gen::container<std::vector<Command>>(gen_command(capacity + 3));
  run_against_model<PlainSpinMap>(capacity, commands);
}

}  // namespace
}  // namespace shmc::map
