// `shmconform campaign SUBJECT[:VARIANT] [--long] [--seed S] [--only TEXT] [--json FILE|-] [--list]`
#include <unistd.h>

#include <array>
#include <filesystem>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "shmconform/campaign/campaign.hpp"

namespace shmc::campaign {

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: shmconform campaign SUBJECT[:VARIANT] [--long] [--seed S] [--only TEXT] [--json FILE|-] [--html-dir DIR]\n"
               "                           [--list]\n"
               "       shmconform campaign --list\n");
  return 2;
}

struct FamilyTotals {
  std::size_t trials = 0, fired = 0, unexpected = 0, unsupported = 0;
  std::array<std::size_t, kVerdictKinds> verdicts{};
  std::chrono::milliseconds wall{0};
};

}  // namespace

int campaign_main(int argc, char** argv) {
  std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
  if (args.size() == 1 && args[0] == "--list") {
    for (const SubjectVariant* v : subjects()) std::printf("%-32s %s\n", v->id().c_str(), v->description.c_str());
    return 0;
  }
  if (args.empty() || args[0].starts_with("--")) return usage();
  const SubjectVariant* variant = find_subject(args[0]);
  if (variant == nullptr) {
    std::fprintf(stderr, "campaign: no subject '%s' (see `shmconform campaign --list`)\n", args[0].c_str());
    return 2;
  }
  bool long_run = false, list = false;
  std::string only, json_file, html_dir;
  std::optional<std::uint64_t> seed;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const bool has_value = i + 1 < args.size();
    try {
      if (args[i] == "--long") long_run = true;
      else if (args[i] == "--list") list = true;
      else if (args[i] == "--seed" && has_value) seed = std::stoull(args[++i], nullptr, 0);
      else if (args[i] == "--only" && has_value) only = args[++i];
      else if (args[i] == "--json" && has_value) json_file = args[++i];
      else if (args[i] == "--html-dir" && has_value) html_dir = args[++i];
      else return usage();
    } catch (const std::exception&) {
      return usage();
    }
  }
  CampaignOptions options = (long_run ? CampaignOptions::long_run() : CampaignOptions::standard()).with_environment();
  if (seed) options.seed = *seed;
  std::vector<TrialSpec> trials;
  for (auto& t : plan_trials(*variant, options))
    if (only.empty() || t.label.find(only) != std::string::npos || t.id.find(only) != std::string::npos)
      trials.push_back(std::move(t));
  if (list) {
    for (const auto& t : trials) std::printf("%-48s %s\n", t.id.c_str(), t.label.c_str());
    return 0;
  }
  if (trials.empty()) {
    std::fprintf(stderr, "campaign: %s has no trials%s\n", variant->id().c_str(),
                 only.empty() ? "" : (" matching '" + only + "'").c_str());
    return 2;
  }
  const bool terminal = ::isatty(STDOUT_FILENO) == 1 && json_file != "-";
  std::FILE* text = json_file == "-" ? stderr : stdout;
  std::fprintf(text, "campaign %s: %zu trials (hits 1..%u, %u random kills, seed %#llx)\n", variant->id().c_str(),
               trials.size(), options.hits, options.random_kills, static_cast<unsigned long long>(options.seed));
  for (const auto& c : store_coverage(*variant, options)) std::fprintf(text, "  stores: %s\n", c.describe().c_str());
  std::map<std::string, FamilyTotals> totals;
  nlohmann::json results = nlohmann::json::array();
  const auto t0 = std::chrono::steady_clock::now();
  std::size_t unexpected = 0, k = 0;
  std::set<std::string> reported;  // families and store operations whose first finding was printed
  for (const auto& trial : trials) {
    ++k;
    if (terminal) {
      std::printf("\r\033[K[%zu/%zu] %s", k, trials.size(), trial.label.c_str());
      std::fflush(stdout);
    }
    if (auto why = unsupported(trial)) {  // never a pass: counted and printed as such
      ++totals[trial.family].unsupported;
      if (terminal) std::printf("\r\033[K");
      std::fprintf(text, "UNSUPPORTED %s: %s\n", trial.label.c_str(), why->c_str());
      results.push_back({{"id", trial.id}, {"label", trial.label}, {"family", trial.family}, {"verdict", "unsupported"},
                         {"expected", true}, {"summary", *why}});
      continue;
    }
    const TrialResult r = run_plan(*variant, trial.plan);
    // A crash state the interleaving never reached is neither expected nor unexpected: printed, counted.
    const bool unreached = r.verdict.kind == VerdictKind::not_reached;
    const bool ok = unreached || expected(*variant, trial, r.verdict);
    if (unreached) {
      if (terminal) std::printf("\r\033[K");
      std::fprintf(text, "NOT REACHED %s: %s\n", trial.label.c_str(), r.verdict.summary.c_str());
    }
    FamilyTotals& f = totals[trial.family];
    ++f.trials;
    f.fired += r.fired ? 1 : 0;
    ++f.verdicts[static_cast<std::size_t>(r.verdict.kind)];
    f.wall += r.wall;
    if (ok && !unreached && r.verdict.kind != VerdictKind::ok) {
      // An expected finding (a planted bug, a structure declared not crash-safe): the first one of each
      // family, and of each operation a store trial crashed, is the minimal crash state that shows it.
      const std::string key = trial.family == "store" ? trial.id.substr(0, trial.id.rfind("_before")) : trial.family;
      if (reported.insert(key).second) {
        if (terminal) std::printf("\r\033[K");
        const auto at = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        std::fprintf(text, "FINDING after %.1f s: %s: %s: %s\n  replay: %s\n", at, trial.label.c_str(),
                     to_string(r.verdict.kind), r.verdict.summary.c_str(), replay_line(*variant, trial, options).c_str());
      }
    }
    if (!ok) {
      ++f.unexpected;
      ++unexpected;
      if (terminal) std::printf("\r\033[K");
      std::fprintf(text, "UNEXPECTED %s", failure_report(*variant, trial, r, options).c_str());
    }
    if (!html_dir.empty() && !r.verdict.ok()) {  // a page for every finding, expected or not
      std::error_code ec;
      std::filesystem::create_directories(html_dir, ec);
      const auto page = (std::filesystem::path(html_dir) / (trial.id + ".html")).string();
      if (auto w = write_timeline(*variant, trial, r, options, page)) std::fprintf(text, "timeline: %s\n", w->c_str());
      else std::fprintf(text, "timeline not written: %s\n", w.error().describe().c_str());
    }
    results.push_back({{"id", trial.id},
                       {"label", trial.label},
                       {"family", trial.family},
                       {"verdict", to_string(r.verdict.kind)},
                       {"expected", ok},
                       {"summary", r.verdict.summary},
                       {"fired", r.fired},
                       {"wall_ms", r.wall.count()},
                       {"replay", replay_line(*variant, trial, options)}});
  }
  if (terminal) std::printf("\r\033[K");
  const auto wall = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  nlohmann::json summary = nlohmann::json::object();
  for (const auto& [family, f] : totals) {
    std::string verdicts;
    nlohmann::json counts = nlohmann::json::object();
    for (std::size_t v = 0; v < kVerdictKinds; ++v) {
      if (f.verdicts[v] == 0) continue;
      verdicts += " " + std::string(to_string(static_cast<VerdictKind>(v))) + " " + std::to_string(f.verdicts[v]);
      counts[to_string(static_cast<VerdictKind>(v))] = f.verdicts[v];
    }
    if (f.unsupported != 0) verdicts += " UNSUPPORTED " + std::to_string(f.unsupported);
    std::fprintf(text, "  %-12s %4zu trials, %4zu fired,%s; %zu unexpected; %.1f s\n", family.c_str(), f.trials, f.fired,
                 verdicts.c_str(), f.unexpected, static_cast<double>(f.wall.count()) / 1000.0);
    summary[family] = {{"trials", f.trials},
                       {"fired", f.fired},
                       {"verdicts", counts},
                       {"unexpected", f.unexpected},
                       {"unsupported", f.unsupported},
                       {"wall_ms", f.wall.count()}};
  }
  std::fprintf(text, "campaign %s: %zu trials, %zu unexpected, %.1f s\n", variant->id().c_str(), trials.size(),
               unexpected, static_cast<double>(wall.count()) / 1000.0);
  if (!json_file.empty()) {
    const nlohmann::json doc = {{"schema", "shmconform-campaign/1"},
                                {"subject", variant->subject},
                                {"variant", variant->variant},
                                {"seed", options.seed},
                                {"long", long_run},
                                {"trials", results},
                                {"summary", summary},
                                {"unexpected", unexpected},
                                {"wall_ms", wall.count()}};
    if (json_file == "-") {
      std::cout << doc.dump(2) << "\n";
    } else {
      std::ofstream out(json_file);
      out << doc.dump(2) << "\n";
      if (!out) {
        std::fprintf(stderr, "campaign: cannot write '%s'\n", json_file.c_str());
        return 2;
      }
    }
  }
  return unexpected == 0 ? 0 : 1;
}

}  // namespace shmc::campaign
