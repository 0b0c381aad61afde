// The profile form: every field of ProfileIn (shared/schemas/profile.py), one project. Field names are the
// API's paths, so validation errors come back next to the right field.
import { api, ApiError } from '../api.js';
import { append, h, T } from '../dom.js';
import { enumOptions } from '../enums.js';
import {
  busy, checkbox, checkForm, choices, fieldError, formStatus, input, optional, optionalBool, optionalNumber, select,
  setFormError, showApiError, value, values, yesNo,
} from '../forms.js';
import { getLang } from '../i18n.js';
import { jobPicker } from '../job-picker.js';
import { announce, navigate } from '../shell.js';

const P = 'projects.0.';
const LANGUAGES = ['fr', 'en', 'es', 'de', 'it', 'pt', 'ar', 'zh'];
const today = () => new Date().toISOString().slice(0, 10);

function personSection(p, account) {
  const languages = p.languages ?? [];
  return h('fieldset', {},
    h('legend', T('onb.section_person')),
    input({ name: 'email', label: 'onb.email', type: 'email', autocomplete: 'email', maxlength: 254,
      value: p.email ?? account.email ?? '' }),
    input({ name: 'name', label: 'onb.name', autocomplete: 'given-name', maxlength: 120, value: p.name ?? '' }),
    input({ name: 'year_of_birth', label: 'onb.year_of_birth', type: 'number', inputmode: 'numeric', required: true,
      min: 1920, max: new Date().getFullYear() - 14, value: p.year_of_birth ?? '' }),
    select({ name: 'gender', label: 'onb.gender', options: enumOptions('Gender'), value: p.gender }),
    select({ name: 'highest_degree', label: 'onb.highest_degree', options: enumOptions('Degree'),
      value: p.highest_degree }),
    select({ name: 'family_situation', label: 'onb.family_situation', options: enumOptions('FamilySituation'),
      value: p.family_situation }),
    yesNo({ name: 'has_driving_licence', label: 'onb.has_driving_licence', value: p.has_driving_licence }),
    checkbox({ name: 'has_handicap', label: 'onb.has_handicap', checked: Boolean(p.has_handicap) }),
    choices({ name: 'languages', legend: 'onb.languages', columns: true, checked: languages,
      options: LANGUAGES.map((code) => [code, `lang.${code}`]) }),
    input({ name: 'languages_other', label: 'onb.languages_other', hint: 'onb.languages_other_hint',
      pattern: '\\s*[a-zA-Z]{2}(\\s*,\\s*[a-zA-Z]{2})*\\s*', maxlength: 60,
      value: languages.filter((code) => !LANGUAGES.includes(code)).join(', ') }),
    select({ name: 'locale', label: 'onb.locale', empty: null, options: [['fr', 'lang.fr'], ['en', 'lang.en']],
      value: p.locale ?? getLang() }));
}

function projectSection(project, job) {
  const city = project.city ?? {};
  return h('fieldset', {},
    h('legend', T('onb.section_project')),
    job.element,
    yesNo({ name: `${P}has_clear_project`, label: 'onb.has_clear_project', value: project.has_clear_project }),
    select({ name: `${P}kind`, label: 'onb.kind', empty: null, options: enumOptions('ProjectKind'),
      value: project.kind ?? 'FIND_A_NEW_JOB' }),
    h('div', { class: 'inline' },
      input({ name: `${P}city.name`, label: 'onb.city', required: true, maxlength: 100, autocomplete: 'address-level2',
        value: city.name ?? '' }),
      input({ name: `${P}city.departement_id`, label: 'onb.departement', hint: 'onb.departement_hint', required: true,
        pattern: '\\d{2}|2[ABab]|97\\d', maxlength: 3, autocapitalize: 'characters', value: city.departement_id ?? '' })),
    select({ name: `${P}mobility_area`, label: 'onb.mobility_area', empty: null, options: enumOptions('AreaType'),
      value: project.mobility_area ?? 'CITY' }),
    select({ name: `${P}seniority`, label: 'onb.seniority', options: enumOptions('Seniority'), value: project.seniority }),
    select({ name: `${P}previous_job_similarity`, label: 'onb.previous_job_similarity',
      options: enumOptions('PreviousJobSimilarity'), value: project.previous_job_similarity }),
    select({ name: `${P}training_fulfillment`, label: 'onb.training_fulfillment',
      options: enumOptions('TrainingFulfillment'), value: project.training_fulfillment }),
    select({ name: `${P}passion_level`, label: 'onb.passion_level', options: enumOptions('PassionLevel'),
      value: project.passion_level }),
    choices({ name: `${P}employment_types`, legend: 'onb.employment_types', columns: true,
      options: enumOptions('ContractType'), checked: project.employment_types ?? [] }),
    input({ name: `${P}min_salary`, label: 'onb.min_salary', hint: 'onb.min_salary_hint', type: 'number',
      inputmode: 'numeric', min: 0, max: 1000000, value: project.min_salary ?? '' }));
}

function searchSection(project) {
  const notStarted = Boolean(project.job_search_has_not_started);
  const started = choices({ name: `${P}job_search_has_not_started`, legend: 'onb.search_state', type: 'radio',
    checked: [notStarted ? 'true' : 'false'],
    options: [['false', 'onb.search_started'], ['true', 'onb.search_not_started']] });
  const date = input({ name: `${P}job_search_started_at`, label: 'onb.search_started_at', type: 'date',
    min: '1950-01-01', max: today(), value: project.job_search_started_at ?? '', disabled: notStarted });
  // The start date only makes sense once the search has started.
  started.addEventListener('change', (event) => {
    date.querySelector('input').disabled = event.target.value === 'true';
  });
  return h('fieldset', {},
    h('legend', T('onb.section_search')),
    started, date,
    select({ name: `${P}weekly_offers`, label: 'onb.weekly_offers', options: enumOptions('Frequency'),
      value: project.weekly_offers }),
    select({ name: `${P}weekly_applications`, label: 'onb.weekly_applications', options: enumOptions('Frequency'),
      value: project.weekly_applications }),
    input({ name: `${P}total_interview_count`, label: 'onb.total_interview_count', type: 'number',
      inputmode: 'numeric', min: 0, max: 1000, value: project.total_interview_count ?? '' }),
    select({ name: `${P}network_estimate`, label: 'onb.network_estimate',
      options: [['1', 'onb.network_1'], ['2', 'onb.network_2'], ['3', 'onb.network_3']],
      value: project.network_estimate === undefined || project.network_estimate === null
        ? '' : String(project.network_estimate) }),
    yesNo({ name: `${P}has_resume`, label: 'onb.has_resume', value: project.has_resume }));
}

function readProfile(form, job) {
  const languages = [...values(form, 'languages'),
    ...value(form, 'languages_other').split(',').map((code) => code.trim().toLowerCase()).filter(Boolean)];
  const notStarted = value(form, `${P}job_search_has_not_started`) === 'true';
  return {
    email: optional(form, 'email'),
    name: optional(form, 'name'),
    year_of_birth: optionalNumber(form, 'year_of_birth'),
    gender: optional(form, 'gender'),
    highest_degree: optional(form, 'highest_degree'),
    has_handicap: form.elements.namedItem('has_handicap').checked,
    family_situation: optional(form, 'family_situation'),
    has_driving_licence: optionalBool(form, 'has_driving_licence'),
    languages: [...new Set(languages)],
    locale: value(form, 'locale'),
    frustrations: values(form, 'frustrations'),
    projects: [{
      target_job: job ? { rome_code: job.rome_code, job_title_code_ogr: job.code_ogr ?? undefined } : undefined,
      city: { name: value(form, `${P}city.name`), departement_id: value(form, `${P}city.departement_id`).toUpperCase() },
      mobility_area: value(form, `${P}mobility_area`),
      kind: value(form, `${P}kind`),
      seniority: optional(form, `${P}seniority`),
      previous_job_similarity: optional(form, `${P}previous_job_similarity`),
      training_fulfillment: optional(form, `${P}training_fulfillment`),
      job_search_started_at: notStarted ? undefined : optional(form, `${P}job_search_started_at`),
      job_search_has_not_started: notStarted,
      weekly_offers: optional(form, `${P}weekly_offers`),
      weekly_applications: optional(form, `${P}weekly_applications`),
      total_interview_count: optionalNumber(form, `${P}total_interview_count`),
      network_estimate: optionalNumber(form, `${P}network_estimate`),
      passion_level: optional(form, `${P}passion_level`),
      has_resume: optionalBool(form, `${P}has_resume`),
      has_clear_project: optionalBool(form, `${P}has_clear_project`),
      employment_types: values(form, `${P}employment_types`),
      min_salary: optionalNumber(form, `${P}min_salary`),
    }],
  };
}

async function save(profileId, body, exists) {
  if (exists) return api.put(`/api/v1/profiles/${profileId}`, body);
  try {
    return await api.post('/api/v1/profiles', body);
  } catch (error) {
    // Saved meanwhile (another tab, a retried request): this is an update then.
    if (error instanceof ApiError && error.status === 409) return api.put(`/api/v1/profiles/${profileId}`, body);
    throw error;
  }
}

export default {
  title: 'onb.title',
  auth: 'job_seeker',
  async render({ main, session, signal }) {
    const profileId = session.account.account_id;
    let existing = null;
    try {
      existing = await api.get(`/api/v1/profiles/${profileId}`, { signal });
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404)) throw error;
    }
    const profile = existing?.profile ?? {};
    const project = profile.projects?.[0] ?? {};
    const job = jobPicker({ name: `${P}target_job`, label: 'onb.job', hint: 'onb.job_hint', initial: project.target_job });

    const form = h('form', { novalidate: true, 'aria-labelledby': 'onboarding-title' },
      personSection(profile, session.account),
      projectSection(project, job),
      searchSection(project),
      choices({ name: 'frustrations', legend: 'onb.frustrations', hint: 'onb.frustrations_hint', columns: true,
        options: enumOptions('Frustration'), checked: profile.frustrations ?? [] }),
      formStatus(),
      h('div', { class: 'actions' }, h('button', { type: 'submit', ...T(existing ? 'onb.update' : 'onb.submit') })));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (!checkForm(form)) return;
      const chosen = job.selected();
      if (!chosen && job.typed()) {
        fieldError(form, `${P}target_job`, { key: 'onb.job_pick' });
        setFormError(form, { key: 'error.check_fields', vars: { count: 1 } });
        form.querySelector('[role="combobox"]').focus();
        return;
      }
      await busy(form, async () => {
        try {
          await save(profileId, readProfile(form, chosen), existing !== null);
          announce('onb.saved');
          navigate('#/diagnosis');
        } catch (error) {
          showApiError(form, error);
        }
      });
    });

    append(main,
      h('h1', { id: 'onboarding-title', ...T(existing ? 'onb.title_edit' : 'onb.title') }),
      h('p', { class: 'lead', ...T('onb.intro') }),
      h('p', { class: 'muted', ...T('onb.privacy') }),
      form);
  },
};
