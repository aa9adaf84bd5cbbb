#include "harness/timeline/page_assets.hpp"

namespace shmc::harness {

const char* const kTimelineStyle = R"CSS(
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2433; background: #fff; }
header { padding: 12px 18px; background: #fdf1f1; border-bottom: 2px solid #c62828; }
header.ok { background: #eef8ee; border-color: #2e7d32; }
h1 { font-size: 18px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 18px 0 6px; }
.kind { font-weight: 700; color: #b71c1c; }
header.ok .kind { color: #1b5e20; }
.pattern { font-weight: 700; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
pre { background: #f6f8fa; padding: 8px; overflow: auto; max-height: 420px; white-space: pre-wrap; }
main { padding: 0 18px 30px; }
.controls { margin: 10px 0 6px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.controls button, .controls select { font: inherit; padding: 2px 8px; }
.legend span { display: inline-block; margin-right: 12px; }
.sw { display: inline-block; width: 14px; height: 10px; border: 1px solid #555; vertical-align: middle; margin-right: 4px; }
.lanes-wrap { display: flex; border: 1px solid #ccd; }
.lane-labels { flex: none; background: #fafbfc; border-right: 1px solid #ccd; }
.lanes-scroll { overflow-x: auto; overflow-y: hidden; flex: 1; position: relative; }
.lanes-spacer { position: relative; }
.lanes-spacer > svg { position: absolute; top: 0; }
.timeline-svg text { font: 11px system-ui, sans-serif; fill: #1d2433; }
.timeline-svg .lane-bg { fill: #fff; }
.timeline-svg .lane:nth-child(even) .lane-bg { fill: #f7f8fb; }
.timeline-svg .lane-name { font-weight: 700; }
.timeline-svg .lane-end, .timeline-svg .axis text { fill: #667; font-size: 10px; }
.timeline-svg .op rect { fill: #dbe4f3; stroke: #5b6b8c; stroke-width: 1; }
.timeline-svg .op.lin rect { fill: #c8e6c9; stroke: #2e7d32; }
.timeline-svg .op.win rect { stroke: #ef6c00; stroke-width: 2; }
.timeline-svg .op.hl rect { fill: #ef9a9a; stroke: #b71c1c; stroke-width: 3; }
.timeline-svg .op.pending rect { fill: #fff3e0; stroke-dasharray: 5 3; }
.timeline-svg .op.faded { opacity: .35; }
.timeline-svg .op.flash rect { stroke: #000; stroke-width: 4; }
.timeline-svg .op-label { font-size: 10px; pointer-events: none; }
.timeline-svg .window { fill: #e53935; opacity: .12; pointer-events: none; }
.timeline-svg .crash-mark path { stroke: #b71c1c; stroke-width: 3; fill: none; }
.timeline-svg .crash-label { fill: #b71c1c; font-weight: 700; font-size: 10px; }
.timeline-svg .event path { fill: #6a1b9a; }
.timeline-svg .event-label { fill: #6a1b9a; font-size: 10px; }
.timeline-svg .stuck-label { fill: #e65100; font-weight: 700; }
.timeline-svg .verdict-kind { font-size: 13px; font-weight: 700; fill: #b71c1c; }
.timeline-svg .verdict-pattern { font-size: 12px; font-weight: 700; }
.timeline-svg .verdict-mark { fill: #b71c1c; font-weight: 700; }
#tip { position: fixed; z-index: 10; background: #263238; color: #fff; padding: 6px 9px; border-radius: 4px;
       font: 12px ui-monospace, "DejaVu Sans Mono", monospace; white-space: pre-wrap; max-width: 640px; pointer-events: none; display: none; }
table { border-collapse: collapse; margin: 6px 0; }
td, th { border: 1px solid #dde; padding: 2px 6px; text-align: left; vertical-align: top; font-size: 12px; }
th { background: #f0f2f6; }
tr.hl td { background: #ffebee; }
tr.clickable { cursor: pointer; }
tr.clickable:hover td { background: #e3f2fd; }
details { margin: 6px 0; }
summary { cursor: pointer; }
.static-note { color: #667; font-size: 12px; }
.static-wrap { overflow-x: auto; border: 1px solid #ccd; }
)CSS";

}  // namespace shmc::harness
