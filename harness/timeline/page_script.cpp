#include "harness/timeline/page_assets.hpp"

namespace shmc::harness {

// Draws only what is in view (lanes are redrawn on scroll), so a history of
// 10 000 operations costs a few hundred SVG elements, not tens of thousands.
const char* const kTimelineScript = R"JS(
(function () {
  'use strict';
  var status = document.getElementById('timeline-status');
  try {
    new PerformanceObserver(function (list) {
      list.getEntries().forEach(function (e) {
        if (e.name === 'first-contentful-paint') status.setAttribute('data-fcp-ms', e.startTime.toFixed(1));
        if (e.name === 'first-paint') status.setAttribute('data-fp-ms', e.startTime.toFixed(1));
      });
    }).observe({ type: 'paint', buffered: true });
  } catch (e) { /* no paint timing: the status simply lacks it */ }
  var doc;
  try { doc = JSON.parse(document.getElementById('timeline-data').textContent); }
  catch (e) { status.setAttribute('data-error', String(e)); return; }
  var NS = 'http://www.w3.org/2000/svg';
  function attrs(e, a) { for (var k in a) if (a[k] !== undefined && a[k] !== null) e.setAttribute(k, a[k]); return e; }
  function el(tag, a, text) { var e = attrs(document.createElement(tag), a || {}); if (text != null) e.textContent = text; return e; }
  function sv(tag, a, text) { var e = attrs(document.createElementNS(NS, tag), a || {}); if (text != null) e.textContent = text; return e; }
  function add(parent) { for (var i = 1; i < arguments.length; i++) parent.appendChild(arguments[i]); return parent; }

  var ops = doc.operations, actors = doc.actors, check = doc.check, sections = check.sections || [];
  var collapsed = check.collapsed || [];
  var marks = ops.map(function () { return {}; });
  var keyed = collapsed.length > 0, failingKeys = {};
  sections.forEach(function (s, si) {
    if (s.partition !== null) { keyed = true; failingKeys[s.partition] = true; }
    s.window.forEach(function (i) { if (marks[i]) marks[i].win = true; });
    s.highlight.forEach(function (i) { if (marks[i]) marks[i].hl = true; });
    var before = s.initial_state;
    s.steps.forEach(function (st, k) {
      var m = marks[st.op];
      if (m) { m.lin = true; m.section = si; m.step = k + 1; m.before = before; m.after = st.after; }
      before = st.after;
    });
  });
  if (keyed) ops.forEach(function (o, i) { marks[i].faded = !(o.partition !== undefined && failingKeys[o.partition]); });

  // Time by rank: each distinct instant one step.
  var times = [];
  ops.forEach(function (o) { times.push(o.invoke); if (o.ret !== null) times.push(o.ret); });
  doc.events.forEach(function (e) { times.push(e.time); });
  actors.forEach(function (a) { if (a.crash && a.crash.time !== null) times.push(a.crash.time); });
  times.sort(function (a, b) { return a - b; });
  times = times.filter(function (t, i) { return i === 0 || t !== times[i - 1]; });
  function rank(t) { var lo = 0, hi = times.length; while (lo < hi) { var m = (lo + hi) >> 1; if (times[m] < t) lo = m + 1; else hi = m; } return lo; }
  var LABEL = 210, LANE = 42, BAR = 16, TOP = 40, step = 26;
  var H = TOP + LANE * actors.length + 8;
  function x(t) { return (rank(t) + 0.5) * step; }
  function xEnd() { return (times.length + 1.5) * step; }
  function opX0(o) { return x(o.invoke) - step * 0.4; }
  function opX1(o) { return o.pending ? xEnd() : x(o.ret) + step * 0.4; }

  var lanes = actors.map(function () { return []; });
  ops.forEach(function (o, i) { if (lanes[o.actor]) lanes[o.actor].push(i); });
  lanes.forEach(function (l) { l.sort(function (a, b) { return ops[a].invoke - ops[b].invoke; }); });
  var laneEvents = actors.map(function () { return []; });
  doc.events.forEach(function (e) { if (laneEvents[e.actor]) laneEvents[e.actor].push(e); });
  var filterKey = null;

  function label(o) { return o.call + (o.pending ? ' \u2026' : ' \u2192 ' + o.result); }
  function fit(text, width) {  // what of a label fits in a bar, or null
    var n = Math.floor((width - 6) / 6.2);
    if (n >= text.length) return text;
    return n >= 4 ? text.slice(0, n - 1) + '\u2026' : null;
  }
  function tipFor(i) {
    var o = ops[i], m = marks[i], a = actors[o.actor] || { name: 'actor ' + o.actor };
    var t = a.name + ': ' + o.call + ' \u2192 ' + (o.pending ? 'pending (never returned)' : o.result);
    t += '\nop ' + o.id + ', t=[' + o.invoke + ', ' + (o.pending ? '\u2026' : o.ret) + ']';
    if (o.partition !== undefined && keyed) t += ', key ' + o.partition;
    if (m.lin) t += '\nstep ' + m.step + ' of the linearizable prefix (' + sections[m.section].partition_label + ')' +
                    '\nstate before: ' + m.before + '\nstate after:  ' + m.after;
    if (m.hl) t += '\ncannot be linearized';
    else if (m.win) t += '\nin the window that cannot be linearized';
    if (o.pending) t += '\nin flight when its process ended: drawn to the end of the history';
    return t;
  }
  function laneLastX(ai) {
    var l = lanes[ai], last = 0, pend = -1;
    l.forEach(function (i) { var o = ops[i]; if (o.pending) pend = opX0(o); last = Math.max(last, opX1(o)); });
    return { last: last, pending: pend };
  }
  function crashX(ai) {
    var c = actors[ai].crash, e = laneLastX(ai);
    if (c.time !== null) return x(c.time);
    return e.pending >= 0 ? e.pending + step * 0.4 : e.last + step * 0.5;
  }
  function first(l, lo) {  // first op of a lane that may end at or after lo (an actor's ops follow each other)
    var a = 0, b = l.length;
    while (a < b) { var m = (a + b) >> 1; if (opX1(ops[l[m]]) < lo) a = m + 1; else b = m; }
    return Math.max(0, a - 1);
  }

  // ---- page ----
  var app = document.getElementById('app');
  var controls = el('div', { class: 'controls' });
  var zoomIn = el('button', { type: 'button', id: 'zoom-in' }, 'zoom in');
  var zoomOut = el('button', { type: 'button', id: 'zoom-out' }, 'zoom out');
  var jump = el('button', { type: 'button', id: 'jump' }, 'go to the failure');
  add(controls, zoomIn, zoomOut, jump);
  if (keyed) {
    var pick = el('select', { id: 'partition' });
    add(pick, el('option', { value: '' }, 'all keys'));
    sections.forEach(function (s) { if (s.partition !== null) add(pick, el('option', { value: String(s.partition) }, 'only ' + s.partition_label + ' (fails)')); });
    pick.addEventListener('change', function () { filterKey = pick.value === '' ? null : pick.value; draw(); });
    add(controls, el('span', {}, 'show:'), pick);
  }
  var legend = el('span', { class: 'legend' });
  [['#c8e6c9', 'linearizable prefix'], ['#ef9a9a', 'cannot be linearized'], ['#ffcdd2', 'failing window'],
   ['#fff3e0', 'pending at a crash'], ['#dbe4f3', 'other']].forEach(function (p) {
    add(legend, add(el('span'), el('span', { class: 'sw', style: 'background:' + p[0] }), document.createTextNode(p[1])));
  });
  add(controls, legend);
  add(app, el('h2', {}, 'Lanes (' + actors.length + ' actors, ' + ops.length + ' operations)'), controls);

  var wrap = el('div', { class: 'lanes-wrap' });
  var labels = sv('svg', { class: 'timeline-svg lane-labels', width: LABEL, height: H, id: 'lane-labels' });
  var scroll = el('div', { class: 'lanes-scroll', id: 'lanes-scroll' });
  var spacer = el('div', { class: 'lanes-spacer' });
  var svg = sv('svg', { class: 'timeline-svg', id: 'lanes' });
  add(app, add(wrap, labels, add(scroll, add(spacer, svg))));
  var tip = el('div', { id: 'tip' });
  add(document.body, tip);

  add(labels, sv('text', { x: 6, y: 16, class: 'verdict-mark' }, 'verdict'), sv('text', { x: 6, y: 34, class: 'lane-end' }, 'time (shared clock)'));
  actors.forEach(function (a, ai) {
    var y = TOP + LANE * ai;
    add(labels, sv('text', { x: 6, y: y + 16, class: 'lane-name' }, a.name + (a.role ? ' (' + a.role + ')' : '')),
        sv('text', { x: 6, y: y + 32, class: 'lane-end' }, (a.end || '') + (a.stuck ? ', stuck' : '')));
  });

  function size() {
    spacer.style.width = (xEnd() + 360) + 'px';
    spacer.style.height = H + 'px';
  }
  function draw() {
    size();
    var vw = Math.max(scroll.clientWidth, 200), sl = scroll.scrollLeft, lo = sl - 300, hi = sl + vw + 300;
    attrs(svg, { width: vw, height: H, viewBox: sl + ' 0 ' + vw + ' ' + H });
    svg.style.left = sl + 'px';
    var f = document.createDocumentFragment();
    for (var px = Math.max(0, Math.ceil(lo / 140) * 140); px < hi && times.length; px += 140) {
      var r = Math.floor(px / step);
      if (r >= times.length) break;
      add(f, sv('text', { x: px, y: 34, class: 'axis-label lane-end' }, 't=' + times[r]));
    }
    actors.forEach(function (a, ai) {
      var y = TOP + LANE * ai;
      var g = sv('g', { class: 'lane', 'data-actor': ai });
      add(g, sv('rect', { class: 'lane-bg', x: lo, y: y, width: hi - lo, height: LANE }));
      var l = lanes[ai];
      for (var k = first(l, lo); k < l.length; k++) {
        var i = l[k], o = ops[i], m = marks[i], x0 = opX0(o), x1 = opX1(o);
        if (x0 > hi) break;
        if (x1 < lo) continue;
        if (filterKey !== null && String(o.partition) !== filterKey) continue;
        var cls = 'op' + (o.pending ? ' pending' : '') + (m.lin ? ' lin' : '') + (m.win ? ' win' : '') + (m.hl ? ' hl' : '') +
                  (m.faded && filterKey === null ? ' faded' : '');
        var b = sv('g', { class: cls, 'data-op': i });
        add(b, sv('rect', { x: x0, y: y + 15, width: Math.max(x1 - x0, 1.5), height: BAR }));
        var text = label(o), shown = fit(text, x1 - x0);
        if (shown !== null) add(b, sv('text', { x: x0 + 3, y: y + 27, class: 'op-label' }, shown));
        add(g, b);
        if (m.hl) add(f, sv('text', { x: x0, y: 16, class: 'verdict-mark' }, '\u2716 cannot be linearized: ' + text));
      }
      laneEvents[ai].forEach(function (e) {
        var ex = x(e.time);
        if (ex < lo || ex > hi) return;
        add(g, add(sv('g', { class: 'event', 'data-tip': e.text }), sv('path', { d: 'M' + ex + ' ' + (y + 15) + ' l8 8 l-8 8 l-8 -8 z' }),
                   sv('text', { x: ex + 9, y: y + 11, class: 'event-label' }, e.text)));
      });
      if (a.crash && a.died) {
        var cx = crashX(ai);
        add(g, add(sv('g', { class: 'crash-mark', 'data-actor': ai, 'data-tip': a.crash.text }),
                   sv('path', { d: 'M' + (cx - 7) + ' ' + (y + 16) + ' l14 14 m0 -14 l-14 14' }),
                   sv('text', { x: cx + 9, y: y + 11, class: 'crash-label' }, '\u2715 ' + a.crash.text)));
      }
      if (a.stuck) {
        var sx = laneLastX(ai).last + 8;
        add(g, add(sv('g', { class: 'stuck-note', 'data-actor': ai, 'data-tip': 'last doing: ' + (a.last_doing || '') }),
                   sv('text', { x: sx, y: y + 27, class: 'stuck-label' }, 'stuck: ' + (a.last_doing || a.end || ''))));
      }
      add(f, g);
    });
    sections.forEach(function (s) {  // over the lanes, translucent, so the bars show through
      var x0 = x(s.window_begin) - step / 2, x1 = x(s.window_end) + step / 2;
      add(f, sv('rect', { class: 'window', x: x0, y: TOP - 4, width: Math.max(x1 - x0, 2), height: H - TOP + 4 }));
    });
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    svg.appendChild(f);
  }
  var pendingDraw = false;
  function schedule() { if (!pendingDraw) { pendingDraw = true; requestAnimationFrame(function () { pendingDraw = false; draw(); }); } }
  scroll.addEventListener('scroll', schedule);
  window.addEventListener('resize', schedule);
  function focusOp(i, flash) {
    var o = ops[i];
    if (!o) return;
    scroll.scrollLeft = Math.max(0, opX0(o) - scroll.clientWidth / 2);
    draw();
    if (flash) { var b = svg.querySelector('[data-op="' + i + '"]'); if (b) b.classList.add('flash'); }
  }
  function zoom(by) {
    var mid = (scroll.scrollLeft + scroll.clientWidth / 2) / step;
    step = Math.min(200, Math.max(0.5, step * by));
    size();
    scroll.scrollLeft = mid * step - scroll.clientWidth / 2;
    draw();
  }
  zoomIn.addEventListener('click', function () { zoom(2); });
  zoomOut.addEventListener('click', function () { zoom(0.5); });
  var target = sections.length ? (sections[0].highlight.length ? sections[0].highlight[0] : sections[0].stuck) : null;
  jump.addEventListener('click', function () { if (target !== null) focusOp(target, true); });

  svg.addEventListener('mousemove', function (ev) {
    var t = ev.target.closest ? ev.target.closest('[data-op],[data-tip]') : null;
    if (!t) { tip.style.display = 'none'; return; }
    tip.textContent = t.hasAttribute('data-op') ? tipFor(+t.getAttribute('data-op')) : t.getAttribute('data-tip');
    tip.style.display = 'block';
    tip.style.left = Math.min(ev.clientX + 14, window.innerWidth - 420) + 'px';
    tip.style.top = (ev.clientY + 16) + 'px';
  });
  svg.addEventListener('mouseleave', function () { tip.style.display = 'none'; });

  // ---- the verdict, section by section ----
  function opRow(i, extra, cls) {
    var o = ops[i], a = actors[o.actor] || { name: 'actor ' + o.actor };
    var tr = el('tr', { class: (cls || '') + ' clickable', 'data-op': i });
    [String(extra[0]), a.name, o.call, o.pending ? 'pending' : o.result].concat(extra.slice(1)).forEach(function (c) { add(tr, el('td', {}, c)); });
    tr.addEventListener('click', function () { focusOp(i, true); });
    return tr;
  }
  function stepsTable(s, all) {
    var t = el('table', { class: 'steps' });
    add(t, add(el('tr'), el('th', {}, '#'), el('th', {}, 'actor'), el('th', {}, 'operation'), el('th', {}, 'result'),
               el('th', {}, 'state before'), el('th', {}, 'state after')));
    var from = all ? 0 : Math.max(0, s.steps.length - 30);
    if (from > 0) add(t, add(el('tr'), el('td', { colspan: 6 }, '\u2026 ' + from + ' earlier steps')));
    for (var k = from; k < s.steps.length; k++) {
      var before = k === 0 ? s.initial_state : s.steps[k - 1].after;
      add(t, opRow(s.steps[k].op, [k + 1, before, s.steps[k].after]));
    }
    s.highlight.forEach(function (i) { add(t, opRow(i, ['\u2716', s.final_state || '', 'cannot be linearized'], 'hl')); });
    return t;
  }
  sections.forEach(function (s, si) {
    var box = el('section', { class: 'section', id: 'section-' + si });
    add(box, el('h2', {}, 'Not linearizable: ' + s.partition_label + ' (' + s.ops + ' operations)'));
    var p = el('p');
    if (s.pattern) add(p, el('span', { class: 'pattern' }, s.pattern + ': '));
    add(p, document.createTextNode(s.explanation || ''));
    add(box, p, el('p', {}, 'Longest linearizable prefix: ' + s.steps.length + ' operations (' + s.prefix_note + ').' +
                          (s.final_state !== null ? ' Model state after it: ' + s.final_state : '')));
    var holder = el('div');
    add(holder, stepsTable(s, false));
    add(box, holder);
    if (s.steps.length > 30) {
      var more = el('button', { type: 'button' }, 'show all ' + s.steps.length + ' steps');
      more.addEventListener('click', function () { holder.replaceChild(stepsTable(s, true), holder.firstChild); more.remove(); });
      add(box, more);
    }
    add(app, box);
  });
  if (collapsed.length) {
    var d = el('details', { id: 'collapsed' });
    add(d, el('summary', {}, collapsed.length + ' other partitions (' + collapsed.filter(function (c) { return c.verdict === 'linearizable'; }).length + ' linearizable)'));
    var t = add(el('table'), add(el('tr'), el('th', {}, 'partition'), el('th', {}, 'operations'), el('th', {}, 'verdict')));
    collapsed.forEach(function (c) { add(t, add(el('tr'), el('td', {}, c.partition_label), el('td', {}, String(c.ops)), el('td', {}, c.verdict))); });
    add(app, add(d, t));
  }
  if (!check.ran) add(app, el('p', {}, 'The linearizability checker did not run for this trial.'));
  else if (!sections.length) add(app, el('p', {}, 'Linearizability: ' + check.verdict));

  add(app, el('h2', {}, 'Actors'));
  var at = add(el('table', { id: 'actors' }), add(el('tr'), el('th', {}, '#'), el('th', {}, 'name'), el('th', {}, 'role'), el('th', {}, 'ended'),
                                                   el('th', {}, 'crash'), el('th', {}, 'last doing'), el('th', {}, 'message')));
  actors.forEach(function (a) {
    add(at, add(el('tr', { class: a.stuck || a.died ? 'hl' : '' }), el('td', {}, String(a.index)), el('td', {}, a.name), el('td', {}, a.role),
                el('td', {}, (a.end || '') + (a.stuck ? ' (stuck)' : '')), el('td', {}, a.crash ? a.crash.text : ''),
                el('td', {}, a.last_doing || ''), el('td', {}, a.message || '')));
  });
  add(app, at);
  if (doc.events.length) {
    add(app, el('h2', {}, 'Recovery and repair'));
    var et = add(el('table', { id: 'events' }), add(el('tr'), el('th', {}, 't'), el('th', {}, 'by'), el('th', {}, 'what')));
    doc.events.forEach(function (e) { add(et, add(el('tr'), el('td', {}, String(e.time)), el('td', {}, (actors[e.actor] || {}).name || ''), el('td', {}, e.text))); });
    add(app, et);
  }
  [['plan', doc.plan], ['checker report', check.report || ''], ['verdict detail', doc.verdict.detail]].forEach(function (p) {
    if (p[1]) add(app, add(el('details'), el('summary', {}, p[0]), el('pre', {}, p[1])));
  });

  // A short history fills the width; a long one scrolls.
  step = Math.max(step, Math.min(120, (Math.max(scroll.clientWidth, 200) - 380) / (times.length + 2)));
  size();  // the scroll range must exist before the view can open at the failure
  if (target !== null) scroll.scrollLeft = Math.max(0, opX0(ops[target]) - Math.max(scroll.clientWidth, 200) / 2);
  draw();
  attrs(status, {
    'data-rendered': 'yes',
    'data-lanes': String(svg.querySelectorAll('.lane').length),
    'data-ops-drawn': String(svg.querySelectorAll('.op').length),
    'data-crash-marks': String(svg.querySelectorAll('.crash-mark').length),
    'data-highlighted': String(svg.querySelectorAll('.op.hl').length),
    'data-stuck-notes': String(svg.querySelectorAll('.stuck-note').length),
    'data-render-ms': performance.now().toFixed(1)
  });
  // The frame after the one that holds the lanes: when they were on screen.
  requestAnimationFrame(function () {
    setTimeout(function () { status.setAttribute('data-lanes-painted-ms', performance.now().toFixed(1)); }, 0);
  });
})();
)JS";

}  // namespace shmc::harness
