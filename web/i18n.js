// French by default, English on request. Every string lives in strings.json with both languages side by side,
// so a unit test can check that none is missing. Elements carry their key (data-i18n) rather than their text,
// which lets the language change in place without re-rendering pages (and losing what was typed in forms).
const STRINGS = await fetch(new URL('./strings.json', import.meta.url)).then((r) => r.json());
const STORAGE_KEY = 'bob.lang';
export const LANGS = ['fr', 'en'];

let lang = readStoredLang();

function readStoredLang() {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(stored) ? stored : 'fr';
  } catch {
    return 'fr'; // storage can be disabled: stay in French
  }
}

export function getLang() {
  return lang;
}

export function setLang(next) {
  lang = LANGS.includes(next) ? next : 'fr';
  try {
    localStorage.setItem(STORAGE_KEY, lang);
  } catch {
    // not persisted, still applied
  }
  document.documentElement.lang = lang;
  translate(document.body);
  document.dispatchEvent(new CustomEvent('bob:lang', { detail: lang }));
}

export function t(key, vars) {
  const entry = STRINGS[key];
  if (!entry) {
    console.warn(`i18n: missing key ${key}`);
    return key;
  }
  const text = entry[lang] ?? entry.fr;
  return vars ? text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? '')) : text;
}

export function hasKey(key) {
  return key in STRINGS;
}

export function formatDate(iso, withTime = false) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options = withTime ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long' };
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'fr-FR', options).format(date);
}

const TRANSLATED_ATTRIBUTES = ['placeholder', 'aria-label', 'title'];
const SELECTOR = ['[data-i18n]', '[data-fr]', '[data-date]', ...TRANSLATED_ATTRIBUTES.map((a) => `[data-i18n-${a}]`)]
  .join(',');

function apply(el) {
  const { i18n, i18nVars, fr, en, date } = el.dataset;
  if (i18n) el.textContent = t(i18n, i18nVars ? JSON.parse(i18nVars) : undefined);
  if (fr !== undefined) el.textContent = lang === 'en' && en ? en : fr;
  if (date) el.textContent = formatDate(date, el.dataset.time !== undefined);
  for (const attribute of TRANSLATED_ATTRIBUTES) {
    const key = el.getAttribute(`data-i18n-${attribute}`);
    if (key) el.setAttribute(attribute, t(key));
  }
}

export function translate(root) {
  if (!(root instanceof Element)) return;
  if (root.matches(SELECTOR)) apply(root);
  root.querySelectorAll(SELECTOR).forEach(apply);
}

// Pages only set keys; whatever they add or re-key later is translated as it appears.
export function watch(root) {
  translate(root);
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'attributes') apply(m.target);
      else m.addedNodes.forEach(translate);
    }
  }).observe(root, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-i18n', 'data-i18n-vars', 'data-fr'],
  });
}
