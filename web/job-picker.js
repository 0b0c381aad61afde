// Job title autocomplete over the ~11,000 ROME titles, as an ARIA 1.2 combobox: type, then pick with the
// arrow keys and Enter, or with a click. Only a picked suggestion counts (it carries the ROME code).
import { api } from './api.js';
import { h, T, uniqueId } from './dom.js';
import { say } from './forms.js';
import { t } from './i18n.js';

const NAMES_KEY = 'bob.job-names'; // the API stores codes only: remember names to show them again later
const DEBOUNCE_MS = 250;

function rememberName(job) {
  try {
    const names = JSON.parse(localStorage.getItem(NAMES_KEY) ?? '{}');
    names[job.code_ogr ?? job.rome_code] = job.name;
    localStorage.setItem(NAMES_KEY, JSON.stringify(names));
  } catch {
    // only a convenience
  }
}

function knownName(target) {
  try {
    const names = JSON.parse(localStorage.getItem(NAMES_KEY) ?? '{}');
    return names[target.job_title_code_ogr ?? target.rome_code] ?? null;
  } catch {
    return null;
  }
}

/** jobPicker({name, label, hint, initial: {rome_code, job_title_code_ogr}}) → {element, selected(), typed()} */
export function jobPicker({ name, label, hint, initial }) {
  const id = uniqueId('job');
  const listId = `${id}-list`;
  let selected = initial?.rome_code
    ? { rome_code: initial.rome_code, code_ogr: initial.job_title_code_ogr ?? null, name: knownName(initial) }
    : null;
  let options = [];
  let active = -1;
  let timer = null;
  let controller = null;

  const field = h('input', {
    id, name, type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    'aria-describedby': `${id}-hint ${id}-selected ${id}-error`, maxlength: 80,
    value: selected ? (selected.name ?? `ROME ${selected.rome_code}`) : '',
  });
  const list = h('ul', { id: listId, role: 'listbox', hidden: true, 'data-i18n-aria-label': 'job.suggestions' });
  const chosen = h('p', { class: 'selected-job', id: `${id}-selected`, 'aria-live': 'polite' });
  const status = h('p', { class: 'visually-hidden', 'aria-live': 'polite' });

  function showChosen() {
    if (!selected) say(chosen, '');
    else if (selected.name) say(chosen, { key: 'job.selected', vars: { name: selected.name, rome: selected.rome_code } });
    else say(chosen, { key: 'job.selected_code', vars: { rome: selected.rome_code } }); // picked on another device
  }

  function close() {
    list.hidden = true;
    field.setAttribute('aria-expanded', 'false');
    field.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function highlight(index) {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', String(i === index)));
    const li = list.children[index];
    if (li) {
      field.setAttribute('aria-activedescendant', li.id);
      li.scrollIntoView({ block: 'nearest' });
    }
  }

  function choose(index) {
    const job = options[index];
    if (!job) return;
    selected = { rome_code: job.rome_code, code_ogr: job.code_ogr, name: job.name };
    rememberName(job);
    field.value = job.name;
    close();
    showChosen();
    field.dispatchEvent(new Event('job-chosen', { bubbles: true }));
  }

  function show(found) {
    options = found;
    list.replaceChildren(...found.map((job, i) => h('li', {
      id: `${id}-opt-${i}`, role: 'option', 'aria-selected': 'false',
      onmousedown: (event) => event.preventDefault(), // keep focus in the field
      onclick: () => choose(i),
    }, job.name, h('small', { class: 'muted' }, job.rome_code))));
    list.hidden = found.length === 0;
    field.setAttribute('aria-expanded', String(found.length > 0));
    status.textContent = t(found.length ? 'job.count' : 'job.none', { count: found.length });
    active = -1;
  }

  async function search(q) {
    controller?.abort();
    controller = new AbortController();
    try {
      const params = new URLSearchParams({ q, limit: '10' });
      show(await api.get(`/api/v1/referential/job-titles?${params}`, { auth: false, signal: controller.signal }));
    } catch (error) {
      if (error.name !== 'AbortError') status.textContent = t('error.network');
    }
  }

  field.addEventListener('input', () => {
    selected = null; // typing again undoes the choice
    showChosen();
    clearTimeout(timer);
    const q = field.value.trim();
    if (q.length < 2) {
      controller?.abort();
      close();
      return;
    }
    timer = setTimeout(() => search(q), DEBOUNCE_MS);
  });

  field.addEventListener('keydown', (event) => {
    const open = !list.hidden;
    if (event.key === 'ArrowDown' && options.length) {
      event.preventDefault();
      list.hidden = false;
      field.setAttribute('aria-expanded', 'true');
      highlight(open ? Math.min(active + 1, options.length - 1) : 0);
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault();
      highlight(Math.max(active - 1, 0));
    } else if (event.key === 'Enter' && open && active >= 0) {
      event.preventDefault(); // pick, do not submit the form
      choose(active);
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      close();
    }
  });

  field.addEventListener('blur', () => setTimeout(close, 150));
  showChosen();

  const element = h('div', { class: 'field combo', 'data-field': name },
    h('label', { for: id, ...T(label) }),
    h('p', { class: 'hint', id: `${id}-hint`, ...T(hint) }),
    field, list, chosen, status,
    h('p', { class: 'error', id: `${id}-error` }));

  return {
    element,
    selected: () => selected,
    typed: () => field.value.trim(),
  };
}
