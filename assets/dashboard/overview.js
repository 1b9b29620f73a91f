// Overview: every indicator as a tile (value with numerator/denominator, status as symbol
// and word, target, change since the end of the previous month) for a day and a scope
// (the token's whole scope, a district or area, or one unit of it).

import { gql } from './api.js';
import { t, num, day, display, nameOf, time } from './i18n.js';
import { h, field, select, status, endOfPreviousMonth } from './ui.js';
import { route, setDay, shownDay } from './app.js';

export const refreshable = true;

const VALUES = `code name nameEn unit value numerator denominator display target targetDate status
  asOf dataAsOf group { kind code name }`;

// The tiles ask for the scope's own group only (`groupCodes`); the scope picker's districts
// or areas come from one indicator's district breakdown (a country-sized database has
// hundreds, and every indicator of each would be over the query's cost limit).
const QUERY = `query Overview($day: NaiveDate, $prev: NaiveDate, $by: [IndicatorGroupBy!], $codes: [String!], $one: [String!]) {
  now: indicators(asOf: $day, groupBy: $by, groupCodes: $codes) { ${VALUES} }
  prev: indicators(asOf: $prev, groupBy: $by, groupCodes: $codes) { code value group { kind code } }
  districts: indicators(codes: $one, asOf: $day, groupBy: [DISTRICT]) { group { kind code name } }
}`;

const UNITS = `query Units($d: String, $on: NaiveDate) {
  units(filter: { districtCode: $d, activeOn: $on }, first: 200, orderBy: { field: NAME }) {
    edges { node { code name } } } }`;

// The groups a scope reads: [groupBy, group kind, code].
function groupOf(scope) {
  if (scope.kind === 'unit') return ['UNIT', 'unit', scope.code];
  if (scope.kind === 'district') return ['DISTRICT', 'district', scope.code];
  return ['PROVINCE', 'province', null];
}

export async function render(_args, state) {
  const asked = state.day;
  const [by, kind, code] = groupOf(state.scope);
  // The server's day first (the day picker's default), then the previous month-end.
  const dayIso = asked ?? (await shownDay());
  const one = state.defs.slice(0, 1).map((d) => d.code);
  const data = await gql(QUERY, { day: dayIso, prev: endOfPreviousMonth(dayIso), by: [by], codes: code === null ? null : [code], one });
  const districts = uniqueGroups(data.districts, 'district');
  let units = [];
  if (state.scope.district) {
    const u = await gql(UNITS, { d: state.scope.district, on: dayIso }).catch(() => null);
    units = u ? u.units.edges.map((e) => e.node) : [];
  }
  const mine = data.now.filter((v) => v.group.kind === kind && (code === null || v.group.code === code));
  const before = new Map(data.prev.filter((v) => v.group.kind === kind && (code === null || v.group.code === code)).map((v) => [v.code, v.value]));
  const decimals = new Map(state.defs.map((d) => [d.code, d.decimals]));

  const dayInput = h('input', { type: 'date', value: dayIso, name: 'day' });
  const districtSel = select([['', state.me.areaCode ? scopeName(state) : t('wholeProvince')], ...districts.map((g) => [g.code, g.name])],
    state.scope.district ?? '', { name: 'scope' });
  const unitSel = select([['', t('allUnits')], ...units.map((u) => [u.code, `${u.name} (${u.code})`])],
    state.scope.kind === 'unit' ? state.scope.code : '', { name: 'unit', disabled: !state.scope.district });
  const form = h('form', {
    class: 'controls',
    onsubmit: (ev) => {
      ev.preventDefault();
      setDay(dayInput.value);
      const d = districtSel.value || null;
      const u = d && d === state.scope.district ? unitSel.value || null : null;
      state.scope = u ? { kind: 'unit', code: u, district: d } : d ? { kind: 'district', code: d, district: d } : { kind: 'all', code: null };
      route();
    },
  }, field(t('day'), dayInput), field(t('scopePicker'), districtSel), field(t('unitPicker'), unitSel),
  h('button', { type: 'submit', class: 'primary' }, t('show')));

  const title = mine[0]?.group.name || (state.me.areaCode ? scopeName(state) : t('wholeProvince'));
  const asOfData = mine.find((v) => v.dataAsOf)?.dataAsOf;
  return h('section', { 'aria-labelledby': 'ov-h' },
    h('h2', { id: 'ov-h' }, `${t('overview')}: ${title} — ${day(dayIso)}`),
    form,
    asOfData ? h('p', { class: 'muted' }, `${t('dataAsOf')}: ${time(asOfData)}`) : null,
    h('ul', { class: 'tiles', id: 'tiles' }, mine.map((v) => tile(v, before.get(v.code), decimals.get(v.code)))));
}

function scopeName(state) {
  const a = state.me.areas.find((x) => x.code === state.me.areaCode);
  return a ? a.name : state.me.areaCode;
}

function uniqueGroups(values, kind) {
  const seen = new Map();
  for (const v of values) if (v.group.kind === kind && !seen.has(v.group.code)) seen.set(v.group.code, v.group);
  return [...seen.values()].sort((a, b) => a.code.localeCompare(b.code));
}

function tile(v, previous, decimals) {
  const d = decimals ?? (v.unit === '%' ? 1 : 2);
  const target = v.target === null
    ? t('noTarget')
    : `${t('target')}: ${num(v.target, v.unit === '%' ? 0 : d)}${v.unit === '%' ? '%' : ''}${v.targetDate ? ` (${t('targetBy')} ${day(v.targetDate)})` : ''}`;
  let change = '—';
  if (previous !== undefined) {
    const diff = v.value - previous;
    const unit = v.unit === '%' ? ` ${t('points')}` : '';
    change = Math.abs(diff) < 1e-9 ? t('noChange') : `${diff > 0 ? '▲ +' : '▼ '}${num(diff, d)}${unit}`;
  }
  return h('li', { class: `tile s-${v.status}`, 'data-code': v.code },
    h('h3', {}, nameOf(v)),
    h('p', { class: 'value' }, display(v, d)),
    v.denominator !== null && v.unit !== '%'
      ? h('p', { class: 'ratio' }, `${t('numerator')} ${num(v.numerator)} / ${t('denominator')} ${num(v.denominator)}`)
      : null,
    h('p', {}, status(v.status)),
    h('p', { class: 'target' }, target),
    h('p', { class: 'change' }, `${t('change')}: ${change}`));
}
