// What the verdict says about each operation of a timeline document: in the
// linearizable prefix (which step, model state before and after), highlighted,
// in the failing window, in a partition that passed. The static SVG and the
// page's script read the document the same way (docs/timeline.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace shmc::harness {

struct OpMark {
  bool linearised = false;
  std::size_t step = 0;  // 1-based position in its section's prefix
  std::string before, after;
  bool highlighted = false;
  bool in_window = false;
  bool faded = false;  // a partition that no section is about
};

struct Marks {
  std::vector<OpMark> ops;  // by operation id
  std::string headline;     // "value popped twice" / "not linearizable in key 3" / ""
  std::size_t prefix = 0;   // steps of the first section
};

// Throws nlohmann::json::exception for a document with fields of the wrong type.
Marks read_marks(const nlohmann::json& doc);

}  // namespace shmc::harness
