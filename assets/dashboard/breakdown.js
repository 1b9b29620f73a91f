// Breakdown: every indicator for each district (or area), kind of unit or unit of the
// token's scope on a day, as one sortable, filterable table with a CSV download (made
// here) and an XLSX one (made by the server: GET /exports/breakdown.xlsx).

import { gql, breakdownXlsx } from './api.js';
import { t, day, display, nameOf, lang } from './i18n.js';
import { h, field, select, dataTable, download, errorBox } from './ui.js';
import { route, setDay } from './app.js';

export const refreshable = true;

const QUERY = `query Breakdown($day: NaiveDate, $by: [IndicatorGroupBy!]) {
  indicators(asOf: $day, groupBy: $by) { code name nameEn unit value numerator denominator display status asOf
    group { kind code name } } }`;

let by = 'DISTRICT';

export async function render(_args, state) {
  const data = await gql(QUERY, { day: state.day, by: [by] });
  const values = data.indicators;
  const dayIso = values[0]?.asOf ?? state.day;
  const decimals = new Map(state.defs.map((d) => [d.code, d.decimals]));
  const codes = state.defs.map((d) => d.code).filter((c) => values.some((v) => v.code === c));
  const rows = new Map();
  for (const v of values) {
    const key = v.group.code;
    if (!rows.has(key)) rows.set(key, { code: key, name: v.group.name || key, kind: v.group.kind, values: {} });
    rows.get(key).values[v.code] = v;
  }
  const columns = [
    {
      key: 'name', label: t('name'),
      cell: (r) => (r.kind === 'unit' ? h('a', { href: `#/unit/${encodeURIComponent(r.code)}` }, r.name) : r.name),
    },
    { key: 'code', label: t('code') },
    ...codes.map((code) => {
      const def = state.defs.find((d) => d.code === code);
      return {
        key: code, label: nameOf(def), num: true,
        value: (r) => r.values[code]?.value ?? null,
        cell: (r) => (r.values[code] ? cellOf(r.values[code], decimals.get(code)) : '—'),
        csv: (r) => (r.values[code] ? display(r.values[code], decimals.get(code)) : ''),
      };
    }),
  ];
  const dayInput = h('input', { type: 'date', value: dayIso, name: 'day' });
  const bySel = select(['DISTRICT', 'AREA', 'KIND', 'UNIT'].map((b) => [b, t(b)]), by, { name: 'by' });
  const form = h('form', {
    class: 'controls',
    onsubmit: (ev) => {
      ev.preventDefault();
      by = bySel.value;
      setDay(dayInput.value);
      route();
    },
  }, field(t('day'), dayInput), field(t('groupBy'), bySel), h('button', { type: 'submit', class: 'primary' }, t('show')));
  const failed = h('div', { role: 'alert' });
  const shownBy = by;
  const xlsx = h('button', {
    type: 'button',
    id: 'xlsx',
    onclick: async () => {
      try {
        download(`coso-${shownBy.toLowerCase()}-${dayIso}.xlsx`, await breakdownXlsx(dayIso, shownBy, lang));
      } catch (e) {
        failed.replaceChildren(errorBox(e));
      }
    },
  }, t('xlsx'));
  return h('section', { 'aria-labelledby': 'bd-h' },
    h('h2', { id: 'bd-h' }, `${t('breakdown')} — ${day(dayIso)}`),
    form,
    h('p', { class: 'tools' }, xlsx),
    failed,
    dataTable({
      columns, rows: [...rows.values()], caption: `${t(by)} — ${day(dayIso)}`,
      file: `coso-${by.toLowerCase()}-${dayIso}.csv`, filterKeys: ['name', 'code'],
    }));
}

const MARK = { GREEN: '✓', AMBER: '◐', RED: '✗' };

function cellOf(v, decimals) {
  const mark = MARK[v.status];
  return h('span', { class: `cell s-${v.status}` }, display(v, decimals), mark ? h('span', { class: 'mark', title: t(v.status) }, ` ${mark}`, h('span', { class: 'sr-only' }, ` ${t(v.status)}`)) : null);
}


