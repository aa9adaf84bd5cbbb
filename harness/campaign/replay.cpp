// Replay lines, failure reports, and `shmconform replay`.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "shmconform/campaign/campaign.hpp"

namespace shmc::campaign {

namespace {

std::string hex(std::uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%#llx", static_cast<unsigned long long>(v));
  return buf;
}

int usage() {
  std::fprintf(stderr,
               "usage: shmconform replay SUBJECT[:VARIANT] PLAN-FILE|- [--times N] [--html FILE]\n"
               "       shmconform replay SUBJECT[:VARIANT] --trial ID [--seed S] [--times N] [--html FILE]\n"
               "       shmconform replay --list\n");
  return 2;
}

// The program that replays: `shmconform` (it links every in-tree subject), or the running test binary
// (its main() takes `replay`), which is the one that knows a user's own subjects.
std::string replay_program() {
  std::error_code ec;
  const auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || self.filename() == "shmconform") return "shmconform";
  return self.string();
}

}  // namespace

std::string failure_dir() {
  std::filesystem::path dir;
  if (const char* d = std::getenv("SHMC_FAILURE_DIR"); d != nullptr && *d != '\0') {
    dir = d;
  } else {
    const char* tmp = std::getenv("TMPDIR");
    dir = std::filesystem::path(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") / "shmconform-failures";
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return dir.string();
}

std::string replay_line(const SubjectVariant& variant, const TrialSpec& trial, const CampaignOptions& options) {
  return replay_program() + " replay " + variant.id() + " --trial " + trial.id + " --seed " + hex(options.seed);
}

std::string replay_file_line(const SubjectVariant& variant, const TrialSpec& trial, const plan::Plan& plan) {
  const auto file = std::filesystem::path(failure_dir()) / (variant.subject + "-" + variant.variant + "-" + trial.id + ".plan");
  std::ofstream out(file);
  out << plan::to_text(plan);
  if (!out) return {};
  return replay_program() + " replay " + variant.id() + " " + file.string();
}

std::string failure_report(const SubjectVariant& variant, const TrialSpec& trial, const TrialResult& result,
                           const CampaignOptions& options) {
  std::string s = variant.id() + " " + trial.label + ": " + to_string(result.verdict.kind) +
                  " (expected " + variant.expect.allowed(trial).describe() + ")\n  " + result.verdict.summary + "\n" +
                  result.verdict.detail + plan::describe(trial.plan) + "replay: " + replay_line(variant, trial, options) +
                  "\n";
  if (auto line = replay_file_line(variant, trial, trial.plan); !line.empty()) s += "replay: " + line + "\n";
  const auto page = (std::filesystem::path(failure_dir()) / (variant.subject + "-" + variant.variant + "-" + trial.id + ".html")).string();
  if (auto written = write_timeline(variant, trial, result, options, page)) s += "timeline: " + *written + "\n";
  else s += "timeline not written: " + written.error().describe() + "\n";
  return s;
}

int replay_main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for (const SubjectVariant* v : subjects()) std::printf("%-32s %s\n", v->id().c_str(), v->description.c_str());
    return 0;
  }
  if (args.empty()) return usage();
  const SubjectVariant* variant = find_subject(args[0]);
  if (variant == nullptr) {
    std::fprintf(stderr, "replay: no subject '%s' (see --list)\n", args[0].c_str());
    return 2;
  }
  unsigned times = 5;
  std::string plan_file, trial_id, html;
  CampaignOptions options = CampaignOptions::long_run().with_environment();  // long: every trial id exists
  for (std::size_t i = 1; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    try {
      if (args[i] == "--times" && has_value) times = static_cast<unsigned>(std::stoul(args[++i]));
      else if (args[i] == "--trial" && has_value) trial_id = args[++i];
      else if (args[i] == "--seed" && has_value) options.seed = std::stoull(args[++i], nullptr, 0);
      else if (args[i] == "--html" && has_value) html = args[++i];
      else if (plan_file.empty() && (args[i] == "-" || !args[i].starts_with("--"))) plan_file = args[i];
      else return usage();
    } catch (const std::exception&) {
      return usage();
    }
  }
  if (times == 0 || plan_file.empty() == trial_id.empty()) return usage();
  TrialSpec trial;
  if (!trial_id.empty()) {
    bool found = false;
    for (auto& t : plan_trials(*variant, options))
      if (t.id == trial_id) {
        trial = std::move(t);
        found = true;
        break;
      }
    if (!found) {
      std::fprintf(stderr, "replay: %s has no trial '%s' (`shmconform campaign %s --long` lists them)\n",
                   variant->id().c_str(), trial_id.c_str(), variant->id().c_str());
      return 2;
    }
  } else {
    std::string text;
    if (plan_file == "-") {
      text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
      std::ifstream in(plan_file);
      if (!in) {
        std::fprintf(stderr, "replay: cannot read '%s'\n", plan_file.c_str());
        return 2;
      }
      std::ostringstream s;
      s << in.rdbuf();
      text = s.str();
    }
    auto parsed = plan::parse_plan(text);
    if (!parsed) {
      std::fprintf(stderr, "replay: %s\n", parsed.error().describe().c_str());
      return 2;
    }
    trial.id = "plan";
    trial.label = "plan from " + plan_file;
    trial.family = "point";
    trial.plan = std::move(*parsed);
  }
  std::printf("%s", plan::describe(trial.plan).c_str());
  unsigned unexpected = 0, unreached = 0;
  for (unsigned run = 1; run <= times; ++run) {
    const TrialResult r = run_plan(*variant, trial.plan);
    // A crash state this interleaving did not reach is no run at all: said, not judged.
    const bool skipped = r.verdict.kind == VerdictKind::not_reached;
    const bool ok = skipped || expected(*variant, trial, r.verdict);
    unexpected += ok ? 0 : 1;
    unreached += skipped ? 1 : 0;
    std::printf("run %u/%u: %s%s (%lld ms): %s\n", run, times, to_string(r.verdict.kind), ok ? "" : " (UNEXPECTED)",
                static_cast<long long>(r.wall.count()), r.verdict.summary.c_str());
    if (!ok) std::printf("%s", r.verdict.detail.c_str());
    // The page shows the last run, or the first one that ended other than expected.
    if (!html.empty() && (run == times || !ok)) {
      if (auto written = write_timeline(*variant, trial, r, options, html)) std::printf("timeline: %s\n", written->c_str());
      else std::fprintf(stderr, "replay: timeline not written: %s\n", written.error().describe().c_str());
      html.clear();
    }
  }
  std::printf("%u of %u runs as %s expects", times - unexpected - unreached, times, variant->id().c_str());
  if (unreached != 0) std::printf(", %u did not reach the crash state", unreached);
  std::printf("\n");
  return unexpected == 0 ? 0 : 1;
}

}  // namespace shmc::campaign
