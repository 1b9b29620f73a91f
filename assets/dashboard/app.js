// The dashboard's shell: sign-in, who is signed in (role, scope), the pages the role may
// open, the hash router (#/overview, #/unit/21010, ...), the language switch, and the
// refresh when the data changes (live.js).

import { gql, setToken, token, ApiError } from './api.js';
import { t, lang, setLang } from './i18n.js';
import { h, field, errorBox, say, todayIso } from './ui.js';
import { watch } from './live.js';

// What every page shares: who is signed in, the indicators' definitions, the day.
export const state = {
  me: null,
  defs: [],
  day: null,
  scope: { kind: 'all', code: null },
};

// [route, word, may(me)]: the pages in order, and who may open each.
const PAGES = [
  ['overview', 'overview', () => true, () => import('./overview.js')],
  ['breakdown', 'breakdown', () => true, () => import('./breakdown.js')],
  ['gaps', 'gaps', () => true, () => import('./gaps.js')],
  ['unit', 'unit', () => true, () => import('./unit.js')],
  ['series', 'series', () => true, () => import('./series.js')],
  ['trajectory', 'trajectory', () => true, () => import('./trajectory.js')],
  ['analytics', 'analytics', (me) => me.role !== 'VIEWER', () => import('./analytics.js')],
  ['reports', 'reports', (me) => me.role === 'ADMIN' && !me.areaCode, () => import('./reports.js')],
];

const ME = `{ me { name role areaCode } areas { code name kind }
  indicatorDefinitions { code name nameEn unit decimals target targetDate description denominator } }`;

let stopWatching = null;

async function start() {
  document.documentElement.lang = lang;
  window.addEventListener('hashchange', route);
  if (!token()) return signInScreen();
  try {
    await loadMe();
  } catch (e) {
    if (e instanceof ApiError && (e.code === 'UNAUTHENTICATED' || e.code === 'HTTP_401')) {
      setToken(null);
      return signInScreen(e);
    }
    return fail(e);
  }
  shell();
  await route();
}

async function loadMe() {
  const data = await gql(ME);
  state.me = { ...data.me, areas: data.areas };
  state.defs = data.indicatorDefinitions;
  state.day = state.day ?? sessionStorage.getItem('coso.day') ?? null;
}

function fail(e) {
  document.getElementById('main').replaceChildren(errorBox(e));
}

function signInScreen(error) {
  document.getElementById('top').replaceChildren(h('h1', {}, t('title')), langButton());
  document.getElementById('nav').replaceChildren();
  const input = h('input', { type: 'password', autocomplete: 'off', spellcheck: 'false', required: true, name: 'token' });
  const form = h('form', {
    class: 'signin',
    onsubmit: async (ev) => {
      ev.preventDefault();
      setToken(input.value.trim());
      input.value = '';
      try {
        await loadMe();
      } catch (e) {
        setToken(null);
        return signInScreen(e);
      }
      shell();
      if (!location.hash || location.hash === '#') location.hash = '#/overview';
      else await route();
    },
  },
  h('h2', {}, t('signInTitle')),
  h('p', {}, t('signInHelp')),
  error ? errorBox(error) : null,
  field(t('token'), input),
  h('button', { type: 'submit', class: 'primary' }, t('signIn')));
  document.getElementById('main').replaceChildren(form);
  input.focus();
}

function langButton() {
  return h('button', {
    type: 'button', class: 'lang', lang: lang === 'vi' ? 'en' : 'vi', 'aria-label': t('languageLabel'),
    onclick: () => {
      setLang(lang === 'vi' ? 'en' : 'vi');
      if (state.me) {
        shell();
        route();
      } else signInScreen();
    },
  }, t('language'));
}

function scopeText(me) {
  if (!me.areaCode) return t('wholeProvince');
  const area = me.areas.find((a) => a.code === me.areaCode);
  return area ? `${area.name} (${area.code})` : me.areaCode;
}

function shell() {
  const me = state.me;
  document.querySelector('.skip').textContent = t('skip');
  document.getElementById('top').replaceChildren(
    h('h1', {}, t('title')),
    h('dl', { class: 'who' },
      h('div', {}, h('dt', {}, t('role')), h('dd', { id: 'role' }, t(me.role))),
      h('div', {}, h('dt', {}, t('scope')), h('dd', { id: 'scope' }, scopeText(me)))),
    langButton(),
    h('button', {
      type: 'button',
      onclick: () => {
        setToken(null);
        state.me = null;
        if (stopWatching) stopWatching();
        location.hash = '';
        signInScreen();
      },
    }, t('signOut')),
  );
  const current = currentRoute()[0];
  document.getElementById('nav').replaceChildren(h('ul', {}, PAGES.filter(([, , may]) => may(me)).map(([r, word]) =>
    h('li', {}, h('a', { href: `#/${r}`, 'aria-current': r === current ? 'page' : null }, t(word))))));
  if (stopWatching) stopWatching();
  stopWatching = watch(() => {
    say(t('refreshed'));
    route({ quiet: true });
  });
}

function currentRoute() {
  const [path] = location.hash.replace(/^#\/?/, '').split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return parts.length ? parts : ['overview'];
}

let generation = 0;

// Draws the page of the hash; `quiet`: a refresh in place (focus and scroll kept).
export async function route(opts = {}) {
  if (!state.me) return;
  const [name, ...args] = currentRoute();
  const page = PAGES.find(([r, , may]) => r === name && may(state.me));
  document.querySelectorAll('#nav a').forEach((a) => {
    if (a.getAttribute('href') === `#/${name}`) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  const main = document.getElementById('main');
  if (!page) {
    location.hash = '#/overview';
    return;
  }
  const mine = ++generation;
  if (!opts.quiet) main.replaceChildren(h('p', { class: 'loading' }, t('loading')));
  try {
    const mod = await page[3]();
    // A refresh keeps what the user typed or chose: pages opt in by exporting `refreshable`.
    if (opts.quiet && !mod.refreshable) return;
    const node = await mod.render(args, state);
    if (mine !== generation) return;
    const scrollY = window.scrollY;
    main.replaceChildren(node);
    // When the page is on screen (`coso:drawn:<page>`): what the timing of the README reads.
    requestAnimationFrame(() => performance.mark(`coso:drawn:${name}`));
    document.title = `${t(page[1])} — coso`;
    if (opts.quiet) window.scrollTo(0, scrollY);
    else main.focus({ preventScroll: true });
  } catch (e) {
    if (mine !== generation) return;
    if (e instanceof ApiError && e.code === 'UNAUTHENTICATED') {
      setToken(null);
      state.me = null;
      return signInScreen(e);
    }
    main.replaceChildren(errorBox(e));
  }
}

// The day the pages show: the one picked, else the server's "today" (asked once).
let serverToday = null;
export async function shownDay() {
  if (state.day) return state.day;
  if (!serverToday) {
    const probe = await gql('{ indicators(codes: ["staffing_ratio"], groupBy: [PROVINCE]) { asOf } }');
    serverToday = probe.indicators[0]?.asOf ?? todayIso();
  }
  return serverToday;
}

// The day the pages show (the server's "today" until one is picked).
export function setDay(iso) {
  state.day = iso || null;
  if (iso) sessionStorage.setItem('coso.day', iso);
  else sessionStorage.removeItem('coso.day');
}

export { todayIso };

start();
