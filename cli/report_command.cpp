// `shmconform report`: every registered check, one row each, then a summary.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "cli/commands.hpp"
#include "suite/conformance/check_registry.hpp"

namespace shmc::cli {

namespace {

struct Row {
  const conformance::Check* check;
  conformance::Outcome outcome;
  double seconds;
};

void print_table(const std::vector<Row>& rows) {
  int width = 0;
  for (const auto& r : rows) width = std::max(width, static_cast<int>(r.check->id.size()));
  std::string section;
  for (const auto& r : rows) {
    if (r.check->section != section) {
      section = r.check->section;
      std::printf("\n== %s\n", section.c_str());
    }
    std::printf("%-*s %-11s %s\n", width, r.check->id.c_str(), conformance::to_string(r.outcome.verdict),
                r.check->statement.c_str());
    if (!r.outcome.reason.empty()) std::printf("%-*s %-11s   -> %s\n", width, "", "", r.outcome.reason.c_str());
  }
}

}  // namespace

int report_command(const Args& args) {
  std::string json_path, only;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json" && i + 1 < args.size()) json_path = args[++i];
    else if (args[i] == "--only" && i + 1 < args.size()) only = args[++i];
    else throw std::invalid_argument("unknown report option '" + args[i] + "' (see shmconform help)");
  }
  const auto& checks = conformance::registry();
  if (checks.empty()) throw std::runtime_error("this build has no checks linked in");

  std::vector<Row> rows;
  std::map<conformance::Verdict, int> counts;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& c : checks) {
    if (!only.empty() && c.id.rfind(only, 0) != 0) continue;
    auto t0 = std::chrono::steady_clock::now();
    Row row{&c, conformance::run_check(c), 0};
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // A check must clean up after itself; the report says so if one did not.
    auto left = harness::leftovers_with_prefix(harness::run_prefix());
    if (!left.empty()) {
      harness::remove_entries(left);
      if (row.outcome.verdict == conformance::Verdict::pass)
        row.outcome = conformance::fail("check left objects in /dev/shm: " + harness::join(left));
    }
    counts[row.outcome.verdict]++;
    rows.push_back(std::move(row));
  }
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const std::string platform = platform_summary();
  char summary[256];
  std::snprintf(summary, sizeof summary, "%zu checks: %d PASS, %d FAIL, %d UNSUPPORTED, %d UNTESTED (%.1f s)",
                rows.size(), counts[conformance::Verdict::pass], counts[conformance::Verdict::fail],
                counts[conformance::Verdict::unsupported], counts[conformance::Verdict::untested], total);

  if (json_path != "-") {
    std::printf("shmconform report: %s\n", platform.c_str());
    print_table(rows);
    std::printf("\nsummary: %s\n", summary);
  }
  if (!json_path.empty()) {
    nlohmann::json j;
    j["platform"] = platform;
    j["summary"] = summary;
    j["counts"] = {{"pass", counts[conformance::Verdict::pass]},
                   {"fail", counts[conformance::Verdict::fail]},
                   {"unsupported", counts[conformance::Verdict::unsupported]},
                   {"untested", counts[conformance::Verdict::untested]}};
    for (const auto& r : rows)
      j["checks"].push_back({{"id", r.check->id},
                             {"section", r.check->section},
                             {"statement", r.check->statement},
                             {"verdict", conformance::to_string(r.outcome.verdict)},
                             {"reason", r.outcome.reason},
                             {"seconds", r.seconds}});
    if (json_path == "-") {
      std::cout << j.dump(2) << "\n";
    } else {
      std::ofstream out(json_path);
      out << j.dump(2) << "\n";
      if (!out) throw std::runtime_error("cannot write " + json_path);
    }
  }
  return counts[conformance::Verdict::fail] > 0 ? 1 : 0;
}

}  // namespace shmc::cli
