// A helper pledges time: CV reviews, cover-letter reviews, coffees; in which job domains and cities.
import { api, ApiError } from '../api.js';
import { append, h, T } from '../dom.js';
import {
  busy, checkbox, checkForm, choices, fieldError, formStatus, input, setFormError, showApiError, value, values,
} from '../forms.js';
import { announce, navigate } from '../shell.js';

const DOMAINS = 'ABCDEFGHIJKLMN'.split(''); // the 14 ROME domains
const KINDS = [['HELP_RESUME', 3], ['HELP_COVER_LETTER', 3], ['HELP_COFFEE', 10]]; // kind, most one can pledge
const MAX_CITIES = 10;

function cityRow(index) {
  return h('div', { class: 'inline', 'data-city-row': index },
    input({ name: `cities.${index}.name`, label: 'helper.city', maxlength: 100, autocomplete: 'address-level2' }),
    input({ name: `cities.${index}.departement_id`, label: 'onb.departement', hint: 'onb.departement_hint',
      pattern: '\\d{2}|2[ABab]|97\\d', maxlength: 3, autocapitalize: 'characters' }));
}

function pledgeRow([kind, most]) {
  return h('div', { class: 'card' },
    checkbox({ name: `pledge.${kind}`, label: `pledge.${kind}` }),
    h('p', { class: 'hint', ...T(`pledge.${kind}.hint`) }),
    input({ name: `pledge.${kind}.capacity`, label: kind === 'HELP_COFFEE' ? 'helper.capacity_coffees' : 'helper.capacity_documents',
      type: 'number', inputmode: 'numeric', min: 1, max: most, value: 1, required: true }));
}

function readHelper(form) {
  const cityIndexes = [];
  const cities = [];
  form.querySelectorAll('[data-city-row]').forEach((row) => {
    const index = row.dataset.cityRow;
    const name = value(form, `cities.${index}.name`);
    const departement = value(form, `cities.${index}.departement_id`).toUpperCase();
    if (name || departement) {
      cityIndexes.push(index);
      cities.push({ name, departement_id: departement });
    }
  });
  const more = value(form, 'domains_more').split(',').map((d) => d.trim().toUpperCase()).filter(Boolean);
  const kinds = KINDS.map(([kind]) => kind).filter((kind) => form.elements.namedItem(`pledge.${kind}`).checked);
  const body = {
    name: value(form, 'name'),
    cities,
    remote: form.elements.namedItem('remote').checked,
    domains: [...new Set([...values(form, 'domains'), ...more])],
    pledges: kinds.map((kind) => ({ kind, capacity: Number(value(form, `pledge.${kind}.capacity`)) })),
  };
  // The API numbers list items as sent; map its error paths back to the fields on screen.
  const rename = (path) => path
    .replace(/^cities\.(\d+)/, (_, i) => `cities.${cityIndexes[Number(i)]}`)
    .replace(/^pledges\.(\d+)/, (_, i) => `pledge.${kinds[Number(i)]}`)
    .replace(/^domains\.\d+/, 'domains');
  return { body, rename };
}

export default {
  title: 'helper.title',
  auth: 'helper',
  render({ main, session }) {
    const cities = h('div', {}, cityRow(0));
    let rows = 1;
    const addCity = h('button', { type: 'button', class: 'secondary', ...T('helper.add_city'),
      onclick: () => {
        append(cities, cityRow(rows));
        rows += 1;
        cities.querySelector(`[data-city-row="${rows - 1}"] input`).focus();
        if (rows >= MAX_CITIES) addCity.hidden = true;
      } });
    const pledges = h('fieldset', { 'data-field': 'pledges' },
      h('legend', T('helper.pledges')),
      KINDS.map(pledgeRow),
      h('p', { class: 'error' }));
    const already = h('p', { class: 'notice', hidden: true },
      h('span', T('helper.already')), ' ', h('a', { href: '#/helper/reviews', ...T('nav.helper_reviews') }));

    const form = h('form', { novalidate: true, 'aria-labelledby': 'helper-title' },
      input({ name: 'name', label: 'helper.name', required: true, maxlength: 120, autocomplete: 'name' }),
      pledges,
      choices({ name: 'domains', legend: 'helper.domains', hint: 'helper.domains_hint', columns: true,
        options: DOMAINS.map((letter) => [letter, `domain.${letter}`]) }),
      input({ name: 'domains_more', label: 'helper.domains_more', hint: 'helper.domains_more_hint', maxlength: 200,
        pattern: '\\s*[A-Na-n](\\d{2}(\\d{2})?)?(\\s*,\\s*[A-Na-n](\\d{2}(\\d{2})?)?)*\\s*' }),
      h('fieldset', { 'data-field': 'cities' },
        h('legend', T('helper.cities')),
        h('p', { class: 'hint', ...T('helper.cities_hint') }),
        cities, addCity,
        h('p', { class: 'error' })),
      checkbox({ name: 'remote', label: 'helper.remote', checked: true }),
      formStatus(),
      already,
      h('div', { class: 'actions' }, h('button', { type: 'submit', ...T('helper.submit') })));

    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      already.hidden = true;
      if (!checkForm(form)) return;
      const { body, rename } = readHelper(form);
      if (!body.pledges.length) {
        fieldError(form, 'pledges', { key: 'helper.pick_one' });
        setFormError(form, { key: 'error.check_fields', vars: { count: 1 } });
        form.querySelector('[name="pledge.HELP_RESUME"]').focus();
        return;
      }
      await busy(form, async () => {
        try {
          await api.post('/api/v1/helpers', body);
          announce('helper.thanks');
          navigate('#/helper/reviews');
        } catch (error) {
          if (error instanceof ApiError && error.status === 409) already.hidden = false;
          else showApiError(form, error, rename);
        }
      });
    });

    append(main,
      h('h1', { id: 'helper-title', ...T('helper.title') }),
      h('p', { class: 'lead', ...T('helper.intro') }),
      h('p', { class: 'muted', ...T('helper.signed_in_as', { email: session.account.email ?? '' }) }),
      form);
  },
};
