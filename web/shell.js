// Helpers pages share with the router: moving between pages, announcing, where to land after signing in.
import { t } from './i18n.js';

const NEXT_KEY = 'bob.next'; // where to go after signing in (localStorage: the magic link opens a new tab)
const ROLE_KEY = 'bob.role'; // the role asked for at sign-in, to pick the landing page

export function navigate(hash) {
  if (location.hash === hash) document.dispatchEvent(new Event('bob:rerender'));
  else location.hash = hash;
}

/** Change the address without a new render, e.g. to drop a one-time token from the address bar and history. */
export function rewriteAddress(hash) {
  history.replaceState(null, '', `${location.pathname}${hash}`);
  document.dispatchEvent(new CustomEvent('bob:rewritten', { detail: hash }));
}

/** Say something to screen reader users through the page's polite live region. */
export function announce(key, vars) {
  const status = document.getElementById('status');
  status.textContent = '';
  // Setting the text after a tick makes screen readers repeat a message identical to the previous one.
  setTimeout(() => { status.textContent = t(key, vars); }, 50);
}

export function rememberNext(hash) {
  localStorage.setItem(NEXT_KEY, hash);
}

export function rememberRole(role) {
  localStorage.setItem(ROLE_KEY, role);
}

/** Where a signed-in person lands: the page they were sent away from, or their role's home. */
export function landingFor(session) {
  const next = localStorage.getItem(NEXT_KEY);
  if (next) {
    localStorage.removeItem(NEXT_KEY);
    return next;
  }
  const roles = session?.account?.roles ?? [];
  const preferHelper = localStorage.getItem(ROLE_KEY) === 'helper';
  if (roles.includes('helper') && (preferHelper || !roles.includes('job_seeker'))) return '#/helper/reviews';
  if (roles.includes('job_seeker')) return '#/diagnosis';
  if (roles.includes('operator')) return '#/operator';
  return '#/account';
}
