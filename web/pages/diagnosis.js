// The diagnosis: the main challenge, the train of challenges, and the employability estimate in plain words.
import { api, ApiError, poll } from '../api.js';
import { append, bi, h, replace, T } from '../dom.js';
import { navigate } from '../shell.js';
import { challengeFeedback, given } from './feedback.js';

/** The latest profile, or null when the person has none yet. */
export async function latestProfile(profileId, signal) {
  try {
    return await api.get(`/api/v1/profiles/${profileId}`, { signal });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Poll a result of that profile version every second; null if it is still not there after two minutes. */
export function waitForResult(profile, name, signal) {
  const path = `/api/v1/profiles/${profile.profile_id}/${name}?version=${profile.version}`;
  return poll(path, { done: (body) => body.status !== 'pending', signal });
}

export function waiting(key) {
  return h('p', { class: 'spinner', role: 'status', ...T(key) });
}

export function stillPending(main) {
  replace(main, h('h1', T('result.slow_title')), h('p', { role: 'alert', ...T('result.slow') }),
    h('p', {}, h('button', { type: 'button', onclick: () => navigate(location.hash), ...T('result.retry') })));
}

// "About 4 in 10": people read frequencies better than percentages.
function employability(estimate) {
  const inTen = Math.round(estimate.probability_back_to_work_3_months * 10);
  const key = inTen <= 0 ? 'diag.chance_low' : inTen >= 10 ? 'diag.chance_high' : 'diag.chance';
  const months = Math.max(1, Math.round(estimate.expected_months));
  const factors = [...(estimate.top_factors ?? [])].sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return h('section', { class: 'card', 'aria-labelledby': 'employability-title' },
    h('h2', { id: 'employability-title', ...T('diag.employability_title') }),
    h('p', { class: 'big-number', 'data-testid': 'employability', ...T(key, { n: inTen }) }),
    h('p', T(months === 1 ? 'diag.expected_month' : 'diag.expected_months', { months })),
    factors.length ? h('h3', T('diag.factors_title')) : null,
    factors.length ? h('ul', {}, factors.map((factor) => h('li', {},
      h('span', bi(factor.label)), ' – ',
      h('span', T(factor.contribution >= 0 ? 'diag.factor_helps' : 'diag.factor_hinders'))))) : null,
    h('p', { class: 'muted', ...T('diag.estimate_note') }));
}

function train(steps, main) {
  return h('ol', { class: 'train' }, steps.map((step) => h('li', { class: step.challenge === main ? 'main' : '' },
    h('span', { class: `badge ${step.status}`, ...T(`train.${step.status}`) }),
    h('span', {},
      h('span', T(`challenge.${step.challenge}.title`)),
      step.missing_fields?.length
        ? h('small', { class: 'muted' }, ' ', h('span', T('diag.missing_fields', { count: step.missing_fields.length })))
        : null))));
}

// The answer to the person's own guess of their main difficulty (asked before the diagnosis, issue 16): agreeing,
// or saying kindly why the data points elsewhere, with the facts (the guessed step's state, the diagnosis sentence).
function guessAnswer(guess, diagnosis) {
  if (!guess) return null;
  const main = diagnosis.main_challenge;
  const said = (key) => h('span', T(key));
  const title = (id) => h('strong', T(`challenge.${id}.title`));
  let answer;
  if (!guess.challenge) {
    answer = [h('p', { 'data-answer': 'unknown' }, said('guess.answer_unknown')),
      h('p', {}, said('guess.answer_start_with'), ' ', title(main), '.')];
  } else if (guess.challenge === main) {
    answer = [h('p', { 'data-answer': 'right' }, said('guess.answer_right'), ' ', title(main), '.'),
      h('p', said('guess.answer_right_more'))];
  } else {
    const step = (diagnosis.train ?? []).find((s) => s.challenge === guess.challenge);
    const why = !step ? 'guess.why_other'
      : step.missing_fields?.length ? 'guess.why_missing'
        : step.status === 'PASSED' ? 'guess.why_passed'
          : step.status === 'NOT_RELEVANT' ? 'guess.why_not_relevant' : 'guess.why_later';
    answer = [
      h('p', { 'data-answer': 'elsewhere' }, said('guess.answer_you_thought'), ' ', title(guess.challenge), '. ',
        said('guess.answer_data_points'), ' ', title(main), '.'),
      h('p', { 'data-why': why }, said(why)),
      h('p', {}, said('guess.the_facts'), ' ', h('span', bi(diagnosis.sentence))),
    ];
  }
  return h('section', { class: 'card guess-answer', 'aria-labelledby': 'guess-title', 'data-testid': 'guess-answer' },
    h('h2', { id: 'guess-title', ...T('guess.title') }), answer);
}

export default {
  title: 'diag.title',
  auth: 'job_seeker',
  async render({ main, session, signal }) {
    append(main, h('h1', T('diag.title')), waiting('result.computing'));
    const profile = await latestProfile(session.account.account_id, signal);
    if (!profile) return navigate('#/onboarding');
    const answer = await waitForResult(profile, 'diagnosis', signal);
    if (!answer) return stillPending(main);
    const diagnosis = answer.result.diagnosis ?? answer.result;
    const challenge = diagnosis.main_challenge;
    const mine = await given(profile, signal);

    replace(main,
      h('h1', T('diag.title')),
      h('p', { class: 'lead', 'data-testid': 'diagnosis-sentence', ...bi(diagnosis.sentence) }),
      h('section', { class: 'card', 'aria-labelledby': 'challenge-title' },
        h('h2', { id: 'challenge-title', ...T('diag.main_challenge') }),
        h('p', { class: 'big-number', 'data-testid': 'main-challenge', ...T(`challenge.${challenge}.title`) }),
        h('p', T(`challenge.${challenge}.text`)),
        h('p', { class: 'muted', ...T('diag.score', { score: diagnosis.overall_score }) })),
      guessAnswer(profile.profile.self_diagnosis, diagnosis),
      challengeFeedback(profile, mine.challenge, signal),
      diagnosis.employability ? employability(diagnosis.employability) : null,
      h('section', { class: 'card', 'aria-labelledby': 'train-title' },
        h('h2', { id: 'train-title', ...T('diag.train_title') }),
        h('p', { class: 'muted', ...T('diag.train_intro') }),
        train(diagnosis.train ?? [], challenge)),
      diagnosis.missing_fields?.length
        ? h('p', {}, h('a', { href: '#/onboarding', ...T('diag.complete_profile') })) : null,
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/advice', ...T('diag.see_advice') }),
        h('a', { class: 'button secondary', href: '#/help', ...T('diag.get_help') }),
        h('a', { class: 'button secondary', href: '#/onboarding', ...T('diag.edit_profile') })));
    return undefined;
  },
};
