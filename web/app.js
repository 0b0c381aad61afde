// Bootstrap and hash router. Hash routes (#/diagnosis) need no server rewrite rule, and the gateway only
// serves static files.
import { getSession, hasRole } from './api.js';
import { h, replace, T } from './dom.js';
import { getLang, setLang, t, watch } from './i18n.js';
import account from './pages/account.js';
import advice from './pages/advice.js';
import diagnosis from './pages/diagnosis.js';
import help from './pages/help.js';
import helperPledge from './pages/helper-pledge.js';
import helperReviews from './pages/helper-reviews.js';
import home from './pages/home.js';
import market from './pages/market.js';
import onboarding from './pages/onboarding.js';
import operator from './pages/operator.js';
import plan from './pages/plan.js';
import review from './pages/review.js';
import signIn from './pages/sign-in.js';
import survey from './pages/survey.js';
import unsubscribe from './pages/unsubscribe.js';
import { announce, navigate, rememberNext } from './shell.js';

// Path patterns; ":name" captures one segment.
const ROUTES = [
  ['', home],
  ['sign-in', signIn],
  ['onboarding', onboarding],
  ['diagnosis', diagnosis],
  ['advice', advice],
  ['plan', plan],
  ['market', market],
  ['help', help],
  ['helper', helperPledge],
  ['helper/reviews', helperReviews],
  ['reviews/:id', review],
  ['survey/:token', survey],
  ['unsubscribe/:kind/:token', unsubscribe],
  ['account', account],
  ['operator', operator],
];

const main = document.getElementById('main');
let cleanup = null; // aborts the current page's requests and timers when another page replaces it
let rendered = null; // the hash on screen
let firstRender = true;

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  return { path: path.replace(/\/$/, ''), query: new URLSearchParams(query) };
}

function match(path) {
  const segments = path.split('/');
  for (const [pattern, page] of ROUTES) {
    const parts = pattern.split('/');
    if (parts.length !== segments.length) continue;
    const params = {};
    const ok = parts.every((part, i) => {
      if (part.startsWith(':')) {
        params[part.slice(1)] = decodeURIComponent(segments[i]);
        return segments[i] !== '';
      }
      return part === segments[i];
    });
    if (ok) return { page, params };
  }
  return null;
}

const NAV = {
  anonymous: [['#/', 'nav.home']],
  job_seeker: [['#/diagnosis', 'nav.diagnosis'], ['#/advice', 'nav.advice'], ['#/plan', 'nav.plan'],
    ['#/help', 'nav.help']],
  helper: [['#/helper/reviews', 'nav.helper_reviews'], ['#/helper', 'nav.helper_pledge']],
  operator: [['#/operator', 'nav.operator']],
};

function renderNav() {
  const session = getSession();
  const links = session
    ? [...(hasRole('job_seeker') ? NAV.job_seeker : []), ...(hasRole('helper') ? NAV.helper : []),
      ...(hasRole('operator') ? NAV.operator : []), ['#/account', 'nav.account']]
    : NAV.anonymous;
  const current = `#/${parseHash().path}`;
  replace(document.getElementById('nav'), h('ul', {},
    links.map(([href, key]) => h('li', {},
      h('a', { href, 'aria-current': href === current ? 'page' : null, ...T(key) })))));
}

function renderLangToggle() {
  const button = document.getElementById('lang-toggle');
  const other = getLang() === 'fr' ? 'en' : 'fr';
  button.lang = other;
  button.textContent = other === 'en' ? 'English' : 'Français';
  button.setAttribute('aria-label', other === 'en' ? 'Switch to English' : 'Passer en français');
}

function forbidden(role) {
  return h('section', {},
    h('h1', { tabindex: '-1', ...T('error.wrong_role_title') }),
    h('p', T({ helper: 'error.helpers_only', operator: 'error.operators_only' }[role] ?? 'error.job_seekers_only')),
    h('p', {}, h('a', { href: '#/account', ...T('nav.account') })));
}

async function render() {
  rendered = location.hash;
  const { path, query } = parseHash();
  cleanup?.();
  cleanup = null;
  renderNav();
  const found = match(path);
  if (!found) {
    replace(main, h('h1', { tabindex: '-1', ...T('error.not_found_title') }),
      h('p', {}, h('a', { href: '#/', ...T('nav.home') })));
    return focusHeading();
  }
  const { page, params } = found;
  const session = getSession();
  if (page.auth && !session) {
    rememberNext(location.hash);
    announce('signin.needed');
    return navigate('#/');
  }
  document.title = `${t(page.title)} – Bob`;
  if (page.auth && page.auth !== 'any' && !hasRole(page.auth)) {
    replace(main, forbidden(page.auth));
    return focusHeading();
  }
  const controller = new AbortController();
  cleanup = () => controller.abort();
  // Each page draws into its own element: a page left while it was still loading writes nowhere visible.
  const view = h('div');
  replace(main, view);
  try {
    await page.render({ main: view, params, query, session, signal: controller.signal });
  } catch (error) {
    if (error.name === 'AbortError' || controller.signal.aborted) return undefined;
    console.error(error);
    replace(view, h('h1', T('error.page_title')), h('p', { role: 'alert', ...T('error.unexpected') }));
  }
  return controller.signal.aborted ? undefined : focusHeading();
}

// Move focus to the new page's heading so screen readers announce it (not on first load: keep the natural start).
function focusHeading() {
  if (firstRender) {
    firstRender = false;
    return;
  }
  const heading = main.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

document.getElementById('lang-toggle').addEventListener('click', () => {
  setLang(getLang() === 'fr' ? 'en' : 'fr');
  renderLangToggle();
  const { path } = parseHash();
  const found = match(path);
  if (found) document.title = `${t(found.page.title)} – Bob`;
});

// The skip link must not change the hash (that would be a route change).
document.querySelector('.skip-link').addEventListener('click', (event) => {
  event.preventDefault();
  main.focus();
});

document.addEventListener('bob:signed-out', () => {
  announce('signin.expired');
  navigate('#/');
});

// A page may rewrite its own address (to drop a one-time token): that is no reason to render it again.
window.addEventListener('hashchange', () => {
  if (location.hash !== rendered) render();
});
document.addEventListener('bob:rerender', render);
document.addEventListener('bob:rewritten', (event) => { rendered = event.detail; });
document.documentElement.lang = getLang();
watch(document.body);
renderLangToggle();
render();

