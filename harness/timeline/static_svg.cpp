#include "harness/timeline/static_svg.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "harness/timeline/text.hpp"

namespace shmc::harness {

using nlohmann::json;

namespace {

constexpr double kLabel = 190, kLaneH = 42, kBarH = 16, kRightPad = 320;
// Wide enough to scroll through, narrow enough that a 10 000-operation history stays one picture.
constexpr double kMaxWidth = 40000, kMinWidth = 1000, kMinStep = 3, kMaxStep = 30, kShortMaxStep = 110;

std::string num(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", v);
  return b;
}

std::string str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Time is drawn by rank: every distinct instant one step, so long idle gaps take no room.
struct Axis {
  std::vector<std::uint64_t> times;
  double step = kMaxStep;
  double x(std::uint64_t t) const {
    const auto r = std::lower_bound(times.begin(), times.end(), t) - times.begin();
    return kLabel + (static_cast<double>(r) + 0.5) * step;
  }
  double end() const { return kLabel + (static_cast<double>(times.size()) + 1.5) * step; }
};

Axis make_axis(const json& doc) {
  Axis a;
  for (const json& op : doc.at("operations")) {
    a.times.push_back(op.at("invoke").get<std::uint64_t>());
    if (op.at("ret").is_number()) a.times.push_back(op.at("ret").get<std::uint64_t>());
  }
  for (const json& e : doc.at("events")) a.times.push_back(e.at("time").get<std::uint64_t>());
  for (const json& actor : doc.at("actors"))
    if (actor.at("crash").is_object() && actor.at("crash").at("time").is_number())
      a.times.push_back(actor.at("crash").at("time").get<std::uint64_t>());
  std::sort(a.times.begin(), a.times.end());
  a.times.erase(std::unique(a.times.begin(), a.times.end()), a.times.end());
  if (!a.times.empty()) {
    const double n = static_cast<double>(a.times.size()) + 2;
    a.step = std::clamp(kMaxWidth / n, kMinStep, kMaxStep);
    a.step = std::max(a.step, std::min(kShortMaxStep, kMinWidth / n));  // a short history fills the width
  }
  return a;
}

std::string text(double x, double y, const std::string& cls, const std::string& body) {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" class=\"" + cls + "\">" + xml_escape(body) + "</text>";
}

// What of a label fits in a bar of `width` pixels ("" when nothing useful does).
std::string fit(const std::string& label, double width) {
  const auto n = static_cast<std::size_t>(std::max(0.0, (width - 6) / 6.2));
  if (n >= label.size()) return label;
  if (n < 4) return {};
  std::size_t end = n - 1;
  while (end > 0 && (static_cast<unsigned char>(label[end]) & 0xC0) == 0x80) --end;
  return label.substr(0, end) + "…";
}

std::string op_class(const json& op, const OpMark& m) {
  std::string c = "op";
  if (op.at("pending").get<bool>()) c += " pending";
  if (m.linearised) c += " lin";
  if (m.in_window) c += " win";
  if (m.highlighted) c += " hl";
  if (m.faded) c += " faded";
  return c;
}

std::string op_title(const json& op, const std::string& actor, const OpMark& m) {
  std::string t = actor + ": " + str(op, "call") + " → " + (op.at("pending").get<bool>() ? "pending (never returned)" : str(op, "result"));
  t += "\nop " + std::to_string(op.at("id").get<std::uint64_t>()) + ", t=[" + std::to_string(op.at("invoke").get<std::uint64_t>()) +
       ", " + (op.at("ret").is_number() ? std::to_string(op.at("ret").get<std::uint64_t>()) : std::string("…")) + "]";
  if (m.linearised) t += "\nstep " + std::to_string(m.step) + " of the linearizable prefix\nbefore: " + m.before + "\nafter: " + m.after;
  if (m.highlighted) t += "\ncannot be linearized";
  return t;
}

}  // namespace

std::string static_svg(const json& doc, const Marks& marks) {
  const Axis axis = make_axis(doc);
  const json& actors = doc.at("actors");
  const json& ops = doc.at("operations");
  const json& sections = doc.at("check").at("sections");
  const double banner = 74, top = banner + 18;
  const double width = axis.end() + kRightPad;
  const double height = top + kLaneH * static_cast<double>(actors.size()) + 16;
  auto lane_y = [&](std::int64_t a) { return top + kLaneH * static_cast<double>(a); };

  std::string out;
  out.reserve(256 + ops.size() * 260);
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"static-lanes\" class=\"timeline-svg\" width=\"" + num(width) +
         "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) + "\">";
  // The verdict on top.
  const json& verdict = doc.at("verdict");
  out += "<g class=\"verdict\">" + text(8, 20, "verdict-kind", "verdict: " + str(verdict, "kind") + " — " + str(verdict, "summary"));
  if (!sections.empty()) {
    const json& s = sections[0];
    std::string line = marks.headline;
    if (!str(s, "explanation").empty()) line += ": " + str(s, "explanation");
    out += text(8, 40, "verdict-pattern", line);
    out += text(8, 58, "verdict-prefix",
                "longest linearizable prefix: " + std::to_string(marks.prefix) + " operations (" + str(s, "partition_label") +
                    "), green; cannot be linearized: red; failing window: shaded");
  } else if (doc.at("check").at("ran").get<bool>()) {
    out += text(8, 40, "verdict-pattern", "linearizability: " + str(doc.at("check"), "verdict"));
  }
  out += "</g>";
  // One lane per actor, bars from invoke to return; a pending bar runs to the end of the history.
  std::vector<std::vector<std::size_t>> by_actor(actors.size());
  for (std::size_t i = 0; i < ops.size(); ++i) {
    const auto a = ops[i].at("actor").get<std::size_t>();
    if (a < by_actor.size()) by_actor[a].push_back(i);
  }
  for (std::size_t a = 0; a < actors.size(); ++a) {
    const json& actor = actors[a];
    const double y = lane_y(static_cast<std::int64_t>(a));
    const std::string name = str(actor, "name");
    out += "<g class=\"lane\" data-actor=\"" + std::to_string(a) + "\"><rect class=\"lane-bg\" x=\"0\" y=\"" + num(y) +
           "\" width=\"" + num(width) + "\" height=\"" + num(kLaneH) + "\"/>";
    out += text(6, y + 16, "lane-name", name + (str(actor, "role").empty() ? "" : " (" + str(actor, "role") + ")"));
    out += text(6, y + 32, "lane-end", str(actor, "end"));
    double last_x = kLabel, pending_x = -1;
    for (std::size_t i : by_actor[a]) {
      const json& op = ops[i];
      const OpMark& m = marks.ops[i];
      const double x0 = axis.x(op.at("invoke").get<std::uint64_t>()) - axis.step * 0.4;
      const bool pending = op.at("pending").get<bool>();
      const double x1 = pending ? axis.end() : axis.x(op.at("ret").get<std::uint64_t>()) + axis.step * 0.4;
      if (pending) pending_x = x0;
      last_x = std::max(last_x, x1);
      const std::string label = str(op, "call") + (pending ? " …" : " → " + str(op, "result"));
      out += "<g class=\"" + op_class(op, m) + "\" data-op=\"" + std::to_string(i) + "\"><title>" +
             xml_escape(op_title(op, name, m)) + "</title><rect x=\"" + num(x0) + "\" y=\"" + num(y + 15) + "\" width=\"" +
             num(std::max(x1 - x0, 1.5)) + "\" height=\"" + num(kBarH) + "\"/>";
      if (const std::string shown = fit(label, x1 - x0); !shown.empty()) out += text(x0 + 3, y + 27, "op-label", shown);
      out += "</g>";
    }
    for (const json& e : doc.at("events")) {
      if (e.at("actor").get<std::size_t>() != a) continue;
      const double x = axis.x(e.at("time").get<std::uint64_t>());
      out += "<g class=\"event\"><title>" + xml_escape(str(e, "text")) + "</title><path d=\"M" + num(x) + " " + num(y + 15) +
             " l8 8 l-8 8 l-8 -8 z\"/>" + text(x + 9, y + 11, "event-label", str(e, "text")) + "</g>";
    }
    if (actor.at("crash").is_object() && actor.value("died", false)) {
      const json& c = actor.at("crash");
      const double x = c.at("time").is_number() ? axis.x(c.at("time").get<std::uint64_t>())
                       : pending_x >= 0       ? pending_x + axis.step * 0.4
                                              : last_x + axis.step * 0.5;
      out += "<g class=\"crash-mark\" data-actor=\"" + std::to_string(a) + "\"><title>" + xml_escape(str(c, "text")) +
             "</title><path d=\"M" + num(x - 7) + " " + num(y + 16) + " l14 14 m0 -14 l-14 14\"/>" +
             text(x + 9, y + 11, "crash-label", "✕ " + str(c, "text")) + "</g>";
    }
    if (actor.value("stuck", false))
      out += "<g class=\"stuck-note\" data-actor=\"" + std::to_string(a) + "\">" +
             text(last_x + 8, y + 27, "stuck-label", "stuck: " + (str(actor, "last_doing").empty() ? str(actor, "end") : str(actor, "last_doing"))) +
             "</g>";
    out += "</g>";
  }
  // Over the lanes, translucent, so the bars show through.
  for (const json& s : sections) {
    const double x0 = axis.x(s.at("window_begin").get<std::uint64_t>()) - axis.step / 2;
    const double x1 = axis.x(s.at("window_end").get<std::uint64_t>()) + axis.step / 2;
    out += "<rect class=\"window\" x=\"" + num(x0) + "\" y=\"" + num(top - 6) + "\" width=\"" + num(std::max(x1 - x0, 2.0)) +
           "\" height=\"" + num(height - top) + "\"/>";
  }
  out += "</svg>";
  return out;
}

}  // namespace shmc::harness
