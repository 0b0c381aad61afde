// The follow-up survey, reached from an emailed link whose token authorises it (no sign-in needed).
// "?answer=still-seeking|stopped-seeking" records the one-click answer, then the form asks for more.
import { api, ApiError } from '../api.js';
import { append, h, replace, T } from '../dom.js';
import { enumOptions } from '../enums.js';
import {
  busy, checkForm, choices, formStatus, optional, optionalNumber, select, showApiError, textarea, value, values,
} from '../forms.js';
import { announce, rewriteAddress } from '../shell.js';

const ANSWERS = ['still-seeking', 'stopped-seeking'];
const FEATURES = ['diagnosis', 'advice', 'resume-review', 'cover-letter-review', 'coffee'];
const SCORES = ['personalised_advice', 'new_ideas', 'useful_resources', 'helps_plan', 'motivation', 'self_confidence'];
// As in shared/schemas/followup.py, for when the API does not list them.
const SITUATIONS = [
  'WORKING', 'FORMATION', 'INTERNSHIP', 'ALTERNANCE', 'FREELANCE', 'CREATE_OR_TAKE_OVER_COMPANY', 'SEEKING', 'COMPLICATED',
];
const FIVE = [1, 2, 3, 4, 5].map((n) => [String(n), `survey.score_${n}`]);

function problemKey(error) {
  if (!(error instanceof ApiError)) return null;
  return { 403: 'survey.invalid', 404: 'survey.invalid', 409: 'survey.already', 410: 'survey.erased' }[error.status]
    ?? null;
}

function surveyForm(page, token, done) {
  const situations = (page.situations?.length ? page.situations : SITUATIONS).map((s) => [s, `situation.${s}`]);
  const form = h('form', { novalidate: true, 'aria-labelledby': 'survey-form-title' },
    h('h2', { id: 'survey-form-title', ...T('survey.form_title') }),
    choices({ name: 'situation', legend: 'survey.situation', type: 'radio', options: situations }),
    choices({ name: 'helped', legend: 'survey.helped', type: 'radio',
      options: [['YES_A_LOT', 'survey.helped_YES_A_LOT'], ['YES', 'survey.helped_YES'],
        ['NOT_AT_ALL', 'survey.helped_NOT_AT_ALL']] }),
    select({ name: 'new_job_contract', label: 'survey.new_job_contract', options: enumOptions('ContractType') }),
    choices({ name: 'features_helped', legend: 'survey.features_helped', columns: true,
      options: FEATURES.map((f) => [f, `survey.feature.${f}`]) }),
    h('fieldset', {}, h('legend', T('survey.scores')),
      SCORES.map((name) => select({ name: `scores.${name}`, label: `survey.score.${name}`, options: FIVE }))),
    select({ name: 'nps', label: 'survey.nps', options: [...Array(11).keys()].map((n) => [String(n), `survey.nps_${n}`]) }),
    textarea({ name: 'free_text', label: 'survey.free_text', maxlength: 2000, rows: 5 }),
    formStatus(),
    h('button', { type: 'submit', ...T('survey.send') }));
  form.elements.namedItem('situation')?.[0]?.setAttribute('required', '');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkForm(form)) return;
    const scores = {};
    for (const name of SCORES) {
      const score = optionalNumber(form, `scores.${name}`);
      if (score !== undefined) scores[name] = score;
    }
    const body = {
      situation: value(form, 'situation'),
      helped: optional(form, 'helped'),
      new_job_contract: optional(form, 'new_job_contract'),
      features_helped: values(form, 'features_helped'),
      scores,
      nps: optionalNumber(form, 'nps'),
      free_text: optional(form, 'free_text'),
    };
    const path = page.form_url?.startsWith('/api/') ? page.form_url
      : `/api/v1/followup/surveys/${encodeURIComponent(token)}`;
    await busy(form, async () => {
      try {
        await api.post(path, body, { auth: false });
        announce('survey.thanks');
        done();
      } catch (error) {
        const key = problemKey(error);
        if (key) done(key);
        else showApiError(form, error);
      }
    });
  });
  return form;
}

export default {
  title: 'survey.title',
  auth: null,
  async render({ main, params, query, signal }) {
    const token = params.token;
    const answer = ANSWERS.includes(query.get('answer')) ? query.get('answer') : null;
    // Reloading must not send the one-click answer twice.
    if (answer) rewriteAddress(`#/survey/${encodeURIComponent(token)}`);
    const path = `/api/v1/followup/surveys/${encodeURIComponent(token)}${answer ? `?answer=${answer}` : ''}`;
    const heading = h('h1', T('survey.title'));
    const finish = (key = 'survey.thanks') => replace(main, heading,
      h('p', { class: key === 'survey.thanks' ? 'notice ok' : 'notice', role: 'status', 'data-testid': 'survey-result',
        ...T(key) }));
    let page;
    try {
      page = await api.get(path, { auth: false, signal });
    } catch (error) {
      if (error.name === 'AbortError') throw error;
      const key = problemKey(error);
      if (!key) throw error;
      return finish(key);
    }
    if (page.recorded === 'form') return finish();
    append(main, heading,
      page.recorded === 'click' ? h('p', { class: 'notice ok', role: 'status', ...T('survey.click_recorded') }) : null,
      h('p', { class: 'lead', ...T('survey.intro') }),
      surveyForm(page, token, finish));
    return undefined;
  },
};
