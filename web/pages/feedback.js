// In-app feedback (issue 16), shared by the diagnosis and advice pages: agree or not with the main challenge, stars
// on each piece of advice, a short note. Stored by the advice service (/profiles/{id}/feedback), which checks them
// against the advice of that profile version: so the advice is awaited before the first answer is sent.
import { api } from '../api.js';
import { h, T, uniqueId } from '../dom.js';
import { busy, formStatus, say, showApiError, textarea, value } from '../forms.js';
import { waitForResult } from './diagnosis.js';

const base = (profile) => `/api/v1/profiles/${profile.profile_id}/feedback`;

/** The person's feedback on this profile version: {challenge, ratings: {module: stars}, note}. */
export async function given(profile, signal) {
  const mine = { challenge: null, ratings: {}, note: null };
  try {
    const { items } = await api.get(base(profile), { signal });
    for (const item of items) {
      if (item.kind === 'note') mine.note = item.note;
      else if (item.profile_version !== profile.version) continue;
      else if (item.kind === 'challenge') mine.challenge = item.agrees;
      else if (item.kind === 'advice') mine.ratings[item.module_id] = item.stars;
    }
  } catch {
    // Feedback is optional: the page works without it.
  }
  return mine;
}

async function send(profile, path, body, signal) {
  await waitForResult(profile, 'advice', signal);
  return api.put(`${base(profile)}${path}`, body);
}

/** "Does this priority seem right to you?" Yes / Not really, remembered. */
export function challengeFeedback(profile, agrees, signal) {
  const status = h('p', { class: 'notice ok', role: 'status', 'data-testid': 'challenge-feedback-status' });
  const buttons = [[true, 'feedback.agree'], [false, 'feedback.disagree']].map(([answer, key]) => h('button', {
    type: 'button', class: 'secondary', 'aria-pressed': String(agrees === answer), 'data-agrees': String(answer),
    ...T(key),
  }));
  for (const button of buttons) {
    button.addEventListener('click', async () => {
      const answer = button.dataset.agrees === 'true';
      buttons.forEach((b) => { b.disabled = true; });
      try {
        await send(profile, '/challenge', { profile_version: profile.version, agrees: answer }, signal);
        buttons.forEach((b) => b.setAttribute('aria-pressed', String(b === button)));
        say(status, { key: answer ? 'feedback.agree_thanks' : 'feedback.disagree_thanks' });
      } catch {
        say(status, { key: 'feedback.failed' });
      } finally {
        buttons.forEach((b) => { b.disabled = false; });
      }
    });
  }
  return h('section', { class: 'card feedback', 'aria-labelledby': 'challenge-feedback-title',
    'data-testid': 'challenge-feedback' },
  h('h2', { id: 'challenge-feedback-title', ...T('feedback.challenge_question') }),
  h('div', { class: 'actions' }, buttons), status);
}

/** 1 to 5 stars on one piece of advice: radios, so a keyboard and a screen reader use them as a group. */
export function stars(profile, moduleId, current, signal) {
  const name = uniqueId(`stars-${moduleId}`);
  const status = h('span', { class: 'muted', role: 'status' });
  const group = h('fieldset', { class: 'stars', 'data-testid': 'advice-stars' },
    h('legend', T('feedback.stars_question')),
    [1, 2, 3, 4, 5].map((n) => {
      const id = `${name}-${n}`;
      return h('span', { class: 'star' },
        h('input', { type: 'radio', id, name, value: String(n), checked: current === n }),
        h('label', { for: id, ...T(n === 1 ? 'feedback.star' : 'feedback.stars', { n }) }));
    }),
    status);
  group.addEventListener('change', async (event) => {
    try {
      await send(profile, `/advice/${moduleId}`, { profile_version: profile.version, stars: Number(event.target.value) },
        signal);
      say(status, { key: 'feedback.stars_thanks' });
    } catch {
      say(status, { key: 'feedback.failed' });
    }
  });
  return group;
}

/** A short note (500 characters at most) about the diagnosis and advice. */
export function noteForm(profile, note, signal) {
  const form = h('form', { novalidate: true, class: 'card feedback', 'aria-labelledby': 'note-title' },
    h('h2', { id: 'note-title', ...T('feedback.note_title') }),
    textarea({ name: 'note', label: 'feedback.note_label', hint: 'feedback.note_hint', maxlength: 500, rows: 3,
      required: true, value: note ?? '' }),
    formStatus(),
    h('div', { class: 'actions' }, h('button', { type: 'submit', ...T('feedback.note_send') })));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await busy(form, async () => {
      try {
        await send(profile, '/note', { note: value(form, 'note') }, signal);
        say(form.querySelector('[data-form-notice]'), { key: 'feedback.note_thanks' });
      } catch (error) {
        showApiError(form, error);
      }
    });
  });
  return form;
}
