// UI strings from i18n/<lang>.json; Finnish is the primary language.

const SUPPORTED = ['fi', 'en'];
const STORAGE_KEY = 'kanava.language';

const loaded = new Map();
const listeners = new Set();
let language = 'fi';
let strings = {};

function savedLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked
  }
}

export function hasSavedLanguage() {
  return SUPPORTED.includes(savedLanguage());
}

// The saved choice, else the person's language from the server, else the browser's.
export function preferredLanguage(personLanguage = null) {
  const saved = savedLanguage();
  if (SUPPORTED.includes(saved)) return saved;
  if (SUPPORTED.includes(personLanguage)) return personLanguage;
  const browser = (navigator.languages?.[0] ?? navigator.language ?? '').toLowerCase();
  return browser.startsWith('fi') ? 'fi' : 'en';
}

export function currentLanguage() {
  return language;
}

export async function useLanguage(next, { save = false } = {}) {
  if (!SUPPORTED.includes(next)) next = 'fi';
  if (!loaded.has(next)) {
    const response = await fetch(new URL(`../i18n/${next}.json`, import.meta.url));
    if (!response.ok) throw new Error(`i18n/${next}.json: HTTP ${response.status}`);
    loaded.set(next, await response.json());
  }
  if (save) {
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // storage blocked: the choice lasts for this page only
    }
  }
  const changed = next !== language;
  language = next;
  strings = loaded.get(next);
  document.documentElement.lang = next;
  if (changed) listeners.forEach((listener) => listener(next));
}

export function onLanguageChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function lookup(key) {
  return key.split('.').reduce((node, part) => node?.[part], strings);
}

function has(key) {
  return lookup(key) !== undefined;
}

// t('members', { count: 3 }) picks the plural form; {name} placeholders are filled from params.
export function t(key, params = {}) {
  let value = lookup(key);
  if (value && typeof value === 'object' && typeof params.count === 'number') {
    value = value[new Intl.PluralRules(language).select(params.count)] ?? value.other;
  }
  if (typeof value !== 'string') return key;
  return value.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function roleName(role) {
  if (role == null) return t('roles.none');
  return has(`roles.${role}`) ? t(`roles.${role}`) : role;
}

// "2024-03-01" → "1.3.2024" (fi) / "Mar 1, 2024" (en)
export function formatDate(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const date = new Date(year, month - 1, day);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium' }).format(date);
}

// "2026-03-15" → "15.3." (fi) / "Mar 15" (en)
export function formatDayMonth(isoDate) {
  const [year, month, day] = isoDate.split('-').map(Number);
  const options = language === 'fi' ? { day: 'numeric', month: 'numeric' } : { month: 'short', day: 'numeric' };
  return new Intl.DateTimeFormat(language, options).format(new Date(year, month - 1, day));
}

// 3 → "maaliskuu" / "March"; `style` 'short': "maalis" / "Mar".
export function monthName(month, style = 'long') {
  return new Intl.DateTimeFormat(language, { month: style }).format(new Date(2000, month - 1, 1));
}

// ISO weekday 1 (Monday) … 7 → "maanantai" / "Monday".
export function weekdayName(weekday) {
  return new Intl.DateTimeFormat(language, { weekday: 'long' }).format(new Date(2024, 0, weekday)); // 1.1.2024 was a Monday
}

// An ISO 8601 instant in the browser's time zone: "23.11.2026 klo 22.50" (fi) / "Nov 23, 2026, 10:50 PM" (en)
export function formatDateTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

// A message's time: only the time today ("14.05" / "2:05 PM"), else with the date, as formatDateTime.
export function formatMessageTime(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return String(iso);
  const today = date.toDateString() === new Date().toDateString();
  return new Intl.DateTimeFormat(language, today ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

// A translated text for an ApiError: by its code when the UI knows it, else the server's message.
export function describeError(error) {
  if (error?.code && has(`errors.${error.code}`)) return t(`errors.${error.code}`);
  return error?.message || t('errors.generic');
}

// Fills elements marked data-i18n="key" (static markup in index.html).
export function translateStatic(root = document) {
  for (const node of root.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
}
