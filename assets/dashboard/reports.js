// Reports (province admins): the schedules with their next runs, the runs with each
// recipient's delivery, a report as it was sent (archived HTML in a sandboxed frame: no
// script, no same-origin access; its charts fetched with the token and inlined), a
// preview, and "run now".

import { gql, reportFile } from './api.js';
import { t, num, day, time } from './i18n.js';
import { h, errorBox, say } from './ui.js';

export const refreshable = true;

const QUERY = `{ reportSchedules { id dbId name cron timeZone enabled language formats nextFireTimes(count: 3)
    recipients { address displayName areaCode } }
  reportRuns(first: 20) { id dbId scheduleId trigger status startedAt finishedAt durationSeconds error
    deliveries { address status attempts lastError sentAt archiveId }
    archives { id scopeName reportDate subject } } }`;

const ARCHIVE = `query Archive($id: ID!) { reportArchive(id: $id) { id subject html verified reportDate scopeName
  files { id name role contentType size } } }`;
const PREVIEW = `query Preview($id: ID!) { previewReport(scheduleId: $id) { subject html files { name role contentType base64 } } }`;
const RUN_NOW = 'mutation RunNow($id: ID!) { runReportNow(scheduleId: $id) { id dbId status } }';

const STATUS_WORD = {
  sent: ['✓', 'GREEN'], partial: ['◐', 'AMBER'], failed: ['✗', 'RED'], running: ['…', 'NONE'],
  skipped: ['–', 'NONE'], pending: ['…', 'NONE'], retry: ['↻', 'AMBER'],
};

function runStatus(s) {
  const [mark, cls] = STATUS_WORD[s] ?? ['•', 'NONE'];
  return h('span', { class: `badge s-${cls}` }, h('span', { 'aria-hidden': 'true' }, mark), ` ${s}`);
}

// The report's HTML with its `cid:` charts replaced by data: URLs.
function inline(html, files) {
  return files.reduce((text, f) => text.split(`cid:${f.name}`).join(f.url), html);
}

function dataUrl(blob) {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(r.result);
    r.onerror = () => reject(r.error);
    r.readAsDataURL(blob);
  });
}

function frame(title, html) {
  // sandbox="" : no scripts, no forms, an opaque origin; the page's CSP also applies.
  return h('iframe', { class: 'report', sandbox: '', title, srcdoc: html, id: 'report-frame' });
}

export async function render() {
  const data = await gql(QUERY);
  const viewer = h('div', { id: 'report-view', tabindex: '-1' });
  const names = new Map(data.reportSchedules.map((s) => [s.dbId, s.name]));

  async function openArchive(id) {
    viewer.replaceChildren(h('p', { class: 'loading' }, t('loading')));
    try {
      const a = (await gql(ARCHIVE, { id: String(id) })).reportArchive;
      const inlineFiles = await Promise.all(a.files.filter((f) => f.role === 'inline')
        .map(async (f) => ({ name: f.name, url: await dataUrl(await reportFile(f.id)) })));
      const attachments = a.files.filter((f) => f.role !== 'inline');
      viewer.replaceChildren(h('section', { 'aria-labelledby': 'rv-h' },
        h('h3', { id: 'rv-h' }, `${t('archive')}: ${a.subject}`),
        h('p', {}, a.verified ? `✓ ${t('verified')}` : h('strong', {}, `✗ ${t('notVerified')}`), ` — ${a.scopeName}, ${day(a.reportDate)}`),
        attachments.length ? h('ul', {}, attachments.map((f) => h('li', {}, h('button', {
          type: 'button',
          onclick: async () => {
            const blob = await reportFile(f.id);
            const { download } = await import('./ui.js');
            download(f.name, blob);
          },
        }, `${f.name} (${num(f.size / 1024, 0)} kB)`)))) : null,
        frame(t('reportFrame'), inline(a.html, inlineFiles))));
      viewer.focus();
    } catch (e) {
      viewer.replaceChildren(errorBox(e));
    }
  }

  async function preview(id) {
    viewer.replaceChildren(h('p', { class: 'loading' }, t('loading')));
    try {
      const p = (await gql(PREVIEW, { id: String(id) })).previewReport;
      const files = p.files.filter((f) => f.role === 'inline').map((f) => ({ name: f.name, url: `data:${f.contentType};base64,${f.base64}` }));
      viewer.replaceChildren(h('section', {}, h('h3', {}, `${t('preview')}: ${p.subject}`), frame(t('previewFrame'), inline(p.html, files))));
      viewer.focus();
    } catch (e) {
      viewer.replaceChildren(errorBox(e));
    }
  }

  async function runNow(id, button) {
    if (!window.confirm(t('confirmRun'))) return;
    button.disabled = true;
    try {
      const r = (await gql(RUN_NOW, { id: String(id) })).runReportNow;
      say(`${t('runs')} #${r.dbId}: ${r.status}`);
      (await import('./app.js')).route({ quiet: true });
    } catch (e) {
      viewer.replaceChildren(errorBox(e));
    } finally {
      button.disabled = false;
    }
  }

  const schedules = h('div', { class: 'tablebox' }, h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('schedules') },
    h('table', {}, h('caption', {}, t('schedules')),
      h('thead', {}, h('tr', {}, [t('name'), 'Cron', t('status'), t('nextRuns'), t('recipients'), t('actions')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, data.reportSchedules.map((s) => h('tr', {},
        h('th', { scope: 'row' }, s.name),
        h('td', {}, h('code', {}, s.cron), ` (${s.timeZone})`),
        h('td', {}, s.enabled ? `▶ ${t('enabled')}` : `⏸ ${t('paused')}`),
        h('td', {}, s.nextFireTimes.map((x) => h('div', {}, time(x)))),
        h('td', {}, s.recipients.map((r) => h('div', {}, `${r.displayName} <${r.address}>${r.areaCode ? ` [${r.areaCode}]` : ''}`))),
        h('td', {},
          h('button', { type: 'button', onclick: () => preview(s.id) }, t('preview')), ' ',
          h('button', { type: 'button', onclick: (ev) => runNow(s.id, ev.currentTarget) }, t('runNow')))))))));

  const runs = h('div', { class: 'tablebox' }, h('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': t('runs') },
    h('table', { id: 'runs' }, h('caption', {}, t('runs')),
      h('thead', {}, h('tr', {}, ['#', t('schedules'), t('status'), t('started'), t('deliveries'), t('archive')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, data.reportRuns.map((r) => h('tr', {},
        h('th', { scope: 'row' }, String(r.dbId)),
        h('td', {}, names.get(r.scheduleId) ?? String(r.scheduleId), ` (${r.trigger})`),
        h('td', {}, runStatus(r.status), r.error ? h('div', { class: 'muted' }, r.error) : null),
        h('td', {}, time(r.startedAt), r.durationSeconds !== null ? ` (${num(r.durationSeconds, 1)} s)` : ''),
        h('td', {}, r.deliveries.map((d) => h('div', {}, runStatus(d.status), ` ${d.address} (${d.attempts} ${t('attempts')})`, d.lastError ? h('div', { class: 'muted' }, d.lastError) : null))),
        h('td', {}, r.archives.map((a) => h('div', {}, h('button', { type: 'button', class: 'open-archive', onclick: () => openArchive(a.id) }, `${t('open')}: ${a.scopeName}, ${day(a.reportDate)}`))))))))));

  return h('section', { 'aria-labelledby': 'rp-h' }, h('h2', { id: 'rp-h' }, t('reports')), schedules, runs, viewer);
}
