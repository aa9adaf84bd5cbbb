// render_timeline_html(): the page. The header and a static SVG (in <noscript>)
// are written here from the document; the inline script draws the interactive
// lanes and the sections from the same document, embedded as JSON.
#include <stdexcept>

#include "harness/timeline/marks.hpp"
#include "harness/timeline/page_assets.hpp"
#include "harness/timeline/static_svg.hpp"
#include "harness/timeline/text.hpp"
#include "shmconform/harness/timeline.hpp"

namespace shmc::harness {

using nlohmann::json;

namespace {

std::string field(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string header(const json& doc, const Marks& marks) {
  const json& verdict = doc.at("verdict");
  const bool ok = field(verdict, "kind") == "ok";
  std::string h = std::string("<header id=\"verdict\"") + (ok ? " class=\"ok\"" : "") + "><h1>" + xml_escape(field(doc, "title")) + "</h1>";
  h += "<div><span class=\"kind\" id=\"verdict-kind\">" + xml_escape(field(verdict, "kind")) + "</span> — " +
       xml_escape(field(verdict, "summary")) + "</div>";
  const json& sections = doc.at("check").at("sections");
  if (!sections.empty()) {
    h += "<div id=\"verdict-pattern\"><span class=\"pattern\">" + xml_escape(marks.headline) + "</span>";
    if (!field(sections[0], "explanation").empty()) h += ": " + xml_escape(field(sections[0], "explanation"));
    h += "</div><div>longest linearizable prefix: " + std::to_string(marks.prefix) + " operations</div>";
  }
  if (!field(doc, "replay").empty()) h += "<div>replay: <code id=\"replay\">" + xml_escape(field(doc, "replay")) + "</code></div>";
  return h + "</header>";
}

}  // namespace

std::string render_timeline_html(const json& doc) {
  if (!doc.is_object() || field(doc, "schema") != kTimelineSchema)
    throw std::invalid_argument(std::string("timeline: not a ") + kTimelineSchema + " document");
  try {
    const Marks marks = read_marks(doc);
    std::string page;
    const std::string svg = static_svg(doc, marks);
    const std::string data = script_json(doc);
    page.reserve(svg.size() + data.size() + 40000);
    page += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            // Nothing may come from the network: no fetches, no external anything.
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
            "script-src 'unsafe-inline'; img-src data:\">"
            "<title>";
    page += xml_escape(field(doc, "title")) + " — shmconform timeline</title><style>" + kTimelineStyle + "</style></head><body>\n";
    page += header(doc, marks) + "\n<noscript><main><p class=\"static-note\">JavaScript is off: a static picture of the lanes "
                                 "and the verdict (hover an operation for its details and model states).</p>"
                                 "<div class=\"static-wrap\">" + svg + "</div></main></noscript>\n";
    page += "<main id=\"app\"></main><div id=\"timeline-status\" hidden></div>\n";
    page += "<script type=\"application/json\" id=\"timeline-data\">" + data + "</script>\n";
    page += std::string("<script>") + kTimelineScript + "</script>\n</body></html>\n";
    return page;
  } catch (const json::exception& e) {
    throw std::invalid_argument(std::string("timeline: malformed document: ") + e.what());
  }
}

}  // namespace shmc::harness
