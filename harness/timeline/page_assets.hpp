// The inline style and script of the timeline page (no network: no external
// fonts, scripts or styles). The script draws the page from the embedded JSON
// and only ever inserts text as text (textContent), never as markup.
#pragma once

namespace shmc::harness {

extern const char* const kTimelineStyle;
extern const char* const kTimelineScript;

}  // namespace shmc::harness
