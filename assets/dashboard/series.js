// Series: several indicators month by month, quarter by quarter or year by year, on the
// units as they were (restructurings marked where the denominator changed) or on today's
// units throughout; drawn as an SVG chart with the same figures in a table below.

import { gql } from './api.js';
import { t, num, display, nameOf } from './i18n.js';
import { h, field, select } from './ui.js';
import { lineChart, legendKey } from './chart.js';

export const refreshable = true;

const pick = {
  codes: ['party_standing_committee_rate', 'hq_new_model_coverage'],
  period: 'MONTH', basis: 'AS_WAS', from: null, to: null,
};

function query(codes) {
  const parts = codes.map((c, i) => `s${i}: indicatorSeries(code: ${JSON.stringify(c)}, from: $from, to: $to, period: $period, basis: $basis) {
    code name nameEn unit value numerator denominator display asOf structureChanged }`);
  return `query Series($from: NaiveDate!, $to: NaiveDate!, $period: SeriesPeriod!, $basis: SeriesBasis!) { ${parts.join('\n')} }`;
}

function label(iso, period) {
  const [y, m] = iso.split('-');
  if (period === 'YEAR') return y;
  if (period === 'QUARTER') return `Q${Math.ceil(Number(m) / 3)}/${y}`;
  return `${m}/${y}`;
}

export async function render(_args, state) {
  const today = await (await import('./app.js')).shownDay();
  const to = pick.to ?? today;
  const from = pick.from ?? `${Number(to.slice(0, 4)) - 1}-01-01`;
  const codes = pick.codes.length ? pick.codes : [state.defs[0].code];
  const data = await gql(query(codes), { from, to, period: pick.period, basis: pick.basis });
  const decimals = new Map(state.defs.map((d) => [d.code, d.decimals]));
  const all = codes.map((c, i) => data[`s${i}`]);
  const labels = [...new Set(all.flatMap((s) => s.map((v) => v.asOf)))].sort().map((d) => label(d, pick.period));
  const breaks = [...new Set(all.flatMap((s) => s.filter((v) => v.structureChanged).map((v) => label(v.asOf, pick.period))))];
  const percent = all.every((s) => s.every((v) => v.unit === '%'));
  const series = all.map((s, i) => ({
    label: s[0] ? nameOf(s[0]) : codes[i],
    points: s.map((v) => ({ x: label(v.asOf, pick.period), y: v.value })),
  }));

  const boxes = h('fieldset', {}, h('legend', {}, t('indicators')), state.defs.map((d) => h('label', {},
    h('input', { type: 'checkbox', name: 'code', value: d.code, checked: codes.includes(d.code) }), nameOf(d))));
  const periodSel = select(['MONTH', 'QUARTER', 'YEAR'].map((p) => [p, t(p)]), pick.period, { name: 'period' });
  const basisSel = select(['AS_WAS', 'CURRENT_UNITS'].map((p) => [p, t(p)]), pick.basis, { name: 'basis' });
  const fromInput = h('input', { type: 'date', value: from, name: 'from' });
  const toInput = h('input', { type: 'date', value: to, name: 'to' });
  const form = h('form', {
    class: 'controls',
    onsubmit: async (ev) => {
      ev.preventDefault();
      pick.codes = [...boxes.querySelectorAll('input:checked')].map((b) => b.value);
      Object.assign(pick, { period: periodSel.value, basis: basisSel.value, from: fromInput.value, to: toInput.value });
      (await import('./app.js')).route();
    },
  }, boxes, field(t('period'), periodSel), field(t('basis'), basisSel), field(t('from'), fromInput), field(t('to'), toInput),
  h('button', { type: 'submit', class: 'primary' }, t('show')));

  const fmt = (v) => `${num(v, Number.isInteger(v) ? 0 : 1)}${percent ? '%' : ''}`;
  const chart = lineChart({ title: `${t('series')}: ${series.map((s) => s.label).join(', ')}`, series, labels, breaks, breakLabel: t('structureChanged'), format: fmt });
  const legend = h('ul', { class: 'legend' }, series.map((s, i) => {
    const k = legendKey(i);
    const key = h('span', { class: 'key', 'aria-hidden': 'true' });
    key.style.background = k.colour;
    return h('li', {}, key, `${i % 2 ? '■' : '●'} ${s.label}`);
  }), breaks.length ? h('li', {}, `⚑ ┆ ${t('structureChanged')}`) : null);
  const table = h('div', { class: 'tablebox' }, h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('table') },
    h('table', {}, h('caption', {}, t('table')),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('period')), series.map((s) => h('th', { scope: 'col', class: 'num' }, s.label)))),
      h('tbody', {}, labels.map((l) => h('tr', {}, h('th', { scope: 'row' }, l, breaks.includes(l) ? ` ⚑` : ''),
        all.map((s) => {
          const v = s.find((p) => label(p.asOf, pick.period) === l);
          return h('td', { class: 'num' }, v ? `${display(v, decimals.get(v.code))}${v.structureChanged ? ` (${t('structureChanged')})` : ''}` : '—');
        })))))));
  return h('section', { 'aria-labelledby': 'se-h' }, h('h2', { id: 'se-h' }, t('series')), form, h('figure', {}, chart, h('figcaption', {}, legend)), table);
}
