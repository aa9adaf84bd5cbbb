// The blackboard in one process: channels by name, publish/read, subscribers
// that copy only on a sequence change, bad input, and a model test of random
// publish/read sequences against one register per channel.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <map>

#include "fixtures/blackboard/blackboard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/blackboard/blackboard_values.hpp"

namespace shmc::blackboard {
namespace {

using namespace testing;

std::vector<ChannelSpec> two_channels() { return {{"temperature", 8}, {"pressure", 16}}; }

TEST(Blackboard, ChannelsByNameAndEmptyReads) {
  auto b = Blackboard::create(harness::unique_name("bb"), two_channels());
  ASSERT_TRUE(b.ok()) << b.error().describe();
  EXPECT_EQ(b->channel("pressure").value(), 1u);
  EXPECT_EQ(b->channel("humidity").error().code, Errc::not_found);
  std::vector<std::uint64_t> out(16);
  auto r = b->read(0, out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ReadStatus::empty);
  EXPECT_EQ(b->read(2, out).error().code, Errc::invalid_argument);
  EXPECT_EQ(b->read(1, std::span(out).first(4)).error().code, Errc::invalid_argument) << "buffer under capacity";
}

TEST(Blackboard, RefusesBadChannelSpecs) {
  EXPECT_EQ(Blackboard::create(harness::unique_name("bb"), {}).error().code, Errc::invalid_argument);
  EXPECT_EQ(Blackboard::create(harness::unique_name("bb"), {{"a", 1}, {"a", 1}}).error().code, Errc::invalid_argument);
  EXPECT_EQ(Blackboard::create(harness::unique_name("bb"), {{std::string(32, 'x'), 1}}).error().code,
            Errc::invalid_argument);
  EXPECT_EQ(Blackboard::create(harness::unique_name("bb"), {{"a", 0}}).error().code, Errc::invalid_argument);
}

TEST(Blackboard, PublishThenReadAndSubscriberSeesOnlyChanges) {
  const auto name = harness::unique_name("bb");
  auto b = Blackboard::create(name, two_channels());
  ASSERT_TRUE(b.ok());
  auto p = Publisher::claim(*b, 0);
  ASSERT_TRUE(p.ok()) << p.error().describe();
  auto v1 = make_value(1, 1, 5);
  ASSERT_TRUE(p->publish(v1).ok());
  auto other = Blackboard::open(name);
  ASSERT_TRUE(other.ok()) << other.error().describe();
  Subscriber sub(*other, 0);
  std::vector<std::uint64_t> out(8);
  auto r = sub.poll(out);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, ReadStatus::fresh);
  EXPECT_EQ(r->version, 1u);
  EXPECT_EQ(std::vector<std::uint64_t>(out.begin(), out.begin() + r->words), v1);
  EXPECT_EQ(sub.poll(out)->status, ReadStatus::unchanged);
  ASSERT_TRUE(p->publish(make_value(1, 2, 8)).ok());
  r = sub.poll(out);
  EXPECT_EQ(r->version, 2u);
  EXPECT_EQ(whole_value(std::span(out).first(r->words)), 2);
  EXPECT_EQ(p->publish(std::vector<std::uint64_t>(9)).error().code, Errc::invalid_argument) << "over capacity";
  EXPECT_EQ(p->publish({}).error().code, Errc::invalid_argument);
}

TEST(Blackboard, OnePublisherPerChannel) {
  auto b = Blackboard::create(harness::unique_name("bb"), two_channels());
  ASSERT_TRUE(b.ok());
  auto p = Publisher::claim(*b, 1);
  ASSERT_TRUE(p.ok());
  auto again = Publisher::claim(*b, 1);
  EXPECT_EQ(again.error().code, Errc::already_exists) << "a live publisher keeps its channel";
  ASSERT_TRUE(p->release().ok());
  EXPECT_TRUE(Publisher::claim(*b, 1).ok()) << "a released channel can be claimed";
}

TEST(Blackboard, AScribbledDescriptorIsRefusedAtOpen) {
  const auto name = harness::unique_name("bb");
  auto b = Blackboard::create(name, two_channels());
  ASSERT_TRUE(b.ok());
  auto* d = reinterpret_cast<ChannelDesc*>(b->segment().payload() + sizeof(BoardHeader));
  d[1].live_offset += 64;
  EXPECT_EQ(Blackboard::open(name).error().code, Errc::corrupt);
  d[1].live_offset -= 64;
  d[0].capacity_words = kMaxValueWords + 1;
  EXPECT_EQ(Blackboard::open(name).error().code, Errc::corrupt);
}

// One register per channel: a read returns the last publish, its version counts them.
RC_GTEST_PROP(BlackboardModel, ReadsReturnTheLastPublish, ()) {
  const auto ops = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 3), rc::gen::inRange(1, 9)));
  auto b = Blackboard::create(harness::unique_name("bb-model"), {{"a", 8}, {"b", 8}, {"c", 3}});
  RC_ASSERT(b.ok());
  std::vector<Publisher> pubs;
  for (std::uint32_t c = 0; c < 3; ++c) pubs.push_back(Publisher::claim(*b, c).value());
  std::map<int, std::vector<std::uint64_t>> model;
  std::map<int, std::uint64_t> versions;
  std::uint64_t n = 0;
  std::vector<std::uint64_t> out(8);
  for (auto [ch, len] : ops) {
    if (len % 2 == 0) {  // even: publish a value of len/2 + 1 words (capped at capacity)
      const std::size_t words = std::min<std::size_t>(len / 2 + 1, ch == 2 ? 3 : 8);
      auto v = make_value(static_cast<std::uint64_t>(ch), ++n, words);
      RC_ASSERT(pubs[ch].publish(v).ok());
      model[ch] = v;
      ++versions[ch];
    } else {
      auto r = b->read(static_cast<std::uint32_t>(ch), out);
      RC_ASSERT(r.ok());
      if (model.count(ch) == 0) {
        RC_ASSERT(r->status == ReadStatus::empty);
      } else {
        RC_ASSERT(r->status == ReadStatus::fresh);
        RC_ASSERT(std::vector<std::uint64_t>(out.begin(), out.begin() + r->words) == model[ch]);
        RC_ASSERT(r->version == versions[ch]);
      }
    }
  }
}

}  // namespace
}  // namespace shmc::blackboard
