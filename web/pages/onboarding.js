// The onboarding in steps (you, your project, your search, what holds you back, how often we may write): each
// step is checked and saved as a server-side draft (PUT /profiles/me/draft), so the person resumes where they left
// off, on any device; a short hint follows each step. The last step submits the whole profile (POST or PUT) and
// drops the draft. Field names are the API's paths, so validation errors come back next to the right field.
import { api, ApiError } from '../api.js';
import { append, h, replace, T } from '../dom.js';
import { busy, checkForm, fieldError, formStatus, setFormError, showApiError } from '../forms.js';
import { jobPicker } from '../job-picker.js';
import { announce, navigate } from '../shell.js';
import { merged, P, steps } from './onboarding-steps.js';

const DRAFT = '/api/v1/profiles/me/draft';
const fromDraftPath = (path) => path.replace(/^profile\./, ''); // the draft's errors name `profile.<field>`

async function orNull(request) {
  try {
    return await request;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

async function submit(profileId, body, exists) {
  if (exists) return api.put(`/api/v1/profiles/${profileId}`, body);
  try {
    return await api.post('/api/v1/profiles', body);
  } catch (error) {
    // Saved meanwhile (another tab, a retried request): this is an update then.
    if (error instanceof ApiError && error.status === 409) return api.put(`/api/v1/profiles/${profileId}`, body);
    throw error;
  }
}

function progress(all, index) {
  return h('nav', { class: 'steps', 'data-i18n-aria-label': 'onb.progress' },
    h('p', { 'data-testid': 'step-count', ...T('onb.step_of', { n: index + 1, total: all.length }) }),
    h('progress', { max: all.length, value: index + 1, 'aria-hidden': 'true' }),
    h('ol', { class: 'step-list' }, all.map((step, i) => h('li', {
      class: i < index ? 'done' : i === index ? 'current' : '', 'aria-current': i === index ? 'step' : null,
    }, h('span', T(step.title))))));
}

export default {
  title: 'onb.title',
  auth: 'job_seeker',
  async render({ main, session, signal }) {
    const profileId = session.account.account_id;
    const [existing, draft] = await Promise.all([
      orNull(api.get(`/api/v1/profiles/${profileId}`, { signal })), orNull(api.get(DRAFT, { signal }))]);
    let answers = merged(existing?.profile ?? {}, draft?.profile ?? {});
    const job = jobPicker({ name: `${P}target_job`, label: 'onb.job', hint: 'onb.job_hint',
      initial: answers.projects?.[0]?.target_job });
    const all = steps(session.account, job);
    const saved = new Set(draft?.steps ?? []);
    // Resume at the first step not saved yet (the last one when all were).
    let index = Math.max(0, all.findIndex((step) => !saved.has(step.id)));
    if (saved.size && index === 0 && saved.has(all[0].id)) index = all.length - 1;
    const hint = h('div', { class: 'notice hint-box', role: 'status', 'data-testid': 'step-hint' });
    const body = h('div');

    const show = (next, focus = true) => {
      index = next;
      const step = all[index];
      const last = index === all.length - 1;
      const form = h('form', { novalidate: true, 'aria-labelledby': 'step-title' },
        h('fieldset', {}, h('legend', { id: 'step-title', ...T(step.title) }), step.fields(answers)),
        formStatus(),
        h('div', { class: 'actions' },
          index > 0 ? h('button', { type: 'button', class: 'secondary', 'data-back': '', ...T('onb.back') }) : null,
          h('button', { type: 'submit', ...T(last ? (existing ? 'onb.update' : 'onb.submit') : 'onb.next') })));
      form.querySelector('[data-back]')?.addEventListener('click', () => { replace(hint); show(index - 1); });
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        if (!checkForm(form)) return;
        if (step.id === 'project' && !job.selected() && job.typed()) {
          fieldError(form, `${P}target_job`, { key: 'onb.job_pick' });
          setFormError(form, { key: 'error.check_fields', vars: { count: 1 } });
          form.querySelector('[role="combobox"]').focus();
          return;
        }
        const stepAnswers = step.read(form);
        await busy(form, async () => {
          try {
            const stored = await api.put(DRAFT, { step: step.id, profile: stepAnswers });
            answers = merged(answers, stored.profile);
            if (last) {
              await submit(profileId, answers, existing !== null);
              await api.delete(DRAFT).catch(() => undefined); // a stale draft only pre-fills the form
              announce('onb.saved');
              navigate('#/diagnosis');
              return;
            }
            const said = step.hint ? await step.hint(stepAnswers, signal) : null;
            replace(hint, said);
            show(index + 1);
          } catch (error) {
            showApiError(form, error, fromDraftPath);
          }
        });
      });
      replace(body, progress(all, index), hint, form);
      if (focus) form.querySelector('input, select, textarea, [role="combobox"]')?.focus();
    };

    append(main,
      h('h1', { id: 'onboarding-title', ...T(existing ? 'onb.title_edit' : 'onb.title') }),
      h('p', { class: 'lead', ...T('onb.intro') }),
      h('p', { class: 'muted', ...T('onb.privacy') }),
      body);
    show(index, false);
  },
};
