// Unit page: one commune-level unit on a day (officers, chief's rank and, for analysts and
// admins only, names; headquarters, committee seats, awards), its periods and its lineage
// (what it was made from and what it became). A unit outside the token's scope is not
// shown: the server answers null, and so does this page.

import { gql } from './api.js';
import { t, lang, num, day } from './i18n.js';
import { h, field } from './ui.js';
import { state as appState, setDay, shownDay } from './app.js';

const UNIT = (names) => `query Unit($code: String!, $on: NaiveDate) {
  unit(code: $code, on: $on) { code name nameEn kind districtCode district { name } provinceCode validFrom validTo officerCount
    chief { rank position${names ? ' fullName' : ''} }
    headquarters { model status(on: $on) address targetDate inUseOn }
    partyMemberships { body term startedOn endedOn officer { rank position${names ? ' fullName' : ''} } }
    awards { form issuer recipientKind awardedOn reason } } }`;

const LINK = 'unit { code name validFrom validTo } districtCode known share change resolution effectiveOn';
const HISTORY = `query History($code: String!, $on: NaiveDate) {
  unitPeriods(code: $code) { code name kind validFrom validTo districtName }
  unitLineage(code: $code, on: $on) { predecessors { ${LINK} } successors { ${LINK} } } }`;

const VI = {
  XA: 'Xã', PHUONG: 'Phường', THI_TRAN: 'Thị trấn', DAC_KHU: 'Đặc khu',
  CHIEF: 'Trưởng Công an', DEPUTY: 'Phó Trưởng Công an', OFFICER: 'Cán bộ, chiến sĩ',
  NEW: 'Mô hình mới', LEGACY: 'Trụ sở cũ', TEMPORARY: 'Tạm', SHARED: 'Dùng chung',
  PLANNED: 'Kế hoạch', APPROVED: 'Đã phê duyệt', UNDER_CONSTRUCTION: 'Đang xây dựng', IN_USE: 'Đang sử dụng', CLOSED: 'Ngừng sử dụng',
  EXECUTIVE_COMMITTEE: 'Ban Chấp hành', STANDING_COMMITTEE: 'Ban Thường vụ',
  CERTIFICATE_OF_MERIT: 'Bằng khen', CERTIFICATE_OF_COMMENDATION: 'Giấy khen',
  MINISTER: 'Bộ trưởng Bộ Công an', PROVINCIAL_CHAIRMAN: 'Chủ tịch UBND tỉnh', DIRECTOR: 'Giám đốc Công an tỉnh',
  THIEU_UY: 'Thiếu úy', TRUNG_UY: 'Trung úy', THUONG_UY: 'Thượng úy', DAI_UY: 'Đại úy',
  THIEU_TA: 'Thiếu tá', TRUNG_TA: 'Trung tá', THUONG_TA: 'Thượng tá', DAI_TA: 'Đại tá',
};

// An enum value in words (Vietnamese names; English: the value, capitalised).
function word(v) {
  if (!v) return '—';
  if (lang === 'vi' && VI[v]) return VI[v];
  const s = v.toLowerCase().replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export async function render(args, state) {
  const code = args[0] ?? '';
  const dayIso = await shownDay();
  const dayInput = h('input', { type: 'date', value: dayIso, name: 'day' });
  const codeInput = h('input', { type: 'text', value: code, name: 'code', inputmode: 'numeric', autocomplete: 'off', size: 8 });
  const form = h('form', {
    class: 'controls',
    onsubmit: (ev) => {
      ev.preventDefault();
      setDay(dayInput.value);
      const next = `#/unit/${encodeURIComponent(codeInput.value.trim())}`;
      if (location.hash === next) import('./app.js').then((m) => m.route());
      else location.hash = next;
    },
  }, field(t('unitCode'), codeInput), field(t('day'), dayInput), h('button', { type: 'submit', class: 'primary' }, t('show')));
  if (!code) return h('section', {}, h('h2', {}, t('unit')), form);
  const names = appState.me.role !== 'VIEWER';
  const data = await gql(UNIT(names), { code, on: dayIso });
  const u = data.unit;
  if (!u) {
    return h('section', {}, h('h2', {}, `${t('unit')} ${code}`), form, h('p', { class: 'error', role: 'alert', id: 'not-in-scope' }, t('notInScope')));
  }
  const hist = await gql(HISTORY, { code, on: dayIso });
  const chief = u.chief;
  const facts = h('dl', {},
    h('dt', {}, t('kind')), h('dd', {}, word(u.kind)),
    h('dt', {}, t('district')), h('dd', {}, u.district?.name ?? u.districtCode ?? '—'),
    h('dt', {}, t('officerCount')), h('dd', { id: 'officer-count' }, num(u.officerCount)),
    h('dt', {}, t('chief')), h('dd', {}, chief ? `${word(chief.rank)}${names && chief.fullName ? ` — ${chief.fullName}` : ''}` : t('noChief')),
    h('dt', {}, t('validFrom')), h('dd', {}, `${day(u.validFrom)} – ${u.validTo ? day(u.validTo) : t('stillValid')}`));
  const list = (items, fmt) => (items.length ? h('ul', {}, items.map((x) => h('li', {}, fmt(x)))) : h('p', { class: 'muted' }, t('none')));
  const period = (p) => `${p.name} (${p.code}): ${day(p.validFrom)} – ${p.validTo ? day(p.validTo) : t('stillValid')}${p.districtName ? `, ${p.districtName}` : ''}`;
  const link = (l) => {
    const end = l.unit ? h('a', { href: `#/unit/${encodeURIComponent(l.unit.code)}` }, `${l.unit.name} (${l.unit.code})`) : (l.districtCode ?? '?');
    return [end, ` — ${l.change}${l.share === 'PART' ? ' (một phần / part)' : ''}, ${day(l.effectiveOn)}${l.resolution ? `, ${l.resolution}` : ''}`];
  };
  const lineage = hist.unitLineage;
  return h('section', { 'aria-labelledby': 'un-h' },
    h('h2', { id: 'un-h' }, `${lang === 'en' ? u.nameEn : u.name} (${u.code}) — ${day(dayIso)}`),
    form,
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('h3', {}, t('facts')), facts),
      h('div', { class: 'card' }, h('h3', {}, t('headquarters')),
        list(u.headquarters, (q) => `${word(q.model)}: ${word(q.status)}${q.address ? `, ${q.address}` : ''}${q.inUseOn ? ` (${day(q.inUseOn)})` : q.targetDate ? ` (${t('targetBy')} ${day(q.targetDate)})` : ''}`)),
      h('div', { class: 'card' }, h('h3', {}, t('seats')),
        list(u.partyMemberships, (m) => `${word(m.body)} ${m.term} (${day(m.startedOn)} – ${m.endedOn ? day(m.endedOn) : t('stillValid')}): ${word(m.officer?.position)} ${word(m.officer?.rank)}${names && m.officer?.fullName ? ` — ${m.officer.fullName}` : ''}`)),
      h('div', { class: 'card' }, h('h3', {}, t('awards')),
        list(u.awards, (a) => `${day(a.awardedOn)}: ${word(a.form)}, ${word(a.issuer)} — ${a.reason}`))),
    h('div', { class: 'cards' },
      h('div', { class: 'card' }, h('h3', {}, t('history')), list(hist.unitPeriods, period)),
      h('div', { class: 'card', id: 'lineage' }, h('h3', {}, t('lineage')),
        h('h4', {}, t('predecessors')), list(lineage?.predecessors ?? [], link),
        h('h4', {}, t('successors')), list(lineage?.successors ?? [], link))));
}
