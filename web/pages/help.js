// Bob Action for the job seeker: ask volunteers to review a CV or cover letter, opt in to a coffee with a
// professional, and read the reviews received.
import { api } from '../api.js';
import { append, h, replace, T } from '../dom.js';
import {
  busy, checkbox, checkForm, errorMessage, fieldError, formStatus, input, say, select, setFormError, showApiError,
  showNotice,
} from '../forms.js';
import { announce } from '../shell.js';
import { latestProfile } from './diagnosis.js';

const MAX_BYTES = 5 * 1024 * 1024;
const ACCEPT = '.pdf,.docx,.txt,application/pdf,text/plain,'
  + 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const REFRESH_MS = 5000;

function uploadForm(onUploaded) {
  const form = h('form', { novalidate: true, 'aria-labelledby': 'upload-title' },
    h('h2', { id: 'upload-title', ...T('help.upload_title') }),
    h('p', T('help.upload_intro')),
    select({ name: 'kind', label: 'help.kind', empty: null,
      options: [['RESUME', 'doc.RESUME'], ['COVER_LETTER', 'doc.COVER_LETTER']] }),
    input({ name: 'file', label: 'help.file', hint: 'help.file_hint', type: 'file', accept: ACCEPT, required: true }),
    formStatus(),
    h('button', { type: 'submit', ...T('help.upload') }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkForm(form)) return;
    const file = form.elements.namedItem('file').files[0];
    if (file.size > MAX_BYTES) {
      fieldError(form, 'file', { key: 'error.too_big' });
      setFormError(form, { key: 'error.check_fields', vars: { count: 1 } });
      return;
    }
    const body = new FormData();
    body.append('file', file);
    body.append('kind', form.elements.namedItem('kind').value);
    await busy(form, async () => {
      try {
        await api.upload('/api/v1/documents', body);
        form.reset();
        showNotice(form, 'help.uploaded');
        onUploaded();
      } catch (error) {
        if (error.status === 415) setFormError(form, { key: 'help.bad_type' });
        else showApiError(form, error);
      }
    });
  });
  return form;
}

function coffeeForm(project, coffee) {
  const target = project?.target_job;
  const form = h('form', { novalidate: true, 'aria-labelledby': 'coffee-title' },
    h('h2', { id: 'coffee-title', ...T('help.coffee_title') }),
    h('p', T('help.coffee_intro')));
  if (!target) {
    append(form, h('p', {}, h('span', T('help.coffee_needs_job')), ' ',
      h('a', { href: '#/onboarding', ...T('diag.edit_profile') })));
    return form;
  }
  const state = h('p', { 'data-testid': 'coffee-state' });
  const showState = (current) => {
    const key = !current?.opted_in ? 'help.coffee_off' : current.matched ? 'help.coffee_matched' : 'help.coffee_waiting';
    state.setAttribute('data-i18n', key);
  };
  showState(coffee);
  append(form, state,
    checkbox({ name: 'opt_in', label: 'help.coffee_opt_in', checked: Boolean(coffee?.opted_in) }),
    ...formStatus(),
    h('button', { type: 'submit', ...T('help.coffee_save') }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        const answer = await api.post('/api/v1/help-requests/coffee', {
          opt_in: form.elements.namedItem('opt_in').checked,
          rome_code: target.rome_code,
          city: { name: project.city.name, departement_id: project.city.departement_id },
          mobility_area: project.mobility_area ?? 'CITY',
        });
        showState(answer);
        showNotice(form, 'help.coffee_saved');
      } catch (error) {
        showApiError(form, error);
      }
    });
  });
  return form;
}

function review(item) {
  const text = item.state === 'DONE' && item.text;
  return h('li', { 'data-testid': 'review' },
    h('span', { class: `badge ${item.state === 'DONE' ? 'PASSED' : 'NOT_RELEVANT'}`, ...T(`review.state.${item.state}`) }),
    text ? h('blockquote', { class: 'review-text', 'data-testid': 'review-text' }, text) : null);
}

function documentsList(documents) {
  if (!documents.length) return h('p', T('help.no_documents'));
  return h('ul', { class: 'plain-list' }, documents.map((doc) => h('li', { class: 'card', 'data-testid': 'document' },
    h('h3', {}, h('span', T(`doc.${doc.kind}`)), ' – ', h('span', { 'data-date': doc.uploaded_at })),
    doc.reviews?.length
      ? h('ul', { class: 'plain-list' }, doc.reviews.map(review))
      : h('p', { class: 'muted', ...T('help.waiting_reviewer') }))));
}

export default {
  title: 'help.title',
  auth: 'job_seeker',
  async render({ main, session, signal }) {
    const [profile, requests] = await Promise.all([
      latestProfile(session.account.account_id, signal),
      api.get('/api/v1/help-requests', { signal }),
    ]);
    const reviews = h('div', { 'aria-live': 'polite' }, documentsList(requests.documents ?? []));
    let shown = JSON.stringify(requests.documents ?? []);
    let timer = null;
    const refreshError = h('p', { class: 'form-error', role: 'alert' });

    const refresh = async (announceChange = false) => {
      clearTimeout(timer);
      try {
        const latest = await api.get('/api/v1/help-requests', { signal });
        const now = JSON.stringify(latest.documents ?? []);
        // Only redraw when something changed, so a person reading is not disturbed every few seconds.
        if (now !== shown) {
          shown = now;
          replace(reviews, documentsList(latest.documents ?? []));
          if (announceChange) announce('help.reviews_updated');
        }
        say(refreshError, '');
      } catch (error) {
        if (error.name === 'AbortError') return;
        say(refreshError, errorMessage(error));
      }
      if (!signal.aborted) timer = setTimeout(() => refresh(true), REFRESH_MS);
    };
    signal.addEventListener('abort', () => clearTimeout(timer));

    append(main,
      h('h1', T('help.title')),
      h('p', { class: 'lead', ...T('help.intro') }),
      h('section', { class: 'card' }, uploadForm(() => refresh(false))),
      h('section', { class: 'card', 'aria-labelledby': 'reviews-title' },
        h('h2', { id: 'reviews-title', ...T('help.reviews_title') }),
        reviews,
        refreshError,
        h('button', { type: 'button', class: 'secondary', onclick: () => refresh(false), ...T('help.refresh') })),
      h('section', { class: 'card' }, coffeeForm(profile?.profile?.projects?.[0], requests.coffee)));
    timer = setTimeout(() => refresh(true), REFRESH_MS);
  },
};
