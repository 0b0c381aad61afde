// The action plan: strategies for the person's main challenge with their why, the actions chosen with their
// dates, each marked done or stuck (with a note), the progress, and "email me my plan". Everything the page shows
// comes from one GET (/api/v1/advice/plan), so that a service worker can keep it for offline reading.
import { api } from '../api.js';
import { bi, h, replace, T, uniqueId } from '../dom.js';
import { errorMessage, say, setFormError } from '../forms.js';
import { getLang } from '../i18n.js';
import { announce } from '../shell.js';

const PLAN = '/api/v1/advice/plan';
const STATES = ['done', 'stuck', 'todo'];
const STATE_LABELS = { todo: 'plan.state_todo', done: 'plan.state_done', stuck: 'plan.state_stuck' };
const MARK_LABELS = { todo: 'plan.mark_todo', done: 'plan.mark_done', stuck: 'plan.mark_stuck' };
const MARKED = { todo: 'plan.marked_todo', done: 'plan.marked_done', stuck: 'plan.marked_stuck' };
const UNAVAILABLE = { pending: 'plan.pending', withheld: 'plan.withheld' };

function resourceLink(resource) {
  return resource
    ? h('a', { href: resource.url, target: '_blank', rel: 'noopener noreferrer', class: 'resource' }, resource.name)
    : null;
}

function progressBar(progress) {
  const id = uniqueId('plan-progress');
  const vars = { done: progress.done, total: progress.total };
  return h('div', { class: 'plan-progress', 'data-testid': 'plan-progress' },
    h('label', { for: id, ...T('plan.progress', vars) }),
    h('progress', { id, max: String(Math.max(progress.total, 1)), value: String(progress.done) }),
    progress.stuck ? h('p', { class: 'hint', ...T('plan.stuck_count', { count: progress.stuck }) }) : null);
}

function actionItem(action, mark) {
  const noteId = uniqueId('plan-note');
  const errorId = `${noteId}-error`;
  const note = h('input', { id: noteId, type: 'text', maxlength: '500', value: action.note ?? '',
    'aria-describedby': errorId });
  const error = h('p', { class: 'error', id: errorId, role: 'alert' });
  const button = (state) => h('button', {
    type: 'button', class: state === 'done' ? null : 'secondary', 'data-state': state,
    onclick: () => mark(action, state, note.value.trim() || null, error),
    ...T(MARK_LABELS[state]),
  });
  return h('li', { class: `card plan-action state-${action.state}`, 'data-testid': 'plan-action',
    'data-action': action.id, 'data-state': action.state },
  h('h3', bi(action.title)),
  h('p', {}, h('span', { class: `badge state-${action.state}`, 'data-testid': 'plan-action-state',
    ...T(STATE_LABELS[action.state]) }),
  action.target_date ? [' ', h('span', T('plan.by')), ' ', h('strong', { 'data-date': action.target_date })] : null),
  h('div', { class: 'field' }, h('label', { for: noteId, ...T('plan.note') }), note, error),
  h('div', { class: 'actions' }, STATES.filter((state) => state !== action.state).map(button)));
}

function chooser(view, save) {
  const form = h('form', { class: 'card plan-chooser', 'data-testid': 'plan-chooser', novalidate: true });
  const current = view.plan;
  const actionsBox = h('div', { 'data-field': 'actions' });
  const radios = view.strategies.map((strategy) => {
    const id = uniqueId('strategy');
    const whyId = `${id}-why`;
    const general = strategy.actions.every((action) => !action.in_advice);
    return h('div', { class: 'choice strategy-choice', 'data-testid': 'plan-strategy', 'data-strategy': strategy.id },
      h('input', { type: 'radio', id, name: 'strategy_id', value: strategy.id, 'aria-describedby': whyId,
        checked: current?.strategy_id === strategy.id, onchange: () => showActions(strategy) }),
      h('div', {},
        h('label', { for: id, class: 'strategy-title', ...bi(strategy.title) }),
        h('p', { class: 'hint', id: whyId }, h('span', bi(strategy.why)),
          general ? [' ', h('span', T('plan.general_strategy'))] : null)));
  });

  function showActions(strategy) {
    const kept = new Map((current?.strategy_id === strategy.id ? current.actions : []).map((a) => [a.id, a]));
    replace(actionsBox, h('fieldset', {},
      h('legend', T('plan.choose_actions')),
      h('ul', { class: 'plain-list' }, strategy.actions.map((action) => {
        const boxId = uniqueId('action');
        const dateId = uniqueId('action-date');
        return h('li', { class: 'plan-choice', 'data-testid': 'plan-choice', 'data-action': action.id },
          h('div', { class: 'choice' },
            h('input', { type: 'checkbox', id: boxId, name: 'action', value: action.id,
              checked: !current || kept.has(action.id) }),
            h('label', { for: boxId, ...bi(action.title) })),
          action.resource ? h('p', { class: 'hint' }, h('span', T('plan.resource')), ' ',
            resourceLink(action.resource)) : null,
          h('div', { class: 'field' },
            h('label', { for: dateId, ...T('plan.target_date') }),
            h('input', { type: 'date', id: dateId, name: `date-${action.id}`,
              value: kept.get(action.id)?.target_date ?? '' })));
      }))));
  }

  const status = h('p', { class: 'form-error', role: 'alert', 'data-form-error': '' });
  replace(form,
    h('h2', T(current ? 'plan.change_strategy' : 'plan.choose_title')),
    h('fieldset', { 'data-field': 'strategy_id' }, h('legend', T('plan.choose_strategy')), radios),
    actionsBox,
    status,
    h('div', { class: 'actions' }, h('button', { type: 'submit', ...T('plan.save') })));
  const selected = view.strategies.find((s) => s.id === current?.strategy_id);
  if (selected) showActions(selected);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const strategyId = new FormData(form).get('strategy_id');
    const picked = [...form.querySelectorAll('input[name="action"]:checked')].map((box) => ({
      id: box.value, target_date: form.querySelector(`[name="date-${box.value}"]`).value || null,
    }));
    if (!strategyId) return setFormError(form, { key: 'plan.pick_strategy' });
    if (!picked.length) return setFormError(form, { key: 'plan.pick_action' });
    setFormError(form, '');
    return save({ strategy_id: strategyId, actions: picked, revision: current?.revision ?? 0 }, form);
  });
  return form;
}

export default {
  title: 'plan.title',
  auth: 'job_seeker',
  async render({ main, signal }) {
    const notice = h('p', { class: 'notice ok', 'data-testid': 'plan-notice' });
    let view = await api.get(PLAN, { signal });

    function draw(changing = false) {
      if (view.status !== 'ready') {
        return replace(main, h('h1', T('plan.title')),
          h('p', { class: 'notice', 'data-testid': 'plan-unavailable', ...T(UNAVAILABLE[view.status]) }),
          h('p', {}, h('a', { href: '#/advice', ...T('plan.back_to_advice') })));
      }
      const plan = view.plan;
      const strategy = plan && view.strategies.find((s) => s.id === plan.strategy_id);
      return replace(main,
        h('h1', T('plan.title')),
        h('p', { class: 'lead', ...T('plan.intro') }),
        notice,
        plan ? h('section', { class: 'plan', 'data-testid': 'plan' },
          h('h2', strategy ? bi(strategy.title) : {}, strategy ? null : plan.strategy_id),
          strategy ? h('p', bi(strategy.why)) : null,
          progressBar(view.progress),
          h('ul', { class: 'plain-list' }, plan.actions.map((action) => actionItem(action, mark))),
          h('div', { class: 'actions' },
            h('button', { type: 'button', 'data-testid': 'plan-email', onclick: email, ...T('plan.email') }),
            changing ? null : h('button', { type: 'button', class: 'secondary', onclick: () => draw(true),
              ...T('plan.change_strategy') }))) : null,
        !plan || changing ? chooser(view, save) : null,
        h('p', {}, h('a', { href: '#/advice', ...T('plan.back_to_advice') })));
    }

    async function save(body, form) {
      try {
        view = await api.put(PLAN, body, { signal });
      } catch (error) {
        if (error.status !== 409) return setFormError(form, errorMessage(error));
        view = await api.get(PLAN, { signal }); // changed on another device: show it as it is now
        draw(true);
        return setFormError(main.querySelector('[data-testid="plan-chooser"]'), { key: 'plan.changed_meanwhile' });
      }
      say(notice, { key: 'plan.saved' });
      draw();
      announce('plan.saved');
      const heading = main.querySelector('[data-testid="plan"] h2');
      heading?.setAttribute('tabindex', '-1');
      return heading?.focus();
    }

    async function mark(action, state, note, error) {
      try {
        view = await api.post(`${PLAN}/actions/${encodeURIComponent(action.id)}/state`, { state, note }, { signal });
      } catch (failure) {
        return say(error, errorMessage(failure));
      }
      draw();
      const key = MARKED[state];
      say(notice, { key, vars: { action: action.title[getLang()] ?? action.title.fr } });
      announce(key, { action: action.title[getLang()] ?? action.title.fr });
      // Keep keyboard users where they were: on the action they just marked.
      const heading = main.querySelector(`[data-action="${CSS.escape(action.id)}"] h3`);
      heading?.setAttribute('tabindex', '-1');
      return heading?.focus();
    }

    async function email() {
      try {
        await api.post(`${PLAN}/email`, { locale: getLang() }, { signal });
      } catch (failure) {
        return say(notice, errorMessage(failure));
      }
      say(notice, { key: 'plan.emailed' });
      return announce('plan.emailed');
    }

    draw();
  },
};
