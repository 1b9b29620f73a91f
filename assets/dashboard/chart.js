// A small SVG line chart of our own: several series over the same periods, a y axis from
// 0, the periods' labels, and dashed vertical lines where a restructuring changed the
// units (with a text label, so the break is not shown by colour alone). Each series has
// its own dash pattern and point shape as well as its colour.

const NS = 'http://www.w3.org/2000/svg';
const COLOURS = ['#0b4f9c', '#a4161a', '#146c2e', '#7a4b00', '#5b2a86', '#00606b'];
const DASHES = ['', '6 3', '2 3', '8 3 2 3', '12 4', '1 2'];

function el(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// series: [{ label, points: [{ x: label, y: number, mark: bool }] }], breaks: x labels.
export function lineChart({ title, series, labels, breaks = [], breakLabel, format }) {
  const W = 760;
  const H = 320;
  const pad = { l: 56, r: 16, t: 16, b: 56 };
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.y)));
  const top = niceCeil(max);
  const x = (i) => pad.l + (labels.length <= 1 ? 0 : (i * (W - pad.l - pad.r)) / (labels.length - 1));
  const y = (v) => H - pad.b - (v / top) * (H - pad.t - pad.b);
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  svg.append(el('title', {}, title));
  for (let k = 0; k <= 4; k += 1) {
    const v = (top * k) / 4;
    svg.append(el('line', { x1: pad.l, x2: W - pad.r, y1: y(v), y2: y(v), stroke: '#d0d7de' }));
    svg.append(el('text', { x: pad.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)));
  }
  const step = Math.max(1, Math.ceil(labels.length / 12));
  labels.forEach((label, i) => {
    if (i % step === 0 || i === labels.length - 1) {
      svg.append(el('text', { x: x(i), y: H - pad.b + 16, 'text-anchor': 'middle' }, label));
    }
  });
  for (const b of breaks) {
    const i = labels.indexOf(b);
    if (i < 0) continue;
    svg.append(el('line', { x1: x(i), x2: x(i), y1: pad.t, y2: H - pad.b, stroke: '#1b1f24', 'stroke-dasharray': '4 4' }));
    svg.append(el('text', { x: x(i) + 4, y: pad.t + 12 }, `⚑ ${breakLabel}`));
  }
  series.forEach((s, n) => {
    const colour = COLOURS[n % COLOURS.length];
    const idx = (p) => labels.indexOf(p.x);
    const d = s.points.map((p, i) => `${i ? 'L' : 'M'}${x(idx(p)).toFixed(1)},${y(p.y).toFixed(1)}`).join(' ');
    svg.append(el('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2.5, 'stroke-dasharray': DASHES[n % DASHES.length] }));
    for (const p of s.points) {
      const cx = x(idx(p));
      const cy = y(p.y);
      const shape = n % 2 === 0
        ? el('circle', { cx, cy, r: 3.5, fill: colour })
        : el('rect', { x: cx - 3.5, y: cy - 3.5, width: 7, height: 7, fill: colour });
      shape.append(el('title', {}, `${s.label}: ${p.x} — ${format(p.y)}`));
      svg.append(shape);
    }
  });
  return svg;
}

export function legendKey(n) {
  return { colour: COLOURS[n % COLOURS.length], dash: DASHES[n % DASHES.length] };
}

function niceCeil(v) {
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}
