// Small DOM helpers shared by the pages: elements, status badges (symbol and word, never
// colour alone), sortable and filterable tables with a CSV download, errors.

import { t } from './i18n.js';

// h('div', { class: 'x', onclick: f }, child, ...): an element; strings become text.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

let ids = 0;
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}${ids}`;
}

// A labelled control: label above the control, tied by id.
export function field(label, control) {
  if (!control.id) control.id = uid();
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control);
}

export function select(options, value, attrs = {}) {
  return h('select', attrs, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

const SYMBOL = { GREEN: '✓', AMBER: '◐', RED: '✗', NONE: '•' };

// A status as a badge: symbol + word + colour.
export function status(s) {
  return h('span', { class: `badge s-${s}` }, h('span', { 'aria-hidden': 'true' }, SYMBOL[s] ?? '•'), ' ', t(s));
}

export function errorBox(e) {
  return h('div', { class: 'error', role: 'alert' }, h('strong', {}, `${t('error')}: `), h('code', {}, e.code ?? 'ERROR'), ' ', e.message);
}

export function say(text) {
  const live = document.getElementById('status');
  if (live) live.textContent = text;
}

// CSV text with every field quoted when needed (RFC 4180), UTF-8 BOM for spreadsheets.
export function csv(header, rows) {
  const q = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return `\ufeff${[header, ...rows].map((r) => r.map(q).join(',')).join('\r\n')}\r\n`;
}

export function download(name, blob) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, class: 'sr-only' });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// A table: columns [{ key, label, value(row) -> sortable, cell(row) -> node|string, num }],
// sortable by each header, filtered by the text box, downloadable as CSV.
export function dataTable({ columns, rows, caption, file, filterKeys }) {
  let sortKey = null;
  let dir = 1;
  let needle = '';
  const body = h('tbody');
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  const heads = columns.map((c) => {
    const btn = h('button', { type: 'button', class: 'sort', onclick: () => sortBy(c.key) }, c.label);
    return h('th', { scope: 'col', class: c.num ? 'num' : null, 'aria-sort': 'none' }, btn);
  });
  const valueOf = (c, r) => (c.value ? c.value(r) : r[c.key]);
  const visible = () => {
    const needleLow = needle.toLowerCase();
    const searched = columns.filter((c) => !filterKeys || filterKeys.includes(c.key));
    let list = rows.filter((r) => !needleLow || searched.some((c) => {
      const text = c.csv ? c.csv(r) : valueOf(c, r);
      return String(text ?? '').toLowerCase().includes(needleLow);
    }));
    if (sortKey !== null) {
      const c = columns.find((x) => x.key === sortKey);
      list = [...list].sort((a, b) => {
        const x = valueOf(c, a);
        const y = valueOf(c, b);
        if (x === y) return 0;
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'vi')) * dir;
      });
    }
    return list;
  };
  function draw() {
    const list = visible();
    body.replaceChildren(...list.map((r) => h('tr', {}, columns.map((c, i) => {
      const content = c.cell ? c.cell(r) : valueOf(c, r);
      return i === 0 ? h('th', { scope: 'row' }, content) : h('td', { class: c.num ? 'num' : null }, content);
    }))));
    count.textContent = `${list.length}/${rows.length} ${t('rows')}`;
    heads.forEach((th, i) => {
      const key = columns[i].key;
      th.setAttribute('aria-sort', key === sortKey ? (dir > 0 ? 'ascending' : 'descending') : 'none');
    });
  }
  function sortBy(key) {
    dir = key === sortKey ? -dir : 1;
    sortKey = key;
    draw();
  }
  const filter = h('input', { type: 'search', oninput: (e) => { needle = e.target.value; draw(); } });
  const csvButton = h('button', {
    type: 'button',
    onclick: () => {
      const list = visible();
      const text = csv(columns.map((c) => c.label), list.map((r) => columns.map((c) => (c.csv ? c.csv(r) : valueOf(c, r)))));
      download(file, new Blob([text], { type: 'text/csv;charset=utf-8' }));
    },
  }, t('csv'));
  draw();
  return h('div', { class: 'tablebox' },
    h('div', { class: 'tools' }, field(t('filter'), filter), csvButton, count),
    h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': caption },
      h('table', {}, h('caption', {}, caption), h('thead', {}, h('tr', {}, heads)), body)));
}

// Today's ISO day in the province's zone.
export function todayIso() {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date());
}

// The last day of the month before `iso`'s month.
export function endOfPreviousMonth(iso) {
  const [y, m] = iso.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1, 0));
  return d.toISOString().slice(0, 10);
}
