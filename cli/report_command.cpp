// `shmconform report`: every registered check, one row each, grouped by
// section, then per-section counts and a summary; optionally JSON and JUnit.
// Exits 1 if any row FAILs (a FINDING is a hazard reproduced, not a failure).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "shmconform/harness/leak_guard.hpp"
#include "shmconform/harness/run_names.hpp"
#include "cli/commands.hpp"
#include "suite/conformance/check_registry.hpp"
#include "suite/conformance/check_support.hpp"
#include "suite/conformance/report_junit.hpp"

namespace shmc::cli {

namespace {

using conformance::Counts;
using conformance::ReportRow;
using conformance::Verdict;

// Bumped when a field changes meaning or goes away; new fields keep the version.
constexpr int kJsonSchemaVersion = 2;

struct Options {
  std::string json_path, junit_path, only;
  std::vector<std::string> skip;  // id prefixes left out (a section being repaired, a slow area)
};

Options parse(const Args& args) {
  Options o;
  for (std::size_t i = 0; i < args.size(); ++i) {
    auto value = [&](const char* what) -> std::string {
      if (i + 1 >= args.size()) throw std::invalid_argument(std::string(what) + " needs a value (see shmconform help)");
      return args[++i];
    };
    if (args[i] == "--json") o.json_path = value("--json");
    else if (args[i] == "--junit") o.junit_path = value("--junit");
    else if (args[i] == "--only") o.only = value("--only");
    else if (args[i] == "--skip") o.skip.push_back(value("--skip"));
    else throw std::invalid_argument("unknown report option '" + args[i] + "' (see shmconform help)");
  }
  if (o.junit_path == "-" && o.json_path == "-")
    throw std::invalid_argument("--json - and --junit - cannot both write to standard output");
  return o;
}

std::string utc_timestamp() {
  const std::time_t t = std::time(nullptr);
  struct std::tm tm {};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string identity_line(const PlatformInfo& p) {
  std::string s = "running as uid " + std::to_string(p.uid) + (p.user.empty() ? "" : " (" + p.user + ")");
  if (p.euid != p.uid) s += ", euid " + std::to_string(p.euid);
  if (auto other = conformance::support::other_user())
    s += "; other-user checks run as uid " + std::to_string(other->uid) + " (" + other->name + ") in a child";
  else
    s += "; other-user checks are UNSUPPORTED: " + conformance::support::other_user_unavailable_reason();
  return s;
}

void print_table(const std::vector<ReportRow>& rows) {
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
    if (!r.check->refs.ltp.empty() || !r.check->refs.posix.empty())
      std::printf("%-*s %-11s   [%s%s%s]\n", width, "", "", r.check->refs.ltp.empty() ? "" : ("ltp: " + r.check->refs.ltp).c_str(),
                  !r.check->refs.ltp.empty() && !r.check->refs.posix.empty() ? "; " : "",
                  r.check->refs.posix.empty() ? "" : ("posix: " + r.check->refs.posix).c_str());
  }
}

nlohmann::json counts_json(const Counts& c) {
  return {{"pass", c.pass}, {"fail", c.fail}, {"finding", c.finding}, {"unsupported", c.unsupported},
          {"untested", c.untested}, {"total", c.total()}};
}

nlohmann::json platform_json(const PlatformInfo& p) {
  return {{"built_for", p.built_for},
          {"kernel", {{"name", p.kernel_name}, {"release", p.kernel_release}, {"machine", p.machine}}},
          {"libc", {{"name", p.libc_name}, {"version", p.libc_version}}},
          {"compiler", p.compiler},
          {"pointer_bits", p.pointer_bits},
          {"uid", p.uid},
          {"euid", p.euid},
          {"user", p.user},
          {"dev_shm", {{"fstype", p.dev_shm_fstype}, {"size_bytes", p.dev_shm_size}, {"free_bytes", p.dev_shm_free}}},
          {"cpus", p.cpus},
          {"fault_injection", p.fault_injection},
          {"sanitizer", p.sanitizer}};
}

nlohmann::json report_json(const std::vector<ReportRow>& rows, const Counts& counts, const PlatformInfo& p,
                           const std::string& summary, const std::string& timestamp, double seconds) {
  nlohmann::json j;
  j["schema"] = "shmconform-report";
  j["schema_version"] = kJsonSchemaVersion;
  j["tool"] = {{"name", "shmconform"}, {"version", conformance::tool_version()}, {"commit", conformance::tool_commit()}};
  j["timestamp"] = timestamp;
  j["seconds"] = seconds;
  j["platform"] = platform_json(p);
  j["platform_summary"] = platform_summary(p);
  j["summary"] = summary;
  j["counts"] = counts_json(counts);
  j["sections"] = nlohmann::json::array();
  for (const auto& [name, c] : conformance::section_counts(rows))
    j["sections"].push_back({{"name", name}, {"counts", counts_json(c)}});
  j["checks"] = nlohmann::json::array();
  for (const auto& r : rows)
    j["checks"].push_back({{"id", r.check->id},
                           {"section", r.check->section},
                           {"statement", r.check->statement},
                           {"verdict", conformance::to_string(r.outcome.verdict)},
                           {"reason", r.outcome.reason},
                           {"seconds", r.seconds},
                           {"ltp", conformance::split_words(r.check->refs.ltp)},
                           {"posix", r.check->refs.posix}});
  return j;
}

// Writes to a file, or to standard output for "-".
template <typename Write>
void emit(const std::string& path, Write write) {
  if (path == "-") {
    write(std::cout);
    std::cout.flush();
    return;
  }
  std::ofstream out(path);
  write(out);
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int report_command(const Args& args) {
  const Options opt = parse(args);
  const auto& checks = conformance::registry();
  if (checks.empty()) throw std::runtime_error("this build has no checks linked in");

  // Rows of one section together, sections in the order they first register.
  std::vector<const conformance::Check*> order;
  for (const auto& c : checks) order.push_back(&c);
  auto rank = [&](const conformance::Check* c) {
    return std::find_if(checks.begin(), checks.end(), [&](const auto& o) { return o.section == c->section; }) - checks.begin();
  };
  std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) { return rank(a) < rank(b); });

  const std::string timestamp = utc_timestamp();
  std::vector<ReportRow> rows;
  Counts counts;
  const auto start = std::chrono::steady_clock::now();
  for (const conformance::Check* check : order) {
    const conformance::Check& c = *check;
    if (!opt.only.empty() && c.id.rfind(opt.only, 0) != 0) continue;
    if (std::any_of(opt.skip.begin(), opt.skip.end(), [&](const std::string& p) { return c.id.rfind(p, 0) == 0; }))
      continue;
    auto t0 = std::chrono::steady_clock::now();
    ReportRow row{&c, conformance::run_check(c), 0};
    row.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    // A check must clean up after itself; the report says so if one did not.
    auto left = harness::leftovers_with_prefix(harness::run_prefix());
    if (!left.empty()) {
      harness::remove_entries(left);
      if (row.outcome.verdict != Verdict::fail)
        row.outcome = conformance::fail("check left objects in /dev/shm: " + harness::join(left));
    }
    counts.add(row.outcome.verdict);
    rows.push_back(std::move(row));
  }
  if (rows.empty()) throw std::invalid_argument("no check is left to run (--only '" + opt.only + "', --skip)");
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const PlatformInfo platform = platform_info();
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, " (%.1f s)", total);
  const std::string summary = std::to_string(rows.size()) + " checks: " + conformance::counts_text(counts) + seconds;

  if (opt.json_path != "-" && opt.junit_path != "-") {
    std::printf("shmconform report %s (%s): %s\n", conformance::tool_version(), conformance::tool_commit(),
                platform_summary(platform).c_str());
    std::printf("%s\n", identity_line(platform).c_str());
    print_table(rows);
    std::printf("\nsections:\n");
    for (const auto& [name, c] : conformance::section_counts(rows))
      std::printf("  %-24s %s\n", name.c_str(), conformance::counts_text(c).c_str());
    std::printf("\nsummary: %s\n", summary.c_str());
  }
  if (!opt.json_path.empty()) {
    const auto j = report_json(rows, counts, platform, summary, timestamp, total);
    emit(opt.json_path, [&](std::ostream& out) { out << j.dump(2) << "\n"; });
  }
  if (!opt.junit_path.empty())
    emit(opt.junit_path, [&](std::ostream& out) {
      conformance::write_junit(out, rows, total, platform_summary(platform), timestamp);
    });
  return counts.fail > 0 ? 1 : 0;
}

}  // namespace shmc::cli
