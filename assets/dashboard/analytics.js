// Analytics (analysts and admins): an SQL editor over the analytics tables, the tables and
// their columns listed (read from the server by a one-row query per table), the result
// as a grid, the same query as a CSV download (POST /analytics.csv), errors with their
// code and message.

import { gql, analyticsCsv } from './api.js';
import { t, num } from './i18n.js';
import { h, field, errorBox, download, say } from './ui.js';

const TABLES = ['units', 'districts', 'officers', 'memberships', 'headquarters', 'directives', 'activities', 'questions', 'awards', 'indicator_values'];
// A document's cost bound allows a handful of analytics fields: the tables in two halves.
const HALVES = [TABLES.slice(0, 5), TABLES.slice(5)];

const RUN = `query Analytics($sql: String!, $limit: Int) {
  analyticsQuery(sql: $sql, limit: $limit) { columns { name dataType } rows rowCount truncated dataVersion } }`;

let columnsOf = null;
let sqlText = 'SELECT kind, count(*) AS units\nFROM units\nWHERE valid_to IS NULL\nGROUP BY kind\nORDER BY units DESC';
let limitValue = 1000;

async function loadColumns() {
  if (columnsOf) return columnsOf;
  const docs = HALVES.map((half) => `{ ${half.map((tb, i) => `t${i}: analyticsQuery(sql: "SELECT * FROM ${tb}", limit: 1) { columns { name dataType } }`).join(' ')} }`);
  const answers = await Promise.all(docs.map((d) => gql(d)));
  columnsOf = HALVES.flatMap((half, n) => half.map((tb, i) => [tb, answers[n][`t${i}`].columns]));
  return columnsOf;
}

export async function render() {
  const tables = await loadColumns().catch((e) => e);
  const area = h('textarea', { class: 'sql', name: 'sql', spellcheck: 'false', rows: 8 }, sqlText);
  const limit = h('input', { type: 'number', min: 1, max: 10000, value: limitValue, name: 'limit' });
  const out = h('div', { id: 'analytics-result', 'aria-live': 'polite' });
  const read = () => {
    sqlText = area.value;
    limitValue = Number(limit.value) || 1000;
  };
  async function run() {
    read();
    out.replaceChildren(h('p', { class: 'loading' }, t('loading')));
    try {
      const r = (await gql(RUN, { sql: sqlText, limit: limitValue })).analyticsQuery;
      out.replaceChildren(grid(r));
      say(`${num(r.rowCount)} ${t('rows')}`);
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  }
  async function csvDownload() {
    read();
    try {
      download('coso-analytics.csv', await analyticsCsv(sqlText, limitValue));
    } catch (e) {
      out.replaceChildren(errorBox(e));
    }
  }
  area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) {
      ev.preventDefault();
      run();
    }
  });
  const form = h('form', { onsubmit: (ev) => { ev.preventDefault(); run(); } },
    field(`${t('sql')} (Ctrl+Enter)`, area),
    h('div', { class: 'controls' }, field(t('limit'), limit),
      h('button', { type: 'submit', class: 'primary', id: 'run-sql' }, t('run')),
      h('button', { type: 'button', id: 'csv-sql', onclick: csvDownload }, t('csv'))));
  const list = tables instanceof Error
    ? errorBox(tables)
    : tables.map(([tb, cols]) => h('div', {}, h('h3', {}, h('code', {}, tb)),
      h('ul', {}, cols.map((c) => h('li', {}, h('code', {}, c.name), ` ${c.dataType}`)))));
  return h('section', { 'aria-labelledby': 'an-h' },
    h('h2', { id: 'an-h' }, t('analytics')),
    h('div', { class: 'columns' },
      h('aside', { class: 'tablelist', 'aria-label': t('tables'), tabindex: '0' }, h('h3', {}, t('tables')), list),
      h('div', {}, form, out)));
}

function grid(r) {
  return h('div', { class: 'tablebox' },
    h('p', { class: 'muted' }, `${num(r.rowCount)} ${t('rows')}${r.truncated ? ` — ${t('truncated')}` : ''}`),
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('analytics') },
      h('table', {}, h('caption', { class: 'sr-only' }, t('analytics')),
        h('thead', {}, h('tr', {}, r.columns.map((c) => h('th', { scope: 'col' }, c.name)))),
        h('tbody', {}, r.rows.map((row) => h('tr', {}, row.map((v, i) => h('td', { class: /^(i|u|f)\d/.test(r.columns[i].dataType) ? 'num' : null }, v === null ? '∅' : String(v)))))))));
}
