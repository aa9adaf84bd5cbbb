// Text helpers of the timeline: bounded strings and the escaping that keeps
// hostile descriptions (an operation "</script><svg onload=...>") out of markup.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace shmc::harness {

// s, or its first n bytes (never splitting a UTF-8 sequence) and how much was cut.
std::string cut(std::string_view s, std::size_t n);
// For HTML/SVG text and attribute values: & < > " ' become entities, NUL is dropped.
std::string xml_escape(std::string_view s);
// The document as JSON text that cannot end the <script> element it sits in:
// < > & are written as \u escapes (legal inside JSON strings, the only place they occur).
// Invalid UTF-8 is replaced, never thrown about.
std::string script_json(const nlohmann::json& doc);
// The plain JSON file beside the page (invalid UTF-8 replaced as above).
std::string plain_json(const nlohmann::json& doc);

}  // namespace shmc::harness
