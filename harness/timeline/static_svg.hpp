// The picture of a timeline document that needs no JavaScript: lanes, bars,
// crashes, events, stuck survivors and the verdict banner, as one inline SVG.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "harness/timeline/marks.hpp"

namespace shmc::harness {

std::string static_svg(const nlohmann::json& doc, const Marks& marks);

}  // namespace shmc::harness
