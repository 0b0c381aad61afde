// A tiny DOM builder: pages build elements instead of HTML strings, so text from the API is never parsed as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'value') el.value = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

// Like Element.append, but skips null/false and flattens arrays (so conditional children are easy).
export function append(el, ...children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

// Attributes for a translated text: h('h1', T('home.title')).
export function T(key, vars) {
  return { 'data-i18n': key, 'data-i18n-vars': vars ? JSON.stringify(vars) : null };
}

// Attributes for a text the API gives in both languages ({fr, en}).
export function bi(text) {
  return { 'data-fr': text?.fr ?? '', 'data-en': text?.en ?? '' };
}

let uid = 0;
export function uniqueId(prefix) {
  uid += 1;
  return `${prefix}-${uid}`;
}
