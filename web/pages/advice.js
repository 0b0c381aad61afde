// The advice list, best first, each with why it was chosen and an expandable card: what to do this week, then
// close jobs, places, templates, rights and resources for the person. The trial's control group sees it later.
import { append, bi, h, replace, T } from '../dom.js';
import { navigate } from '../shell.js';
import { latestProfile, stillPending, waitForResult, waiting } from './diagnosis.js';
import { given, noteForm, stars } from './feedback.js';

function entry(line, kind) {
  const text = line.url
    ? h('a', { href: line.url, target: '_blank', rel: 'noopener noreferrer', ...bi(line.text) })
    : h(kind === 'template' ? 'blockquote' : 'span', bi(line.text));
  return h('li', {}, text, line.detail ? h('span', { class: 'detail', ...bi(line.detail) }) : null);
}

function section(part) {
  return h('section', { class: `card-section ${part.kind}`, 'data-kind': part.kind },
    h('h3', bi(part.title)),
    h(part.kind === 'steps' ? 'ol' : 'ul', { class: part.kind === 'steps' ? null : 'plain-list' },
      part.entries.map((line) => entry(line, part.kind))));
}

function item(advice, rate) {
  return h('li', { class: 'card', 'data-testid': 'advice-item', 'data-module': advice.module_id },
    h('h2', bi(advice.title)),
    h('p', {}, h('span', { class: `badge priority-${advice.score}`, ...T(`advice.priority_${advice.score}`) })),
    advice.explanations?.length
      ? h('ul', {}, advice.explanations.map((explanation) => h('li', bi(explanation)))) : null,
    advice.card?.sections?.length
      ? h('details', { class: 'expanded-card', 'data-testid': 'advice-card' },
        h('summary', T('advice.what_to_do')), advice.card.sections.map(section))
      : null,
    rate(advice.module_id));
}

export default {
  title: 'advice.title',
  auth: 'job_seeker',
  async render({ main, session, signal }) {
    append(main, h('h1', T('advice.title')), waiting('result.computing'));
    const profile = await latestProfile(session.account.account_id, signal);
    if (!profile) return navigate('#/onboarding');
    const answer = await waitForResult(profile, 'advice', signal);
    if (!answer) return stillPending(main);

    if (answer.status === 'withheld') {
      replace(main, h('h1', T('advice.title')),
        h('div', { class: 'notice', 'data-testid': 'advice-withheld' },
          h('p', T('advice.withheld')),
          answer.release_after ? h('p', {}, h('span', T('advice.withheld_until')), ' ',
            h('strong', { 'data-date': answer.release_after })) : null),
        h('p', {}, h('a', { href: '#/diagnosis', ...T('advice.back_to_diagnosis') })));
      return undefined;
    }
    const list = [...(answer.result?.advice ?? [])].sort((a, b) => b.score - a.score);
    // Feedback (issue 16): stars on each piece of advice and a note.
    const mine = await given(profile, signal);
    const rate = (moduleId) => stars(profile, moduleId, mine.ratings[moduleId], signal);
    replace(main,
      h('h1', T('advice.title')),
      h('p', { class: 'lead', ...T('advice.intro') }),
      list.length ? h('ol', { class: 'plain-list' }, list.map((advice) => item(advice, rate))) : h('p', T('advice.none')),
      noteForm(profile, mine.note, signal),
      h('div', { class: 'actions' },
        list.length ? h('a', { class: 'button', href: '#/plan', 'data-testid': 'advice-plan-link',
          ...T('advice.see_plan') }) : null,
        h('a', { class: 'button', href: '#/help', ...T('diag.get_help') }),
        h('a', { class: 'button secondary', href: '#/market', ...T('advice.see_market') }),
        h('a', { class: 'button secondary', href: '#/diagnosis', ...T('advice.back_to_diagnosis') })));
    return undefined;
  },
};
