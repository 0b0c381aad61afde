// One review for a helper: download the document (it needs the bearer token, so it is fetched, then saved
// from a blob), read it, and send the review text.
import { api, ApiError, download, request } from '../api.js';
import { append, h, replace, T } from '../dom.js';
import { busy, checkForm, errorMessage, formStatus, say, setFormError, showApiError, textarea } from '../forms.js';
import { t } from '../i18n.js';
import { announce } from '../shell.js';

const EXTENSIONS = { 'application/pdf': 'pdf', 'text/plain': 'txt',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx' };
const PREVIEW_CHARS = 20000;

function documentPath(review) {
  const url = review.document_url ?? '';
  return url.startsWith('/api/') ? url : `/api/v1/reviews/${encodeURIComponent(review.review_id)}/document`;
}

function documentSection(review) {
  const preview = h('div');
  const problem = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'button', class: 'secondary', ...T('review.download') });
  const fetchDocument = async () => {
    const response = await request(documentPath(review), { raw: true });
    const type = (response.headers.get('Content-Type') ?? '').split(';')[0].trim();
    return { blob: await response.blob(), type };
  };
  button.addEventListener('click', async () => {
    say(problem, '');
    try {
      const { blob, type } = await fetchDocument();
      download(blob, `${t(`doc.${review.kind}`)}-${review.review_id}.${EXTENSIONS[type] ?? 'bin'}`);
    } catch (error) {
      say(problem, errorMessage(error));
    }
  });
  // Plain text can be shown right here (as text, never as HTML).
  fetchDocument().then(async ({ blob, type }) => {
    if (type === 'text/plain') {
      replace(preview, h('h3', T('review.preview')),
        h('pre', { class: 'document-preview', 'data-testid': 'document-preview', tabindex: '0' },
          (await blob.text()).slice(0, PREVIEW_CHARS)));
    }
  }).catch(() => {});
  return h('section', { class: 'card', 'aria-labelledby': 'document-title' },
    h('h2', { id: 'document-title', ...T('review.document') }),
    h('p', T('review.document_intro')),
    button, problem, preview);
}

function reviewForm(review, onSent) {
  const form = h('form', { novalidate: true, 'aria-labelledby': 'review-form-title' },
    h('h2', { id: 'review-form-title', ...T('review.your_review') }),
    textarea({ name: 'text', label: 'review.text', hint: 'review.text_hint', required: true,
      minlength: 10, maxlength: 10000, rows: 10 }),
    formStatus(),
    h('button', { type: 'submit', ...T('review.send') }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkForm(form)) return;
    await busy(form, async () => {
      try {
        const updated = await api.post(`/api/v1/reviews/${encodeURIComponent(review.review_id)}`,
          { text: form.elements.namedItem('text').value.trim() });
        announce('review.sent');
        onSent(updated);
      } catch (error) {
        if (error instanceof ApiError && (error.status === 409 || error.status === 410)) {
          setFormError(form, { key: 'review.closed' });
        } else {
          showApiError(form, error);
        }
      }
    });
  });
  return form;
}

export default {
  title: 'review.title',
  auth: 'helper',
  async render({ main, params, signal }) {
    let review;
    try {
      review = await api.get(`/api/v1/reviews/${encodeURIComponent(params.id)}`, { signal });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      const key = error instanceof ApiError && error.status === 404 ? 'review.not_found' : null;
      append(main, h('h1', T('review.title')),
        say(h('p', { role: 'alert' }), key ? { key } : errorMessage(error)),
        h('p', {}, h('a', { href: '#/helper/reviews', ...T('nav.helper_reviews') })));
      return;
    }
    const state = h('p', {}, h('span', { class: 'badge NOT_RELEVANT', 'data-testid': 'review-state',
      ...T(`helper.state.${review.state}`) }));
    const after = h('div');
    const showDone = (updated) => {
      state.querySelector('span').setAttribute('data-i18n', `helper.state.${updated.state}`);
      replace(after, h('p', { class: 'notice ok', role: 'status', 'data-testid': 'review-thanks', ...T('review.thanks') }),
        h('p', {}, h('a', { href: '#/helper/reviews', ...T('nav.helper_reviews') })));
    };
    append(main,
      h('h1', {}, h('span', T('review.title')), ' – ', h('span', T(`doc.${review.kind}`))),
      state,
      h('p', { class: 'lead', ...T('review.intro') }),
      documentSection(review),
      after);
    if (review.state === 'SENT') append(after, h('section', { class: 'card' }, reviewForm(review, showDone)));
    else append(after, h('p', T(review.state === 'DONE' ? 'review.already_done' : 'review.timed_out')));
  },
};
