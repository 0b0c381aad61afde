// Form building blocks: every input gets a <label>, an optional hint and an error line tied to it by
// aria-describedby, so screen readers read the error with the field. Field names follow the API's error
// locations ("projects.0.city.name"), so a 422 answer lands next to the field it is about.
import { ApiError } from './api.js';
import { h, T, uniqueId } from './dom.js';
import { t } from './i18n.js';

function idFor(name) {
  return uniqueId(`f-${name.replace(/[^A-Za-z0-9]+/g, '-')}`);
}

function describedBy(id, hint) {
  return hint ? `${id}-hint ${id}-error` : `${id}-error`;
}

function wrap(id, name, label, hint, control, extraClass = '') {
  return h('div', { class: `field ${extraClass}`.trim(), 'data-field': name },
    h('label', { for: id, ...T(label) }),
    hint ? h('p', { class: 'hint', id: `${id}-hint`, ...T(hint) }) : null,
    control,
    h('p', { class: 'error', id: `${id}-error` }));
}

/** A text-like input: input({name, label, type, hint, required, value, ...attributes}). */
export function input({ name, label, hint, type = 'text', ...attributes }) {
  const id = idFor(name);
  const control = h('input', { id, name, type, 'aria-describedby': describedBy(id, hint), ...attributes });
  return wrap(id, name, label, hint, control);
}

export function textarea({ name, label, hint, ...attributes }) {
  const id = idFor(name);
  const control = h('textarea', { id, name, 'aria-describedby': describedBy(id, hint), ...attributes });
  return wrap(id, name, label, hint, control);
}

/** A select of [value, labelKey] pairs; `empty` adds a first "not said" choice with an empty value. */
export function select({ name, label, hint, options, empty = 'form.not_said', value = '', ...attributes }) {
  const id = idFor(name);
  const control = h('select', { id, name, 'aria-describedby': describedBy(id, hint), ...attributes },
    empty ? h('option', { value: '', ...T(empty) }) : null,
    options.map(([optionValue, key]) => h('option', { value: optionValue, ...T(key) })));
  control.value = value ?? '';
  if (control.selectedIndex < 0) control.selectedIndex = 0; // a value it does not offer: its first choice
  return wrap(id, name, label, hint, control);
}

/** Yes / no / not said, for the API's optional booleans. */
export function yesNo({ name, label, hint, value }) {
  const current = value === true ? 'true' : value === false ? 'false' : '';
  return select({ name, label, hint, options: [['true', 'form.yes'], ['false', 'form.no']], value: current });
}

/** A group of checkboxes or radios: choices({name, legend, type, options: [[value, key]], checked: [...]}) */
export function choices({ name, legend, hint, type = 'checkbox', options, checked = [], columns = false }) {
  const id = idFor(name);
  const group = h('fieldset', { 'data-field': name, 'aria-describedby': describedBy(id, hint) },
    h('legend', T(legend)),
    hint ? h('p', { class: 'hint', id: `${id}-hint`, ...T(hint) }) : null,
    h('div', { class: columns ? 'choices-columns' : '' },
      options.map(([value, key]) => {
        const optionId = idFor(`${name}-${value}`);
        return h('div', { class: 'choice' },
          h('input', { type, id: optionId, name, value, checked: checked.includes(value) }),
          h('label', { for: optionId, ...T(key) }));
      })),
    h('p', { class: 'error', id: `${id}-error` }));
  return group;
}

/** A single checkbox with its label on the right. */
export function checkbox({ name, label, checked = false, value = 'true' }) {
  const id = idFor(name);
  return h('div', { class: 'choice', 'data-field': name },
    h('input', { type: 'checkbox', id, name, value, checked, 'aria-describedby': `${id}-error` }),
    h('label', { for: id, ...T(label) }),
    h('p', { class: 'error', id: `${id}-error` }));
}

/** The form's own error line (announced) and a notice line for successes. */
export function formStatus() {
  return [h('p', { class: 'form-error', role: 'alert', 'data-form-error': '' }),
    h('p', { class: 'notice ok', role: 'status', 'data-form-notice': '' })];
}

export function values(form, name) {
  return [...form.querySelectorAll(`[name="${CSS.escape(name)}"]:checked`)].map((el) => el.value);
}

export function value(form, name) {
  const el = form.elements.namedItem(name);
  return el ? String(el.value ?? '').trim() : '';
}

export function optional(form, name) {
  return value(form, name) || undefined; // JSON.stringify drops undefined: the API default applies
}

export function optionalNumber(form, name) {
  const text = value(form, name);
  return text === '' ? undefined : Number(text);
}

export function optionalBool(form, name) {
  const text = value(form, name);
  return text === '' ? undefined : text === 'true';
}

/**
 * Show a message in `el`: {key, vars} is ours and follows the language toggle; a string (the API's own words)
 * is shown as is.
 */
export function say(el, message) {
  if (message && typeof message === 'object') {
    el.setAttribute('data-i18n-vars', message.vars ? JSON.stringify(message.vars) : '');
    el.setAttribute('data-i18n', message.key);
    el.textContent = t(message.key, message.vars);
  } else {
    el.removeAttribute('data-i18n');
    el.removeAttribute('data-i18n-vars');
    el.textContent = message ?? '';
  }
  return el;
}

export function clearErrors(form) {
  form.querySelectorAll('.error, [data-form-error], [data-form-notice]').forEach((el) => say(el, ''));
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
}

export function showNotice(form, key, vars) {
  say(form.querySelector('[data-form-notice]'), { key, vars });
}

/** Put `message` next to the field called `name`, or the nearest field up its path; false if none. */
export function fieldError(form, name, message) {
  const parts = String(name).split('.');
  while (parts.length) {
    const field = form.querySelector(`[data-field="${CSS.escape(parts.join('.'))}"]`);
    if (field) {
      const fieldName = parts.join('.');
      say(field.querySelector(':scope > .error'), message);
      field.querySelectorAll('[name]').forEach((el) => {
        if (el.name === fieldName) el.setAttribute('aria-invalid', 'true');
      });
      return true;
    }
    parts.pop();
  }
  return false;
}

function validityMessage(el) {
  const v = el.validity;
  if (v.valueMissing) return { key: 'error.required' };
  if (v.typeMismatch) return { key: el.type === 'email' ? 'error.email' : 'error.format' };
  if (v.patternMismatch) return { key: 'error.format' };
  if (v.rangeUnderflow) return { key: 'error.min', vars: { min: el.min } };
  if (v.rangeOverflow) return { key: 'error.max', vars: { max: el.max } };
  if (v.tooShort) return { key: 'error.too_short', vars: { min: el.minLength } };
  if (v.tooLong) return { key: 'error.too_long', vars: { max: el.maxLength } };
  if (v.badInput || v.stepMismatch) return { key: 'error.format' };
  return el.validationMessage;
}

/** The browser's constraint checks, with our own (translated) messages; focuses the first bad field. */
export function checkForm(form) {
  clearErrors(form);
  const seen = new Set(); // a radio group is one question, however many buttons it has
  const invalid = [...form.elements].filter((el) => {
    if (!el.willValidate || el.checkValidity() || seen.has(el.name)) return false;
    seen.add(el.name);
    return true;
  });
  for (const el of invalid) fieldError(form, el.name, validityMessage(el));
  if (invalid.length) {
    setFormError(form, { key: 'error.check_fields', vars: { count: invalid.length } });
    invalid[0].focus();
  }
  return invalid.length === 0;
}

export function setFormError(form, message) {
  say(form.querySelector('[data-form-error]'), message);
}

// Pydantic's error types we can say better, in the reader's language.
const TYPE_MESSAGES = {
  missing: 'error.required',
  string_pattern_mismatch: 'error.format',
  unknown_reference: 'error.unknown_reference',
  greater_than_equal: 'error.out_of_range',
  less_than_equal: 'error.out_of_range',
  greater_than: 'error.out_of_range',
  less_than: 'error.out_of_range',
  string_too_short: 'error.too_short_plain',
  string_too_long: 'error.too_long_plain',
};

export function messageOf(item) {
  const key = TYPE_MESSAGES[item.type];
  return key ? { key } : String(item.msg ?? '').replace(/^Value error, /, '');
}

const inWords = (message) => (typeof message === 'string' ? message : t(message.key, message.vars));

/** Any API error in words; 422 details go next to their fields (`rename` maps an API path to a field name). */
export function showApiError(form, error, rename = (name) => name) {
  if (!(error instanceof ApiError)) throw error;
  if (error.status === 422 && Array.isArray(error.detail)) {
    const loose = [];
    for (const item of error.detail) {
      const path = (item.loc ?? []).filter((part) => part !== 'body').join('.');
      if (!path || !fieldError(form, rename(path), messageOf(item))) loose.push(messageOf(item));
    }
    const summary = { key: 'error.check_fields', vars: { count: error.detail.length } };
    setFormError(form, loose.length ? [summary, ...loose].map(inWords).join(' ') : summary);
    form.querySelector('[aria-invalid="true"]')?.focus();
    return;
  }
  setFormError(form, errorMessage(error));
}

/** What to say about a failed call: {key} for the cases we know, else the API's own detail. */
export function errorMessage(error) {
  if (!(error instanceof ApiError)) return { key: 'error.unexpected' };
  if (error.status === 0) return { key: 'error.network' };
  if (error.status === 429) return { key: 'error.rate_limited' };
  if (error.status === 413) return { key: 'error.too_big' };
  if (error.status >= 500) return { key: 'error.server' };
  if (error.status === 403) return { key: 'error.forbidden' };
  return typeof error.detail === 'string' ? error.detail : { key: 'error.unexpected' };
}

/** Disable the submit button while `work` runs, so a double click does not send twice. */
export async function busy(form, work) {
  const buttons = form.querySelectorAll('button[type="submit"]');
  buttons.forEach((b) => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    form.removeAttribute('aria-busy');
  }
}
