// The playground's words in the reader's language: one catalog per language
// (i18n/<lang>.json, the same keys in each; tests/js/playground_i18n.test.mjs checks
// them against this page's sources), numbers and times through Intl.
//
// The language: ?lang= in the URL (a link can name it), else the one chosen with the
// switcher (localStorage), else the first of navigator.languages we have, else English.

import en from './i18n/en.json';
import zhCN from './i18n/zh-CN.json';

export const CATALOGS = { en, 'zh-CN': zhCN };
export const LANGUAGES = Object.keys(CATALOGS);
const LANG_KEY = 'flow-codeblock.lang';

// A language tag to one we have: any zh to Simplified Chinese, any en to English.
export function supported(tag) {
  if (typeof tag !== 'string') return null;
  const primary = tag.toLowerCase().split('-')[0];
  if (primary === 'zh') return 'zh-CN';
  if (primary === 'en') return 'en';
  return null;
}

export function chooseLanguage(search, stored, preferred) {
  const asked = supported(new URLSearchParams(search).get('lang'));
  if (asked) return asked;
  if (supported(stored)) return supported(stored);
  for (const tag of preferred ?? []) {
    const found = supported(tag);
    if (found) return found;
  }
  return 'en';
}

let current = 'en';

export function language() {
  return current;
}

// Chosen with the switcher: remembered, and put in the URL so that a link keeps it.
export function setLanguage(lang, { remember = false } = {}) {
  current = supported(lang) ?? 'en';
  if (remember) {
    try { localStorage.setItem(LANG_KEY, current); } catch { /* private mode: not remembered */ }
    const url = new URL(location.href);
    url.searchParams.set('lang', current);
    history.replaceState(null, '', url);
  }
  document.documentElement.lang = current;
  return current;
}

export function initialLanguage() {
  let stored = null;
  try { stored = localStorage.getItem(LANG_KEY); } catch { /* none */ }
  return setLanguage(chooseLanguage(location.search, stored, navigator.languages));
}

// The text of `key` with its {placeholders} filled; numbers formatted for the language.
export function t(key, params = {}) {
  const text = CATALOGS[current][key] ?? CATALOGS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? formatNumber(value) : String(value);
  });
}

export function formatNumber(value, digits) {
  const options = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
  return new Intl.NumberFormat(current, options).format(value);
}

export function formatTime(date) {
  return new Intl.DateTimeFormat(current, { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(date);
}

// Fills the page's marked elements: data-i18n (text), data-i18n-<attribute> (an
// attribute's value). A {name} in the text becomes the element's <code> child of that name.
export function translatePage(root = document) {
  for (const element of root.querySelectorAll('[data-i18n]')) {
    const text = t(element.dataset.i18n);
    if (!/\{\w+\}/.test(text)) {
      element.textContent = text;
      continue;
    }
    element.replaceChildren(...text.split(/(\{\w+\})/).filter(Boolean).map((part) => {
      const name = /^\{(\w+)\}$/.exec(part);
      if (!name) return document.createTextNode(part);
      const code = document.createElement('code');
      code.textContent = name[1];
      return code;
    }));
  }
  for (const attribute of ['placeholder', 'title', 'aria-label']) {
    const data = `data-i18n-${attribute}`;
    for (const element of root.querySelectorAll(`[${data}]`)) element.setAttribute(attribute, t(element.getAttribute(data)));
  }
  document.title = t('page.title');
}
