// The timeline page in a real browser: headless Chromium renders the page of
// a planted-bug failure, takes a screenshot (kept in the build folder), and
// its DOM must show the lanes, the crash mark and the highlighted operations;
// with JavaScript off the static SVG must be there instead. A 10 000-operation
// page's time to first paint is measured and printed. Skipped, saying why,
// when no browser is installed (ci/install-deps.sh installs Debian's chromium).
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>

#include "shmconform/harness/actors.hpp"
#include "suite/timeline/samples.hpp"

namespace shmc::timeline_test {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> find_browser() {
  if (const char* env = std::getenv("SHMC_CHROMIUM"); env && *env) return std::string(env);
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  std::vector<std::string> dir_list;
  for (std::string d; std::getline(dirs, d, ':');) dir_list.push_back(d);
  for (const char* name : {"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"})
    for (const std::string& d : dir_list) {
      const std::string candidate = d + "/" + name;
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
    }
  return std::nullopt;
}

// Where the pages and screenshots stay after the run: the CI artifact.
fs::path artifacts() {
  const fs::path dir = fs::path(SHMC_TIMELINE_ARTIFACTS);
  fs::create_directories(dir);
  return dir;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

struct BrowserRun {
  harness::ActorOutcome outcome;
  std::string out, err;
  double wall_ms = 0;
  std::string describe() const {
    return outcome.describe() + "\nstderr (tail): " + (err.size() > 2000 ? err.substr(err.size() - 2000) : err);
  }
};

// One bounded run of the browser on a local file, with a fresh empty profile.
// javascript=false: the profile's content setting blocks scripts, as a user who
// turned JavaScript off has it (--blink-settings=scriptEnabled=false also stops
// headless Chromium's own --dump-dom and --screenshot from working).
BrowserRun run_browser(const std::string& browser, const std::vector<std::string>& extra, const fs::path& page,
                       const std::string& tag, bool javascript = true) {
  const fs::path work = artifacts() / ("run-" + tag);
  fs::remove_all(work);
  fs::create_directories(work / "profile" / "Default");
  if (!javascript)
    std::ofstream(work / "profile" / "Default" / "Preferences")
        << R"({"profile":{"default_content_setting_values":{"javascript":2}}})";
  const std::string out = (work / "stdout").string(), err = (work / "stderr").string();
  std::vector<std::string> args = {browser,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-quic",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--disable-crash-reporter",
                                   "--no-zygote",
                                   "--user-data-dir=" + (work / "profile").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back("file://" + fs::absolute(page).string());
  const auto start = std::chrono::steady_clock::now();
  BrowserRun run;
  run.outcome = harness::run_in_child(
      "chromium-" + tag,
      [&](harness::ActorContext&) {
        const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (o < 0 || e < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0) return 126;
        std::vector<char*> argv;
        for (std::string& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        return 127;
      },
      std::chrono::seconds(60));
  run.wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  run.out = slurp(out);
  run.err = slurp(err);
  fs::remove_all(work / "profile");
  return run;
}

// The value of a data- attribute of the page's status element, as the script wrote it.
std::string status_attr(const std::string& dom, const std::string& name) {
  const auto at = dom.find("id=\"timeline-status\"");
  if (at == std::string::npos) return {};
  const auto tag_begin = dom.rfind('<', at), tag_end = dom.find('>', at);
  const std::string tag = dom.substr(tag_begin, tag_end - tag_begin);
  const std::smatch m = [&] {
    std::smatch s;
    std::regex_search(tag, s, std::regex(name + "=\"([^\"]*)\""));
    return s;
  }();
  return m.size() > 1 ? m[1].str() : std::string();
}

class BrowserTimeline : public ::testing::Test {
 protected:
  void SetUp() override {
    browser_ = find_browser();
    if (!browser_) GTEST_SKIP() << "no browser: chromium is not installed (apt-get install chromium, see ci/install-deps.sh)";
  }
  fs::path ring_page() {
    Trial t;
    ring_planted_bug(t);
    const fs::path page = artifacts() / "ring_planted_bug.html";
    const auto w = harness::write_timeline(page.string(), harness::timeline_document(t.input));
    EXPECT_TRUE(w.ok()) << w.error().describe();
    return page;
  }
  std::optional<std::string> browser_;
};

TEST_F(BrowserTimeline, DrawsLanesCrashAndTheOperationsThatCannotBeLinearized) {
  const fs::path page = ring_page();
  const BrowserRun dom = run_browser(*browser_, {"--virtual-time-budget=5000", "--dump-dom"}, page, "dom");
  ASSERT_TRUE(dom.outcome.ok()) << dom.describe();
  EXPECT_EQ(status_attr(dom.out, "data-rendered"), "yes") << dom.out.substr(0, 3000);
  EXPECT_EQ(status_attr(dom.out, "data-lanes"), "5");
  EXPECT_EQ(status_attr(dom.out, "data-crash-marks"), "1");
  EXPECT_EQ(status_attr(dom.out, "data-highlighted"), "1");
  EXPECT_EQ(status_attr(dom.out, "data-stuck-notes"), "1");
  // The script's drawing itself, as the browser holds it (after the <noscript>, which it keeps as text).
  const auto noscript_end = dom.out.find("</noscript>");
  ASSERT_NE(noscript_end, std::string::npos);
  const std::string drawn = dom.out.substr(noscript_end);
  EXPECT_EQ(count(drawn, "<g class=\"lane\""), 5u);
  EXPECT_EQ(count(drawn, "<g class=\"crash-mark\""), 1u);
  EXPECT_NE(drawn.find("✕ crash at ring/push/claimed hit 2"), std::string::npos);
  EXPECT_EQ(count(drawn, " hl\" data-op=\"4\""), 1u);
  EXPECT_NE(drawn.find("cannot be linearized: pop() → ok 7"), std::string::npos);
  EXPECT_NE(drawn.find("value popped twice"), std::string::npos);
  EXPECT_NE(drawn.find("stuck: pop: waiting for slot 3 claimed by producer-0"), std::string::npos);

  const fs::path png = artifacts() / "ring_planted_bug.png";
  fs::remove(png);
  const BrowserRun shot = run_browser(
      *browser_, {"--virtual-time-budget=5000", "--window-size=1400,900", "--screenshot=" + png.string()}, page, "shot");
  ASSERT_TRUE(shot.outcome.ok()) << shot.describe();
  const std::string bytes = slurp(png);
  ASSERT_GT(bytes.size(), 10'000u) << "screenshot missing or blank: " << png;
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  std::printf("screenshot: %s (%zu bytes)\n", png.c_str(), bytes.size());
}

TEST_F(BrowserTimeline, WithoutJavaScriptTheStaticPictureIsThere) {
  const fs::path page = ring_page();
  const BrowserRun dom = run_browser(*browser_, {"--dump-dom"}, page, "nojs", false);
  ASSERT_TRUE(dom.outcome.ok()) << dom.describe();
  ASSERT_NE(dom.out.find("id=\"timeline-status\""), std::string::npos) << dom.describe();
  EXPECT_EQ(status_attr(dom.out, "data-rendered"), "") << "the script ran although JavaScript was off";
  EXPECT_NE(dom.out.find("<main id=\"app\"></main>"), std::string::npos);
  EXPECT_NE(dom.out.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"static-lanes\""), std::string::npos)
      << dom.out.substr(0, 3000);
  EXPECT_EQ(count(dom.out, "<g class=\"lane\""), 5u);
  EXPECT_EQ(count(dom.out, "<g class=\"crash-mark\""), 1u);
  EXPECT_EQ(count(dom.out, " hl\" data-op="), 1u);
  EXPECT_NE(dom.out.find("value popped twice"), std::string::npos);
  const fs::path png = artifacts() / "ring_planted_bug_nojs.png";
  fs::remove(png);
  const BrowserRun shot =
      run_browser(*browser_, {"--window-size=1400,700", "--screenshot=" + png.string()}, page, "nojs-shot", false);
  ASSERT_TRUE(shot.outcome.ok()) << shot.describe();
  EXPECT_GT(slurp(png).size(), 10'000u) << "screenshot missing or blank: " << png;
}

TEST_F(BrowserTimeline, TenThousandOperationsFirstPaint) {
  Trial t;
  ring_planted_bug(t, 2500);
  const fs::path page = artifacts() / "ring_10000_ops.html";
  const auto w = harness::write_timeline(page.string(), harness::timeline_document(t.input));
  ASSERT_TRUE(w.ok()) << w.error().describe();
  const BrowserRun dom = run_browser(*browser_, {"--virtual-time-budget=10000", "--dump-dom"}, page, "10k");
  ASSERT_TRUE(dom.outcome.ok()) << dom.describe();
  ASSERT_EQ(status_attr(dom.out, "data-rendered"), "yes") << dom.err;
  // Only what is in view is drawn, and the view opens at the failure.
  EXPECT_LT(std::stoul(status_attr(dom.out, "data-ops-drawn")), 2000u);
  EXPECT_EQ(status_attr(dom.out, "data-highlighted"), "1");
  std::printf("%zu operations: page %ju bytes; after navigation: first contentful paint %s ms, lanes drawn %s ms, "
              "lanes painted %s ms; browser process %.0f ms in all\n",
              t.history.size(), static_cast<std::uintmax_t>(fs::file_size(page)),
              status_attr(dom.out, "data-fcp-ms").c_str(), status_attr(dom.out, "data-render-ms").c_str(),
              status_attr(dom.out, "data-lanes-painted-ms").c_str(), dom.wall_ms);
}

}  // namespace
}  // namespace shmc::timeline_test
