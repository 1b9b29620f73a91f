// Gaps: the units that do not meet a rate or threshold indicator on a day, ranked by the
// server (furthest first), searchable, each with its unit page one click away.

import { gql } from './api.js';
import { t, num, day, nameOf } from './i18n.js';
import { h, field, select, dataTable } from './ui.js';
import { route, setDay, shownDay } from './app.js';

export const refreshable = true;

const FIRST = 1000;
const QUERY = `query Gaps($code: String!, $day: NaiveDate, $first: Int!) {
  indicatorGaps(code: $code, asOf: $day, first: $first) { totalCount
    units { rank unitCode unitName districtCode districtName kind officers chiefs hqStatus targetDate detail } } }`;

const KINDS = { xa: 'Xã', phuong: 'Phường', thi_tran: 'Thị trấn', dac_khu: 'Đặc khu' };

let chosen = null;

export async function render(_args, state) {
  const gapped = state.defs.filter((d) => d.denominator);
  chosen = chosen ?? gapped.find((d) => d.code === 'party_standing_committee_rate')?.code ?? gapped[0]?.code;
  const data = await gql(QUERY, { code: chosen, day: await shownDay(), first: FIRST });
  const gaps = data.indicatorGaps;
  const dayIso = await shownDay();
  const codeSel = select(gapped.map((d) => [d.code, nameOf(d)]), chosen, { name: 'indicator' });
  const dayInput = h('input', { type: 'date', value: dayIso, name: 'day' });
  const form = h('form', {
    class: 'controls',
    onsubmit: (ev) => {
      ev.preventDefault();
      chosen = codeSel.value;
      setDay(dayInput.value);
      route();
    },
  }, field(t('indicator'), codeSel), field(t('day'), dayInput), h('button', { type: 'submit', class: 'primary' }, t('show')));
  const link = (r) => `#/unit/${encodeURIComponent(r.unitCode)}`;
  const columns = [
    { key: 'unitName', label: t('unit'), cell: (r) => h('a', { href: link(r) }, r.unitName) },
    { key: 'rank', label: t('rank'), num: true },
    { key: 'unitCode', label: t('code') },
    { key: 'districtName', label: t('district'), value: (r) => r.districtName ?? r.districtCode },
    { key: 'kind', label: t('kind'), value: (r) => KINDS[r.kind] ?? r.kind },
    { key: 'officers', label: t('officers'), num: true, cell: (r) => num(r.officers) },
    { key: 'detail', label: t('missing') },
  ];
  const def = gapped.find((d) => d.code === chosen);
  return h('section', { 'aria-labelledby': 'gp-h' },
    h('h2', { id: 'gp-h' }, `${t('gaps')}: ${def ? nameOf(def) : chosen}${dayIso ? ` — ${day(dayIso)}` : ''}`),
    form,
    h('p', { id: 'gap-total' }, `${num(gaps.totalCount)} ${t('gapsTotal')}`),
    dataTable({
      columns, rows: gaps.units, caption: def ? nameOf(def) : chosen,
      file: `coso-gaps-${chosen}-${dayIso ?? 'today'}.csv`, filterKeys: ['unitName', 'unitCode', 'districtName', 'detail'],
    }));
}
