// write_timeline(): the page and its JSON, each written whole (temporary file,
// then rename) so a reader never finds half a page.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include "harness/timeline/text.hpp"
#include "shmconform/harness/timeline.hpp"

namespace shmc::harness {

namespace {

Result<void> write_whole(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return make_error(Errc::syscall_failed, "timeline: cannot create " + tmp, errno);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return make_error(Errc::syscall_failed, "timeline: cannot write " + tmp, errno);
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::remove(tmp.c_str());
    return make_error(Errc::syscall_failed, "timeline: cannot rename " + tmp + " to " + path + ": " + ec.message());
  }
  return {};
}

}  // namespace

std::string timeline_json_path(const std::string& html_path) {
  const std::string ext = ".html";
  if (html_path.size() > ext.size() && html_path.compare(html_path.size() - ext.size(), ext.size(), ext) == 0)
    return html_path.substr(0, html_path.size() - ext.size()) + ".json";
  return html_path + ".json";
}

Result<void> write_timeline(const std::string& html_path, const nlohmann::json& doc) {
  if (html_path.empty()) return make_error(Errc::invalid_argument, "timeline: empty path");
  std::string page;
  try {
    page = render_timeline_html(doc);
  } catch (const std::invalid_argument& e) {
    return make_error(Errc::invalid_argument, e.what());
  }
  const std::filesystem::path dir = std::filesystem::path(html_path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return make_error(Errc::syscall_failed, "timeline: cannot create directory " + dir.string() + ": " + ec.message());
  }
  if (auto r = write_whole(timeline_json_path(html_path), plain_json(doc) + "\n"); !r) return r;
  return write_whole(html_path, page);
}

}  // namespace shmc::harness
