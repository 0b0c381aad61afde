// The advice list, best first, each with why it was chosen. The trial's control group sees it later.
import { append, bi, h, replace, T } from '../dom.js';
import { navigate } from '../shell.js';
import { latestProfile, stillPending, waitForResult, waiting } from './diagnosis.js';

function item(advice) {
  return h('li', { class: 'card', 'data-testid': 'advice-item' },
    h('h2', bi(advice.title)),
    h('p', {}, h('span', { class: `badge priority-${advice.score}`, ...T(`advice.priority_${advice.score}`) })),
    advice.explanations?.length
      ? h('ul', {}, advice.explanations.map((explanation) => h('li', bi(explanation)))) : null);
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
    replace(main,
      h('h1', T('advice.title')),
      h('p', { class: 'lead', ...T('advice.intro') }),
      list.length ? h('ol', { class: 'plain-list' }, list.map(item)) : h('p', T('advice.none')),
      h('div', { class: 'actions' },
        h('a', { class: 'button', href: '#/help', ...T('diag.get_help') }),
        h('a', { class: 'button secondary', href: '#/diagnosis', ...T('advice.back_to_diagnosis') })));
    return undefined;
  },
};
