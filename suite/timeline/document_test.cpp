// The timeline document: what a failing trial's JSON says, from small
// histories whose answer is known.
#include <gtest/gtest.h>

#include <algorithm>

#include "shmconform/check/counter_model.hpp"
#include "suite/timeline/samples.hpp"

namespace shmc::timeline_test {
namespace {

using nlohmann::json;

bool contains(const json& array, std::size_t id) {
  return std::any_of(array.begin(), array.end(), [&](const json& v) { return v.get<std::size_t>() == id; });
}

TEST(TimelineDocument, DuplicatedPopIsNamedAndHighlightedWithAPrefix) {
  Trial t;
  ring_planted_bug(t);
  ASSERT_FALSE(t.result.ok());
  ASSERT_TRUE(t.result.failure && t.result.failure->refutation) << t.result.report;
  const json doc = harness::timeline_document(t.input);
  EXPECT_EQ(doc["schema"], harness::kTimelineSchema);
  EXPECT_EQ(doc["operations"].size(), t.history.size());
  EXPECT_EQ(doc["actors"].size(), 5u);
  const json& sections = doc["check"]["sections"];
  ASSERT_EQ(sections.size(), 1u);
  const json& s = sections[0];
  EXPECT_EQ(s["pattern"], "value popped twice");
  EXPECT_TRUE(s["partition"].is_null());
  // The second pop of item 7 is the one highlighted; the first pop and the push of 7 complete the pattern.
  EXPECT_EQ(s["highlight"], json::array({4}));
  EXPECT_EQ(s["stuck"], 4);
  EXPECT_TRUE(contains(s["window"], 3));
  EXPECT_TRUE(contains(s["window"], 0));
  // The prefix comes from a search without the pre-check: push 7 and 9, the first pop of 7, but never the second.
  ASSERT_GE(s["steps"].size(), 3u);
  bool second_pop_linearised = false;
  for (const json& st : s["steps"]) second_pop_linearised |= st["op"] == 4;
  EXPECT_FALSE(second_pop_linearised);
  // Model state after each step, replayed from the search: after push(7) the queue holds 7.
  EXPECT_EQ(s["initial_state"], "[]");
  EXPECT_EQ(s["steps"][0]["op"], 0);
  EXPECT_EQ(s["steps"][0]["after"], "[7]");
}

TEST(TimelineDocument, CheckerRecordsTheStateAfterEveryStep) {
  Trial t;
  ring_planted_bug(t);
  check::CheckOptions plain;
  plain.patterns = false;
  const auto r = check::check_linearizable(t.history, *t.model, plain);
  ASSERT_TRUE(r.failure);
  ASSERT_EQ(r.failure->states.size(), r.failure->linearised.size());
  ASSERT_FALSE(r.failure->states.empty());
  EXPECT_EQ(r.failure->states.back(), r.failure->state);
}

TEST(TimelineDocument, CrashedPendingOpAndStuckSurvivor) {
  Trial t;
  ring_planted_bug(t);
  const json doc = harness::timeline_document(t.input);
  const json& victim = doc["actors"][0];
  EXPECT_EQ(victim["name"], "producer-0");
  EXPECT_EQ(victim["crash"]["kind"], "point");
  EXPECT_EQ(victim["crash"]["point"], "ring/push/claimed");
  EXPECT_EQ(victim["crash"]["hit"], 2);
  EXPECT_TRUE(victim["died"].get<bool>());
  EXPECT_FALSE(victim["stuck"].get<bool>());
  const json& pending = doc["operations"][1];
  EXPECT_TRUE(pending["pending"].get<bool>());
  EXPECT_TRUE(pending["ret"].is_null());
  EXPECT_TRUE(pending["result"].is_null());
  EXPECT_EQ(pending["call"], "push(8)");
  const json& stuck = doc["actors"][3];
  EXPECT_TRUE(stuck["stuck"].get<bool>());  // timed out counts as stuck
  EXPECT_EQ(stuck["last_doing"], "pop: waiting for slot 3 claimed by producer-0");
  ASSERT_EQ(doc["events"].size(), 1u);
  EXPECT_EQ(doc["events"][0]["actor"], 4);
  EXPECT_EQ(doc["verdict"]["kind"], "duplicated");
  EXPECT_GE(doc["clock"]["end"].get<std::uint64_t>(), doc["events"][0]["time"].get<std::uint64_t>());
}

TEST(TimelineDocument, OtherCrashKindsAndLanesWithoutActorInfo) {
  Trial t;
  ring_planted_bug(t);
  t.input.actors.resize(2);
  t.input.actors[0].crash = harness::timeline_crash(harness::StoreAt{5});
  t.input.actors[0].outcome->crash_point = "store/5/range/0";
  t.input.actors[0].outcome->hit = 5;
  t.input.actors[1].crash = harness::timeline_crash(harness::KillAfter{std::chrono::microseconds(1234)});
  t.input.actors[1].outcome->end = harness::ActorOutcome::End::killed_on_timer;
  const json doc = harness::timeline_document(t.input);
  ASSERT_EQ(doc["actors"].size(), 5u);  // lanes 2..4 come from the history and the events
  EXPECT_EQ(doc["actors"][0]["crash"]["text"], "killed before store 5 (store/5/range/0)");
  EXPECT_EQ(doc["actors"][1]["crash"]["kind"], "kill");
  EXPECT_EQ(doc["actors"][1]["crash"]["delay_us"], 1234);
  EXPECT_EQ(doc["actors"][2]["name"], "actor 2");
  t.input.actors[0].outcome.reset();
  EXPECT_EQ(harness::timeline_document(t.input)["actors"][0]["crash"]["text"], "killed before store 5");
}

TEST(TimelineDocument, MapFailingInOneKeyHasOneSectionAndTheRestCollapsed) {
  Trial t;
  map_lost_insert(t);
  ASSERT_FALSE(t.result.ok());
  const json doc = harness::timeline_document(t.input);
  const json& sections = doc["check"]["sections"];
  ASSERT_EQ(sections.size(), 1u) << doc["check"].dump(1);
  EXPECT_EQ(sections[0]["partition"], 3);
  EXPECT_EQ(sections[0]["partition_label"], "key 3");
  EXPECT_EQ(sections[0]["stuck"], 5);  // find(3) -> not_found
  EXPECT_TRUE(contains(sections[0]["highlight"], 5));
  ASSERT_EQ(sections[0]["steps"].size(), 1u);  // insert(3, 30)
  EXPECT_EQ(sections[0]["steps"][0]["after"], "{3: 30}");
  const json& collapsed = doc["check"]["collapsed"];
  ASSERT_EQ(collapsed.size(), 3u);
  for (const json& c : collapsed) {
    EXPECT_NE(c["partition"], 3);
    EXPECT_EQ(c["verdict"], "linearizable");
  }
  EXPECT_EQ(doc["operations"][5]["partition"], 3);
}

TEST(TimelineDocument, EveryFailingKeyGetsASection) {
  Trial t;
  map_lost_insert(t);
  using namespace check::testing;
  t.history.push_back(find(1, 4, 16, 17, 41));  // key 4 now fails too: 41 was never written
  t.bind();
  const json doc = harness::timeline_document(t.input);
  const json& sections = doc["check"]["sections"];
  ASSERT_EQ(sections.size(), 2u);
  EXPECT_EQ(sections[0]["partition"], 3);
  EXPECT_EQ(sections[1]["partition"], 4);
  EXPECT_EQ(sections[1]["stuck"], 9);  // mapped back from the key's own history
  EXPECT_EQ(doc["check"]["collapsed"].size(), 2u);
}

TEST(TimelineDocument, PassingHistoryAndNoChecker) {
  Trial t;
  using namespace check::testing;
  t.model = std::make_unique<check::counter::Model>();
  t.history = {fetch_add(0, 1, 0, 1, 2), read(1, 1, 3, 4)};
  t.input.verdict_kind = "lost";
  t.bind();
  json doc = harness::timeline_document(t.input);
  EXPECT_TRUE(doc["check"]["ran"].get<bool>());
  EXPECT_TRUE(doc["check"]["linearizable"].get<bool>());
  EXPECT_TRUE(doc["check"]["sections"].empty());
  t.input.check = nullptr;
  doc = harness::timeline_document(t.input);
  EXPECT_FALSE(doc["check"]["ran"].get<bool>());
  EXPECT_FALSE(harness::render_timeline_html(doc).empty());
}

TEST(TimelineDocument, BadInputIsAClearError) {
  Trial t;
  ring_planted_bug(t);
  harness::TimelineInput in = t.input;
  in.model = nullptr;
  EXPECT_THROW((void)harness::timeline_document(in), std::invalid_argument);
  in = t.input;
  in.events.push_back({-1, 3, "nobody"});
  EXPECT_THROW((void)harness::timeline_document(in), std::invalid_argument);
  check::LinearizabilityResult forged = t.result;
  forged.failure->window.push_back(t.history.size() + 7);
  in = t.input;
  in.check = &forged;
  EXPECT_THROW((void)harness::timeline_document(in), std::invalid_argument);
  EXPECT_THROW((void)harness::render_timeline_html(json{{"schema", "something-else/9"}}), std::invalid_argument);
  json broken = harness::timeline_document(t.input);
  broken["operations"][0]["invoke"] = "soon";
  EXPECT_THROW((void)harness::render_timeline_html(broken), std::invalid_argument);
}

TEST(TimelineDocument, LongStatesAreCut) {
  Trial t;
  ring_planted_bug(t);
  harness::TimelineLimits limits;
  limits.state_chars = 2;
  const json doc = harness::timeline_document(t.input, limits);
  const std::string after = doc["check"]["sections"][0]["steps"][0]["after"];
  EXPECT_EQ(after, "[7… (1 more bytes)");
}

}  // namespace
}  // namespace shmc::timeline_test
