// The account: who is signed in, a copy of one's data (export), erasure, signing out.
import { api, clearSession, download, poll } from '../api.js';
import { append, h, replace, T } from '../dom.js';
import { busy, checkbox, errorMessage, formStatus, setFormError } from '../forms.js';
import { keepsOfflineCopy, setKeepOfflineCopy } from '../offline.js';
import { announce, navigate } from '../shell.js';

function exportSection(signal) {
  const result = h('div', { 'aria-live': 'polite' });
  const form = h('form', { 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title', ...T('account.export_title') }),
    h('p', T('account.export_intro')),
    h('button', { type: 'submit', class: 'secondary', ...T('account.export') }),
    formStatus(), result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        replace(result, h('p', { class: 'spinner', ...T('account.export_gathering') }));
        const started = await api.post('/api/v1/accounts/me/exports', undefined, { signal });
        const ready = await poll(`/api/v1/accounts/me/exports/${encodeURIComponent(started.export_id)}`,
          { done: (body) => body.status === 'ready', signal });
        if (!ready) {
          replace(result, h('p', T('account.export_slow')));
          return;
        }
        const blob = new Blob([JSON.stringify(ready, null, 2)], { type: 'application/json' });
        const filename = `bob-export-${ready.export_id}.json`;
        replace(result, h('p', { class: 'notice ok', ...T('account.export_ready') }),
          h('p', {}, h('button', { type: 'button', 'data-testid': 'export-download',
            onclick: () => download(blob, filename), ...T('account.export_download') })));
      } catch (error) {
        if (error.name === 'AbortError') return;
        replace(result);
        setFormError(form, errorMessage(error));
      }
    });
  });
  return form;
}

function eraseSection() {
  const confirm = h('div', { hidden: true, role: 'group', 'aria-labelledby': 'erase-confirm-text' },
    h('p', { id: 'erase-confirm-text', class: 'notice', tabindex: '-1', ...T('account.erase_confirm') }));
  const form = h('form', { 'aria-labelledby': 'erase-title' },
    h('h2', { id: 'erase-title', ...T('account.erase_title') }),
    h('p', T('account.erase_intro')),
    confirm, formStatus());
  const start = h('button', { type: 'button', class: 'danger', ...T('account.erase') });
  const yes = h('button', { type: 'submit', class: 'danger', ...T('account.erase_yes') });
  const no = h('button', { type: 'button', class: 'secondary', ...T('account.erase_no') });
  append(confirm, h('div', { class: 'actions' }, yes, no));
  append(form, start);
  // Two steps: nothing is erased without an explicit second click.
  start.addEventListener('click', () => {
    confirm.hidden = false;
    start.hidden = true;
    confirm.querySelector('p').focus();
  });
  no.addEventListener('click', () => {
    confirm.hidden = true;
    start.hidden = false;
    start.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        await api.delete('/api/v1/accounts/me');
        clearSession();
        announce('account.erased');
        navigate('#/');
      } catch (error) {
        setFormError(form, errorMessage(error));
      }
    });
  });
  return form;
}

async function signOut() {
  try {
    await api.post('/api/v1/auth/sign-out');
  } catch {
    // signed out here whatever the server says: the tokens are dropped below
  }
  clearSession();
  announce('account.signed_out');
  navigate('#/');
}

function deviceSection() {
  const choice = checkbox({ name: 'keep_offline', label: 'account.offline_keep', checked: keepsOfflineCopy() });
  choice.querySelector('input').addEventListener('change', (event) => setKeepOfflineCopy(event.target.checked));
  return h('section', { class: 'card', 'aria-labelledby': 'offline-title' },
    h('h2', { id: 'offline-title', ...T('account.offline_title') }),
    h('p', T('account.offline_intro')),
    choice);
}

export default {
  title: 'account.title',
  auth: 'any',
  async render({ main, session, signal }) {
    let account = session.account;
    try {
      account = await api.get('/api/v1/accounts/me', { signal });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      // the stored copy is good enough to show
    }
    append(main,
      h('h1', T('account.title')),
      h('section', { class: 'card' },
        h('p', {}, h('span', T('account.email')), ' ', h('strong', { 'data-testid': 'account-email' }, account.email ?? '')),
        h('p', {}, h('span', T('account.roles')), ' ',
          (account.roles ?? []).map((role, i) => [i ? ', ' : '', h('span', T(`role.${role}`))])),
        h('button', { type: 'button', class: 'secondary', onclick: signOut, ...T('account.sign_out') })),
      deviceSection(),
      h('section', { class: 'card' }, exportSection(signal)),
      h('section', { class: 'card' }, eraseSection()));
  },
};
