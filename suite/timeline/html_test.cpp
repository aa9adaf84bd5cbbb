// The page: self-contained, escaped, with the static picture, and bounded in size.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/timeline/text.hpp"
#include "shmconform/harness/run_names.hpp"
#include "suite/timeline/samples.hpp"

namespace shmc::timeline_test {
namespace {

using nlohmann::json;

// The queue model with descriptions an attacker chose.
class HostileModel final : public check::Model {
 public:
  std::string name() const override { return "<b>queue</b>"; }
  check::State initial() const override { return inner_.initial(); }
  void step(const check::State& s, const check::Operation& op, std::vector<check::State>& next) const override {
    inner_.step(s, op, next);
  }
  std::optional<check::Refutation> refute(const check::History& h) const override { return inner_.refute(h); }
  std::string describe_call(const check::Operation&) const override { return "</script><script>alert(1)</script>"; }
  std::string describe_result(const check::Operation&) const override { return "<svg onload=alert(2)>"; }
  std::string describe_state(const check::State&) const override { return "</noscript><img src=x onerror=alert(3)>\xff"; }

 private:
  check::queue::Model inner_{check::queue::Options{.capacity = 8}};
};

std::string embedded_json(const std::string& page) {
  const std::string open = "<script type=\"application/json\" id=\"timeline-data\">";
  const auto b = page.find(open);
  const auto e = page.find("</script>", b);
  if (b == std::string::npos || e == std::string::npos) return {};
  return page.substr(b + open.size(), e - b - open.size());
}

TEST(TimelineHtml, SelfContainedWithStaticPicture) {
  Trial t;
  ring_planted_bug(t);
  const json doc = harness::timeline_document(t.input);
  const std::string page = harness::render_timeline_html(doc);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  // Nothing from the network.
  EXPECT_EQ(count(page, "http://"), count(page, "http://www.w3.org/2000/svg"));
  EXPECT_EQ(count(page, "https://"), 0u);
  EXPECT_EQ(count(page, " src="), 0u);
  EXPECT_EQ(count(page, "<link"), 0u);
  // The static picture: one lane per actor, the crash, the stuck survivor, the highlighted pops, the pattern.
  EXPECT_EQ(count(page, "<noscript>"), 1u);
  EXPECT_EQ(count(page, "<g class=\"lane\""), 5u);
  EXPECT_EQ(count(page, "<g class=\"crash-mark\""), 1u);
  EXPECT_EQ(count(page, "<g class=\"stuck-note\""), 1u);
  EXPECT_EQ(count(page, " hl\" data-op="), 1u);
  EXPECT_EQ(count(page, "<g class=\"op pending"), 2u);
  EXPECT_NE(page.find("crash at ring/push/claimed hit 2"), std::string::npos);
  EXPECT_NE(page.find("stuck: pop: waiting for slot 3 claimed by producer-0"), std::string::npos);
  EXPECT_NE(page.find("value popped twice"), std::string::npos);
  EXPECT_NE(page.find("repaired slot 3 of dead producer-0"), std::string::npos);
  // Before/after on hover in the static picture too.
  EXPECT_NE(page.find("step 1 of the linearizable prefix\nbefore: []\nafter: [7]"), std::string::npos);
  // The embedded document is the document.
  EXPECT_EQ(json::parse(embedded_json(page)), doc);
}

TEST(TimelineHtml, HostileDescriptionsStayText) {
  Trial t;
  ring_planted_bug(t);
  t.model = std::make_unique<HostileModel>();
  t.input.actors[0].name = "</noscript><script>alert(4)</script>";
  t.input.events.push_back({1, 3, "<svg onload=alert(5)>"});
  t.input.title = "</title><script>alert(6)</script>";
  t.input.verdict_summary = "\"><svg onload=alert(7)>";
  t.input.plan_text = "</script><!--";
  t.bind();
  ASSERT_FALSE(t.result.ok());
  const json doc = harness::timeline_document(t.input);
  const std::string page = harness::render_timeline_html(doc);
  // Exactly our two scripts and our one noscript; no attacker element anywhere.
  EXPECT_EQ(count(page, "<script"), 2u);
  EXPECT_EQ(count(page, "</script"), 2u);
  EXPECT_EQ(count(page, "<noscript"), 1u);
  EXPECT_EQ(count(page, "</noscript"), 1u);
  EXPECT_EQ(count(page, "</title><script"), 0u);
  EXPECT_EQ(count(page, "<svg onload"), 0u);
  EXPECT_EQ(count(page, "<img"), 0u);
  EXPECT_EQ(count(page, "<!--"), 0u);
  EXPECT_EQ(count(page, "<b>"), 0u);
  EXPECT_NE(page.find("&lt;/script&gt;&lt;script&gt;alert(1)"), std::string::npos);  // shown, as text
  // The embedded JSON still parses to the same strings (invalid UTF-8 replaced).
  const json back = json::parse(embedded_json(page));
  EXPECT_EQ(back["operations"][0]["call"], "</script><script>alert(1)</script>");
  EXPECT_EQ(back["actors"][0]["name"], "</noscript><script>alert(4)</script>");
}

TEST(TimelineHtml, EscapingHelpers) {
  EXPECT_EQ(harness::xml_escape("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  EXPECT_EQ(harness::script_json(json("</script>")), "\"\\u003c/script\\u003e\"");
  EXPECT_EQ(harness::cut("ab\xc3\xa9" "cd", 3), "ab… (4 more bytes)");  // never half of é
}

TEST(TimelineHtml, TenThousandOperationsStayAFewMegabytes) {
  Trial t;
  ring_planted_bug(t, 2500);  // 4 ops per round
  ASSERT_GE(t.history.size(), 10'000u);
  const json doc = harness::timeline_document(t.input);
  const std::string page = harness::render_timeline_html(doc);
  const std::string data = harness::plain_json(doc);
  std::printf("timeline of %zu operations: page %zu bytes (%.0f per operation), JSON %zu bytes\n", t.history.size(),
              page.size(), static_cast<double>(page.size()) / static_cast<double>(t.history.size()), data.size());
  EXPECT_LT(page.size(), 600 * t.history.size());
  EXPECT_LT(data.size(), 250 * t.history.size());
  // The prefix reaches the failure at the end of the long history.
  EXPECT_GE(doc["check"]["sections"][0]["steps"].size(), 10'000u - 10);
}

TEST(TimelineHtml, WritesThePageAndTheJsonBeside) {
  Trial t;
  ring_planted_bug(t);
  const json doc = harness::timeline_document(t.input);
  const auto dir = std::filesystem::temp_directory_path() / harness::unique_name("timeline").substr(1);
  const std::string html = (dir / "trial.html").string();
  ASSERT_TRUE(harness::write_timeline(html, doc).ok());
  EXPECT_EQ(harness::timeline_json_path(html), (dir / "trial.json").string());
  std::ifstream in(harness::timeline_json_path(html));
  EXPECT_EQ(json::parse(in), doc);
  EXPECT_GT(std::filesystem::file_size(html), 1000u);
  EXPECT_FALSE(std::filesystem::exists(html + ".tmp"));
  std::filesystem::remove_all(dir);
  EXPECT_EQ(harness::timeline_json_path("x/page"), "x/page.json");
  const auto bad = harness::write_timeline("/proc/self/no/such/dir/t.html", doc);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("/proc/self/no"), std::string::npos);
  EXPECT_FALSE(harness::write_timeline((dir / "x.html").string(), json{{"schema", "other"}}).ok());
}

}  // namespace
}  // namespace shmc::timeline_test
