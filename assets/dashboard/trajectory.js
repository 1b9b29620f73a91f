// Headquarters trajectory: new-model headquarters coverage toward its 100% target by the
// target date: where it stands, the pace needed and the pace achieved over the last 12
// months, and the day the target is reached at that pace.

import { gql } from './api.js';
import { t, num, day } from './i18n.js';
import { h, field, status } from './ui.js';
import { route, setDay } from './app.js';

export const refreshable = true;

const QUERY = `query Trajectory($day: NaiveDate) { hqTrajectory(asOf: $day) { asOf units covered missing targetPct targetDate
  needed monthsLeft requiredPerMonth achievedLast12Months achievedPerMonth projectedDate onTrack dataAsOf } }`;

const NS = 'http://www.w3.org/2000/svg';
function el(tag, attrs = {}, text) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// Two bars: coverage (covered of units, target marked) and pace (needed vs achieved).
function bars(tr) {
  const W = 640;
  const svg = el('svg', { viewBox: `0 0 ${W} 150`, class: 'chart bars', role: 'img', 'aria-label': t('hqTitle') });
  const share = tr.units ? tr.covered / tr.units : 0;
  const target = tr.targetPct / 100;
  const x0 = 150;
  const len = W - x0 - 20;
  svg.append(el('text', { x: 8, y: 38 }, t('covered')));
  svg.append(el('rect', { x: x0, y: 22, width: len, height: 24, fill: '#eceff2', stroke: '#4a5561' }));
  svg.append(el('rect', { x: x0, y: 22, width: len * share, height: 24, fill: '#0b4f9c' }));
  svg.append(el('line', { x1: x0 + len * target, x2: x0 + len * target, y1: 14, y2: 54, stroke: '#a4161a', 'stroke-width': 3 }));
  svg.append(el('text', { x: x0 + 6, y: 70 }, `${num(tr.covered)}/${num(tr.units)} (${num(share * 100, 1)}%) — ${t('target')} ${num(tr.targetPct, 0)}%`));
  const most = Math.max(tr.requiredPerMonth, tr.achievedPerMonth, 0.1);
  [[t('requiredPerMonth'), tr.requiredPerMonth, '#a4161a', 92], [t('achievedPerMonth'), tr.achievedPerMonth, '#146c2e', 122]].forEach(([label, v, colour, y]) => {
    svg.append(el('rect', { x: x0, y: y - 12, width: Math.max(1, (len * v) / most), height: 16, fill: colour }));
    svg.append(el('text', { x: 8, y: y + 1 }, label.split(' (')[0]));
    const end = x0 + Math.max(1, (len * v) / most);
    const inside = end + 60 > W;
    svg.append(el('text', { x: inside ? end - 8 : end + 6, y: y + 1, 'text-anchor': inside ? 'end' : 'start', fill: inside ? '#fff' : '#1b1f24' }, num(v, 2)));
  });
  return svg;
}

export async function render(_args, state) {
  const tr = (await gql(QUERY, { day: state.day })).hqTrajectory;
  const dayInput = h('input', { type: 'date', value: tr.asOf, name: 'day' });
  const form = h('form', {
    class: 'controls',
    onsubmit: (ev) => {
      ev.preventDefault();
      setDay(dayInput.value);
      route();
    },
  }, field(t('day'), dayInput), h('button', { type: 'submit', class: 'primary' }, t('show')));
  const item = (label, value, id) => [h('dt', {}, label), h('dd', { id }, value)];
  return h('section', { 'aria-labelledby': 'tr-h' },
    h('h2', { id: 'tr-h' }, `${t('hqTitle')} — ${day(tr.asOf)}`),
    form,
    h('p', {}, status(tr.onTrack ? 'GREEN' : 'RED'), ' ', tr.onTrack ? t('onTrack') : t('offTrack')),
    h('div', { class: 'cards' },
      h('dl', { class: 'card' },
        item(t('covered'), `${num(tr.covered)}/${num(tr.units)} (${num(tr.units ? (100 * tr.covered) / tr.units : 0, 1)}%)`, 'hq-covered'),
        item(t('target'), `${num(tr.targetPct, 0)}% — ${day(tr.targetDate)}`),
        item(t('needed'), num(tr.needed)),
        item(t('monthsLeft'), num(tr.monthsLeft))),
      h('dl', { class: 'card' },
        item(t('requiredPerMonth'), num(tr.requiredPerMonth, 2)),
        item(t('achievedPerMonth'), `${num(tr.achievedPerMonth, 2)} (${num(tr.achievedLast12Months)} / 12)`),
        item(t('projectedDate'), tr.projectedDate ? day(tr.projectedDate) : t('never')))),
    bars(tr));
}
