// The steps of the onboarding: what each asks (the fields of ProfileIn, shared/schemas/profile.py, one project),
// how its answers are read (shaped like ProfileIn, null for a cleared answer so the draft forgets it), and the
// short hint shown once it is saved. The server checks each step by the same names (services/profile/domain/draft.py).
import { api } from '../api.js';
import { bi, h, T } from '../dom.js';
import { enumOptions } from '../enums.js';
import {
  checkbox, choices, input, optional, optionalBool, optionalNumber, select, textarea, value, values, yesNo,
} from '../forms.js';
import { getLang } from '../i18n.js';

export const P = 'projects.0.';
const LANGUAGES = ['fr', 'en', 'es', 'de', 'it', 'pt', 'ar', 'zh'];
const today = () => new Date().toISOString().slice(0, 10);
const orNull = (answer) => (answer === undefined ? null : answer);

function you(p, account) {
  const languages = p.languages ?? [];
  return [
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
      value: p.locale ?? getLang() }),
  ];
}

function readYou(form) {
  const languages = [...values(form, 'languages'),
    ...value(form, 'languages_other').split(',').map((code) => code.trim().toLowerCase()).filter(Boolean)];
  return {
    email: orNull(optional(form, 'email')),
    name: orNull(optional(form, 'name')),
    year_of_birth: orNull(optionalNumber(form, 'year_of_birth')),
    gender: orNull(optional(form, 'gender')),
    highest_degree: orNull(optional(form, 'highest_degree')),
    has_handicap: form.elements.namedItem('has_handicap').checked,
    family_situation: orNull(optional(form, 'family_situation')),
    has_driving_licence: orNull(optionalBool(form, 'has_driving_licence')),
    languages: [...new Set(languages)],
    locale: value(form, 'locale'),
  };
}

function project(p, job) {
  const pr = p.projects?.[0] ?? {};
  const city = pr.city ?? {};
  return [
    job.element,
    yesNo({ name: `${P}has_clear_project`, label: 'onb.has_clear_project', value: pr.has_clear_project }),
    select({ name: `${P}kind`, label: 'onb.kind', empty: null, options: enumOptions('ProjectKind'),
      value: pr.kind ?? 'FIND_A_NEW_JOB' }),
    h('div', { class: 'inline' },
      input({ name: `${P}city.name`, label: 'onb.city', required: true, maxlength: 100, autocomplete: 'address-level2',
        value: city.name ?? '' }),
      input({ name: `${P}city.departement_id`, label: 'onb.departement', hint: 'onb.departement_hint', required: true,
        pattern: '\\d{2}|2[ABab]|97\\d', maxlength: 3, autocapitalize: 'characters', value: city.departement_id ?? '' })),
    select({ name: `${P}mobility_area`, label: 'onb.mobility_area', empty: null, options: enumOptions('AreaType'),
      value: pr.mobility_area ?? 'CITY' }),
    select({ name: `${P}seniority`, label: 'onb.seniority', options: enumOptions('Seniority'), value: pr.seniority }),
    select({ name: `${P}previous_job_similarity`, label: 'onb.previous_job_similarity',
      options: enumOptions('PreviousJobSimilarity'), value: pr.previous_job_similarity }),
    select({ name: `${P}training_fulfillment`, label: 'onb.training_fulfillment',
      options: enumOptions('TrainingFulfillment'), value: pr.training_fulfillment }),
    select({ name: `${P}passion_level`, label: 'onb.passion_level', options: enumOptions('PassionLevel'),
      value: pr.passion_level }),
    choices({ name: `${P}employment_types`, legend: 'onb.employment_types', columns: true,
      options: enumOptions('ContractType'), checked: pr.employment_types ?? [] }),
    input({ name: `${P}min_salary`, label: 'onb.min_salary', hint: 'onb.min_salary_hint', type: 'number',
      inputmode: 'numeric', min: 0, max: 1000000, value: pr.min_salary ?? '' }),
  ];
}

function readProject(form, job) {
  const chosen = job.selected();
  return {
    projects: [{
      target_job: chosen ? { rome_code: chosen.rome_code, job_title_code_ogr: chosen.code_ogr ?? null } : null,
      city: { name: value(form, `${P}city.name`), departement_id: value(form, `${P}city.departement_id`).toUpperCase() },
      mobility_area: value(form, `${P}mobility_area`),
      kind: value(form, `${P}kind`),
      seniority: orNull(optional(form, `${P}seniority`)),
      previous_job_similarity: orNull(optional(form, `${P}previous_job_similarity`)),
      training_fulfillment: orNull(optional(form, `${P}training_fulfillment`)),
      passion_level: orNull(optional(form, `${P}passion_level`)),
      has_clear_project: orNull(optionalBool(form, `${P}has_clear_project`)),
      employment_types: values(form, `${P}employment_types`),
      min_salary: orNull(optionalNumber(form, `${P}min_salary`)),
    }],
  };
}

function search(p) {
  const pr = p.projects?.[0] ?? {};
  const notStarted = Boolean(pr.job_search_has_not_started);
  const started = choices({ name: `${P}job_search_has_not_started`, legend: 'onb.search_state', type: 'radio',
    checked: [notStarted ? 'true' : 'false'],
    options: [['false', 'onb.search_started'], ['true', 'onb.search_not_started']] });
  const date = input({ name: `${P}job_search_started_at`, label: 'onb.search_started_at', type: 'date',
    min: '1950-01-01', max: today(), value: pr.job_search_started_at ?? '', disabled: notStarted });
  // The start date only makes sense once the search has started.
  started.addEventListener('change', (event) => {
    date.querySelector('input').disabled = event.target.value === 'true';
  });
  return [
    started, date,
    select({ name: `${P}weekly_offers`, label: 'onb.weekly_offers', options: enumOptions('Frequency'),
      value: pr.weekly_offers }),
    select({ name: `${P}weekly_applications`, label: 'onb.weekly_applications', options: enumOptions('Frequency'),
      value: pr.weekly_applications }),
    input({ name: `${P}total_interview_count`, label: 'onb.total_interview_count', type: 'number',
      inputmode: 'numeric', min: 0, max: 1000, value: pr.total_interview_count ?? '' }),
    select({ name: `${P}network_estimate`, label: 'onb.network_estimate',
      options: [['1', 'onb.network_1'], ['2', 'onb.network_2'], ['3', 'onb.network_3']],
      value: pr.network_estimate === undefined || pr.network_estimate === null ? '' : String(pr.network_estimate) }),
    yesNo({ name: `${P}has_resume`, label: 'onb.has_resume', value: pr.has_resume }),
  ];
}

function readSearch(form) {
  const notStarted = value(form, `${P}job_search_has_not_started`) === 'true';
  return {
    projects: [{
      job_search_started_at: notStarted ? null : orNull(optional(form, `${P}job_search_started_at`)),
      job_search_has_not_started: notStarted,
      weekly_offers: orNull(optional(form, `${P}weekly_offers`)),
      weekly_applications: orNull(optional(form, `${P}weekly_applications`)),
      total_interview_count: orNull(optionalNumber(form, `${P}total_interview_count`)),
      network_estimate: orNull(optionalNumber(form, `${P}network_estimate`)),
      has_resume: orNull(optionalBool(form, `${P}has_resume`)),
    }],
  };
}

function holdsBack(p) {
  const guess = p.self_diagnosis?.challenge ?? '';
  return [
    choices({ name: 'self_diagnosis.challenge', legend: 'onb.guess', hint: 'onb.guess_hint', type: 'radio',
      checked: [p.self_diagnosis ? guess : null],
      // The person's own guess, in the diagnosis's challenge ids; '' is "I don't know".
      options: [...enumOptions('ChallengeGuess'), ['', 'guess.unknown']] }),
    textarea({ name: 'self_diagnosis.note', label: 'onb.guess_note', hint: 'onb.guess_note_hint', maxlength: 500,
      rows: 3, value: p.self_diagnosis?.note ?? '' }),
    choices({ name: 'frustrations', legend: 'onb.frustrations', hint: 'onb.frustrations_hint', columns: true,
      options: enumOptions('Frustration'), checked: p.frustrations ?? [] }),
  ];
}

function readHoldsBack(form) {
  const answered = form.querySelector('[name="self_diagnosis.challenge"]:checked');
  const note = value(form, 'self_diagnosis.note');
  return {
    frustrations: values(form, 'frustrations'),
    self_diagnosis: answered || note ? { challenge: answered?.value || null, note: note || null } : null,
  };
}

function emails(p) {
  return [
    choices({ name: 'coaching_emails', legend: 'onb.coaching', hint: 'onb.coaching_hint', type: 'radio',
      checked: [p.coaching_emails ?? 'NONE'],
      options: enumOptions('CoachingFrequency').reverse() }),
  ];
}

function readEmails(form) {
  return { coaching_emails: value(form, 'coaching_emails') || 'NONE' };
}

// The hints: a sentence about what the person just told us, from their answers or the market figures.
function hintYou(answers) {
  const age = new Date().getFullYear() - answers.year_of_birth;
  if (age < 26) return h('p', T('onb.hint_young', { age }));
  if (age >= 45) return h('p', T('onb.hint_senior', { age }));
  return h('p', T('onb.hint_you'));
}

async function hintProject(answers, signal) {
  const { target_job: job, city } = answers.projects[0];
  if (!job) return h('p', T('onb.hint_no_job'));
  try {
    const market = await api.get(`/api/v1/referential/markets/${job.rome_code}/${city.departement_id}`, { signal });
    const n = market.facts.offers_per_10_candidates;
    if (n === null || n === undefined) {
      return h('p', {}, h('span', T('onb.hint_market_unknown')), ' ', h('span', bi(market.place)), '.');
    }
    return h('p', { 'data-testid': 'market-hint' }, h('span', T('onb.hint_market_where')), ' ',
      h('span', bi(market.place)), ', ', h('span', T('onb.hint_market', { n: Math.round(n * 10) / 10 })));
  } catch {
    return h('p', T('onb.hint_no_market'));
  }
}

function hintSearch(answers) {
  const pr = answers.projects[0];
  if (pr.job_search_has_not_started || !pr.job_search_started_at) return h('p', T('onb.hint_not_started'));
  const months = Math.floor((Date.now() - Date.parse(pr.job_search_started_at)) / (30.5 * 86400000));
  const interviews = pr.total_interview_count;
  if (interviews !== null && interviews !== undefined && months >= 1) {
    return h('p', T('onb.hint_interviews', { months, interviews }));
  }
  return h('p', T(months < 1 ? 'onb.hint_just_started' : 'onb.hint_months', { months }));
}

function hintHoldsBack(answers) {
  const guess = answers.self_diagnosis?.challenge;
  return h('p', T(guess ? 'onb.hint_guess' : 'onb.hint_no_guess'));
}

/** The steps in order: {id (the API's step), title, fields(profile), read(form), hint(answers, signal)}. */
export function steps(account, job) {
  return [
    { id: 'you', title: 'onb.section_person', fields: (p) => you(p, account), read: readYou, hint: hintYou },
    { id: 'project', title: 'onb.section_project', fields: (p) => project(p, job), read: (form) => readProject(form, job),
      hint: hintProject },
    { id: 'search', title: 'onb.section_search', fields: search, read: readSearch, hint: hintSearch },
    { id: 'holds-back', title: 'onb.section_holds_back', fields: holdsBack, read: readHoldsBack, hint: hintHoldsBack },
    { id: 'emails', title: 'onb.section_emails', fields: emails, read: readEmails, hint: null },
  ];
}

/** The draft with a step's answers in, as the server merges them (the first project field by field). */
export function merged(profile, answers) {
  const next = { ...profile };
  for (const [key, answer] of Object.entries(answers)) {
    next[key] = key === 'projects' ? [{ ...(profile.projects?.[0] ?? {}), ...answer[0] }] : answer;
  }
  return next;
}
