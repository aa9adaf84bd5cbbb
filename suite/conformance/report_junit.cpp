#include "suite/conformance/report_junit.hpp"

#include <cstdio>
#include <sstream>

namespace shmc::conformance {

void Counts::add(Verdict v) {
  switch (v) {
    case Verdict::pass: ++pass; return;
    case Verdict::fail: ++fail; return;
    case Verdict::finding: ++finding; return;
    case Verdict::unsupported: ++unsupported; return;
    case Verdict::untested: ++untested; return;
  }
}

int Counts::of(Verdict v) const {
  switch (v) {
    case Verdict::pass: return pass;
    case Verdict::fail: return fail;
    case Verdict::finding: return finding;
    case Verdict::unsupported: return unsupported;
    case Verdict::untested: return untested;
  }
  return 0;
}

std::string counts_text(const Counts& c) {
  return std::to_string(c.pass) + " PASS, " + std::to_string(c.fail) + " FAIL, " + std::to_string(c.finding) +
         " FINDING, " + std::to_string(c.unsupported) + " UNSUPPORTED, " + std::to_string(c.untested) + " UNTESTED";
}

std::vector<std::pair<std::string, Counts>> section_counts(const std::vector<ReportRow>& rows) {
  std::vector<std::pair<std::string, Counts>> out;
  for (const auto& r : rows) {
    auto it = out.begin();
    while (it != out.end() && it->first != r.check->section) ++it;
    if (it == out.end()) it = out.insert(out.end(), {r.check->section, Counts{}});
    it->second.add(r.outcome.verdict);
  }
  return out;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 has no representation for most control characters.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') out += c;
    }
  }
  return out;
}

namespace {
std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", s);
  return buf;
}
}  // namespace

void write_junit(std::ostream& out, const std::vector<ReportRow>& rows, double total_seconds,
                 const std::string& platform, const std::string& timestamp) {
  Counts all;
  for (const auto& r : rows) all.add(r.outcome.verdict);
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out << "<testsuites name=\"shmconform report\" tests=\"" << all.total() << "\" failures=\"" << all.fail
      << "\" errors=\"0\" skipped=\"" << all.unsupported + all.untested << "\" time=\"" << seconds_text(total_seconds)
      << "\" timestamp=\"" << xml_escape(timestamp) << "\">\n";
  for (const auto& [section, counts] : section_counts(rows)) {
    double time = 0;
    for (const auto& r : rows)
      if (r.check->section == section) time += r.seconds;
    out << "  <testsuite name=\"" << xml_escape(section) << "\" tests=\"" << counts.total() << "\" failures=\""
        << counts.fail << "\" errors=\"0\" skipped=\"" << counts.unsupported + counts.untested << "\" time=\""
        << seconds_text(time) << "\" timestamp=\"" << xml_escape(timestamp) << "\">\n";
    out << "    <properties>\n      <property name=\"platform\" value=\"" << xml_escape(platform)
        << "\"/>\n      <property name=\"tool\" value=\"shmconform " << tool_version() << " " << tool_commit()
        << "\"/>\n    </properties>\n";
    for (const auto& r : rows) {
      if (r.check->section != section) continue;
      const Outcome& o = r.outcome;
      out << "    <testcase classname=\"shmconform." << xml_escape(section) << "\" name=\"" << xml_escape(r.check->id)
          << "\" time=\"" << seconds_text(r.seconds) << "\">\n";
      out << "      <properties>\n        <property name=\"statement\" value=\"" << xml_escape(r.check->statement)
          << "\"/>\n        <property name=\"verdict\" value=\"" << to_string(o.verdict) << "\"/>\n";
      if (!r.check->refs.ltp.empty())
        out << "        <property name=\"ltp\" value=\"" << xml_escape(r.check->refs.ltp) << "\"/>\n";
      if (!r.check->refs.posix.empty())
        out << "        <property name=\"posix\" value=\"" << xml_escape(r.check->refs.posix) << "\"/>\n";
      out << "      </properties>\n";
      switch (o.verdict) {
        case Verdict::fail:
          out << "      <failure message=\"" << xml_escape(o.reason) << "\" type=\"FAIL\">" << xml_escape(o.reason)
              << "</failure>\n";
          break;
        case Verdict::unsupported:
        case Verdict::untested:
          out << "      <skipped message=\"" << to_string(o.verdict) << ": " << xml_escape(o.reason) << "\"/>\n";
          break;
        case Verdict::finding:
          out << "      <system-out>FINDING: " << xml_escape(o.reason) << "</system-out>\n";
          break;
        case Verdict::pass:
          if (!o.reason.empty()) out << "      <system-out>" << xml_escape(o.reason) << "</system-out>\n";
          break;
      }
      out << "    </testcase>\n";
    }
    out << "  </testsuite>\n";
  }
  out << "</testsuites>\n";
}

}  // namespace shmc::conformance
